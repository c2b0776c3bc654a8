// The faults the card service can be switched into (see examples/README.md for what each
// should trigger), named once for the code that honours them.
#pragma once

#include <string_view>

namespace vitals::examples::card_fault {

constexpr std::string_view kDeclineSpike = "decline-spike";  // ~60% of authorisations declined
constexpr std::string_view kDbDown = "db-down";              // the SQLite file locked for real
constexpr std::string_view kHangChecker = "hang-checker";    // risk-engine hangs past its timeout
constexpr std::string_view kStopTraffic = "stop-traffic";    // no authorisations at all
constexpr std::string_view kErrorBurst = "error-burst";      // ~50% of authorisations fail

}  // namespace vitals::examples::card_fault
