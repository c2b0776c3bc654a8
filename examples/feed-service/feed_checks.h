// The feed service's checkers: `event-queue` (critical: the processing backlog stays within a
// bound; hang-checker hangs it) and `events` (a business heartbeat on processed events, not
// critical).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "examples/common/fault_switchboard.h"
#include "examples/feed-service/event_queue.h"
#include "vitals/checkers/builtin/heartbeat.h"
#include "vitals/checkers/health_registry.h"

namespace vitals::examples {

struct FeedChecks {
  const EventQueue* queue = nullptr;  // must outlive the registry's checker threads
  std::size_t max_backlog = 5000;
  std::shared_ptr<const Heartbeat> events{};
  const FaultSwitchboard* faults = nullptr;  // must outlive the registry's checker threads
  Duration interval = std::chrono::seconds(1);
  Duration heartbeat_window = std::chrono::seconds(30);
};

// Every check's name, for logging their changes.
const std::vector<std::string>& feed_check_names();

Result<void> add_feed_checks(HealthRegistry& registry, const FeedChecks& checks);

}  // namespace vitals::examples
