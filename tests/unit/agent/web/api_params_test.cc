#include "agent/web/api_params.h"

#include <doctest/doctest.h>

#include "tests/support/why.h"
#include "vitals/common/time_format.h"

namespace vitals::detail {
namespace {

using testing::why;

std::string parsed(std::string_view text) {
  auto t = parse_api_time("since", text);
  return t ? format_rfc3339(*t) : "error: " + t.error().message;
}

TEST_CASE("API times are Unix seconds, with or without a fraction") {
  CHECK(parsed("1767225600") == "2026-01-01T00:00:00.000Z");
  CHECK(parsed("1767225600.25") == "2026-01-01T00:00:00.250Z");
  CHECK(parsed("1767225600.123") == "2026-01-01T00:00:00.123Z");
  CHECK(parsed("-1.5") == "1969-12-31T23:59:58.500Z");
  CHECK(parsed("0") == "1970-01-01T00:00:00.000Z");
}

TEST_CASE("API times are RFC 3339 with a fraction and any offset") {
  CHECK(parsed("2026-01-01T00:00:00Z") == "2026-01-01T00:00:00.000Z");
  CHECK(parsed("2026-01-01T01:30:00.5+01:30") == "2026-01-01T00:00:00.500Z");
  CHECK(parsed("2025-12-31T20:00:00.123456789-04:00") == "2026-01-01T00:00:00.123Z");
  CHECK(parsed("2024-02-29t12:00:00z") == "2024-02-29T12:00:00.000Z");
}

TEST_CASE("malformed API times are refused with a message naming the parameter") {
  for (const char* text :
       {"", "yesterday", "2026-01-01", "2026-01-01T00:00:00", "2026-02-29T00:00:00Z",
        "2026-01-01T24:00:00Z", "2026-01-01T00:60:00Z", "2026-01-01T00:00:00.Z",
        "2026-01-01T00:00:00Z ", "2026-01-01 00:00:00Z", "2026-01-01T00:00:00+1:00", "nan", "inf",
        "1e300", "0x10", "9999-12-31T23:59:59Z", "1e10"}) {
    auto t = parse_api_time("since", text);
    REQUIRE_MESSAGE(!t, text);
    CHECK(t.error().code == ErrorCode::InvalidArgument);
    CHECK(t.error().message.find("\"since\"") != std::string::npos);
  }
}

TEST_CASE("an API limit is a whole number from 1 to the maximum") {
  auto ten = parse_api_limit("limit", "10", 100);
  REQUIRE_MESSAGE(ten, why(ten));
  CHECK(*ten == 10);
  CHECK(parse_api_limit("limit", "100", 100).value() == 100);
  for (const char* text : {"", "0", "101", "-1", "1.5", "ten", " 5"}) {
    CHECK_MESSAGE(!parse_api_limit("limit", text, 100), text);
  }
}

}  // namespace
}  // namespace vitals::detail
