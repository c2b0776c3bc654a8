// Comparing secrets (bearer tokens) without leaking, through the time taken, how much of a guess
// was right. Pure functions; thread-safe.
#pragma once

#include <string_view>

namespace vitals {

// True when `a` and `b` hold the same bytes. Every byte is compared whatever the first
// difference; only the lengths, which an attacker learns nothing useful from, end it early.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace vitals
