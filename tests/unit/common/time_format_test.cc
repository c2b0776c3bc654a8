#include "vitals/common/time_format.h"

#include <doctest/doctest.h>

using namespace std::chrono_literals;

TEST_CASE("wall times print as RFC 3339 in UTC with milliseconds") {
  vitals::WallTime t{1767225600s};  // 2026-01-01T00:00:00Z
  CHECK(vitals::format_rfc3339(t) == "2026-01-01T00:00:00.000Z");
  CHECK(vitals::format_rfc3339(t + 1h + 2min + 3s + 45ms) == "2026-01-01T01:02:03.045Z");
  CHECK(vitals::format_rfc3339(vitals::WallTime{-1ms}) == "1969-12-31T23:59:59.999Z");
}
