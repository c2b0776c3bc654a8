#include "examples/feed-service/feed_checks.h"

#include "examples/feed-service/feed_faults.h"

namespace vitals::examples {
namespace {

using namespace std::chrono_literals;

Checker event_queue_checker(const EventQueue& queue, std::size_t max_backlog,
                            const FaultSwitchboard& faults) {
  return [&queue, max_backlog, &faults](const CheckContext&) {
    faults.wait_while_on(feed_fault::kHangChecker, 10min);
    std::size_t backlog = queue.backlog();
    std::map<std::string, std::string> metadata = {{"backlog", std::to_string(backlog)},
                                                   {"max_backlog", std::to_string(max_backlog)}};
    if (backlog > max_backlog) {
      return CheckResult::fail("processing backlog of " + std::to_string(backlog) +
                                   " events exceeds " + std::to_string(max_backlog),
                               std::move(metadata));
    }
    return CheckResult::ok(std::move(metadata));
  };
}

}  // namespace

const std::vector<std::string>& feed_check_names() {
  static const std::vector<std::string> kNames = {"event-queue", "events"};
  return kNames;
}

Result<void> add_feed_checks(HealthRegistry& registry, const FeedChecks& checks) {
  CheckOptions queue_options;
  queue_options.interval = checks.interval;
  queue_options.timeout = 1s;
  queue_options.tags = {"ready"};
  CheckOptions heartbeat_options = queue_options;
  heartbeat_options.critical = false;
  heartbeat_options.tags = {};

  auto added = registry.add("event-queue",
                            event_queue_checker(*checks.queue, checks.max_backlog, *checks.faults),
                            queue_options);
  if (!added) return added;
  return registry.add("events", heartbeat_checker(checks.events, checks.heartbeat_window),
                      heartbeat_options);
}

}  // namespace vitals::examples
