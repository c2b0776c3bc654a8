// Wall-clock times as RFC 3339 text in UTC, the way the APIs and the health JSON show them.
#pragma once

#include <string>

#include "vitals/common/clock.h"

namespace vitals {

// "2026-11-26T12:16:46.123Z": UTC, millisecond precision.
std::string format_rfc3339(WallTime t);

}  // namespace vitals
