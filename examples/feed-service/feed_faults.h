// The faults the feed service can be switched into (see examples/README.md for what each
// should trigger), named once for the code that honours them.
#pragma once

#include <string_view>

namespace vitals::examples::feed_fault {

constexpr std::string_view kSlowFeed = "slow-feed";        // processing takes 2.5-4 s per event
constexpr std::string_view kHangChecker = "hang-checker";  // event-queue hangs past its timeout
constexpr std::string_view kStopTraffic = "stop-traffic";  // incoming events are dropped

}  // namespace vitals::examples::feed_fault
