// Durations in Prometheus' notation ("500ms", "15s", "1h30m", "7d") and Go's way of printing them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vitals/common/clock.h"
#include "vitals/common/error.h"

namespace vitals {

// Parses one or more <number><unit> parts, units y w d h m s ms, largest first, as Prometheus
// does ("1h30m"). Returns InvalidArgument for anything else, including an empty string.
Result<Duration> parse_duration(std::string_view text);

// Prints like Go's time.Duration.String(): "1s", "1.5s", "2m30s", "150ms", "0s".
std::string format_duration(Duration d);

// Whole milliseconds, as Prometheus keeps times and durations.
inline std::int64_t to_ms(Duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

// Seconds as a double, for metrics and JSON.
inline double to_seconds(Duration d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace vitals
