#include "vitals/common/duration.h"

#include <doctest/doctest.h>

using namespace std::chrono_literals;
using vitals::format_duration;
using vitals::parse_duration;

TEST_CASE("durations in Prometheus notation parse to their length") {
  CHECK(parse_duration("500ms").value() == 500ms);
  CHECK(parse_duration("15s").value() == 15s);
  CHECK(parse_duration("5m").value() == 5min);
  CHECK(parse_duration("1h30m").value() == 90min);
  CHECK(parse_duration("7d").value() == 7 * 24h);
  CHECK(parse_duration("2w").value() == 14 * 24h);
  CHECK(parse_duration("1y").value() == 365 * 24h);
  CHECK(parse_duration("0").value() == 0s);
  CHECK(parse_duration("1m30s500ms").value() == 90500ms);
}

TEST_CASE("malformed durations are refused with the text in the message") {
  for (const char* bad : {"", "5", "s", "1.5s", "-1s", "5x", "30s1m", "1m1m", "5 s", "ms"}) {
    auto parsed = parse_duration(bad);
    REQUIRE_MESSAGE(!parsed, "accepted \"", bad, "\"");
    CHECK(parsed.error().code == vitals::ErrorCode::InvalidArgument);
    CHECK(parsed.error().message.find(std::string("\"") + bad + "\"") != std::string::npos);
  }
}

// Found by tests/fuzz (api_params): 11767225600h overflowed the nanosecond count (undefined
// behaviour, caught by UBSan) instead of being refused.
TEST_CASE("durations past about 292 years are refused as out of range, not overflowed") {
  CHECK(parse_duration("106751d").value() == 106751 * 24h);
  CHECK(parse_duration("292y").value() == 292 * 365 * 24h);
  for (const char* huge : {"11767225600h", "106752d", "293y", "292y52w", "999999999999y",
                           "11767225600h3\313m15s500+s"}) {
    auto parsed = parse_duration(huge);
    REQUIRE_MESSAGE(!parsed, "accepted \"", huge, "\"");
    CHECK(parsed.error().code == vitals::ErrorCode::InvalidArgument);
  }
  CHECK(parse_duration("292y52w").error().message == "invalid duration \"292y52w\": out of range");
}

TEST_CASE("durations print like Go's time.Duration") {
  CHECK(format_duration(0s) == "0s");
  CHECK(format_duration(1s) == "1s");
  CHECK(format_duration(1500ms) == "1.5s");
  CHECK(format_duration(150ms) == "150ms");
  CHECK(format_duration(90s) == "1m30s");
  CHECK(format_duration(2h) == "2h0m0s");
  CHECK(format_duration(-2s) == "-2s");
  CHECK(format_duration(std::chrono::microseconds(1500)) == "1.5ms");
  CHECK(format_duration(std::chrono::nanoseconds(42)) == "42ns");
}
