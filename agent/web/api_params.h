// Query parameters of the JSON API, read as Prometheus' HTTP API reads them. Pure functions;
// thread-safe. Errors are InvalidArgument with a message fit for a "bad_data" answer.
#pragma once

#include <cstddef>
#include <string_view>

#include "vitals/common/clock.h"
#include "vitals/common/error.h"

namespace vitals::detail {

// Unix seconds with an optional fraction ("1767225600", "1767225600.5") or RFC 3339
// ("2026-01-01T00:00:00Z", "2026-01-01T01:00:00.25+01:00"). `name` is the parameter, for the
// message.
Result<WallTime> parse_api_time(std::string_view name, std::string_view text);

// A whole number from 1 to `max`.
Result<std::size_t> parse_api_limit(std::string_view name, std::string_view text, std::size_t max);

}  // namespace vitals::detail
