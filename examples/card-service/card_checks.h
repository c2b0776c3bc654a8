// The card service's checkers, under the names other code (alert rules, dashboards, tests)
// relies on: `database`, `feed`, `authorisations` and `risk-engine`.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "examples/common/fault_switchboard.h"
#include "vitals/checkers/builtin/heartbeat.h"
#include "vitals/checkers/health_registry.h"
#include "vitals/common/error.h"

namespace vitals::examples {

struct CardChecks {
  std::string db_path{};
  std::string feed_url{};  // "http://host:port" of the feed service
  std::shared_ptr<const Heartbeat> authorisations{};
  const FaultSwitchboard* faults = nullptr;  // must outlive the registry's checker threads
  Duration interval = std::chrono::seconds(1);
  Duration heartbeat_window = std::chrono::seconds(30);
};

// Every check's name, for logging their changes.
const std::vector<std::string>& card_check_names();

// database: the SQLite file answers (critical). feed: the feed service's /readyz (not critical:
// a feed outage only degrades cards). authorisations: a business heartbeat over the window
// (critical). risk-engine: a simulated downstream call (critical) that hang-checker hangs.
Result<void> add_card_checks(HealthRegistry& registry, const CardChecks& checks);

}  // namespace vitals::examples
