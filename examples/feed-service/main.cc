// feed-service: the demo world's transaction feed. It takes the card service's transaction
// events on POST /events, processes each after a short delay, exports feed_events_total and
// feed_event_latency_seconds (the SLO: 99% of events under 2 s), and serves its checkers and
// fault switches on 127.0.0.1. See examples/README.md.
#include <prometheus/registry.h>

#include <iostream>
#include <memory>
#include <string>
#include <string_view>

#include "examples/common/fault_switchboard.h"
#include "examples/common/flags.h"
#include "examples/common/serve.h"
#include "examples/feed-service/event_queue.h"
#include "examples/feed-service/feed_checks.h"
#include "examples/feed-service/feed_events.h"
#include "examples/feed-service/feed_faults.h"

namespace vitals::examples {
namespace {

constexpr std::string_view kUsage =
    "usage: feed-service [--port 8082] [--check-interval 1s] [--heartbeat-window 30s]\n"
    "                    [--details-token T] [--drain-grace 5s]\n";

// Events waiting beyond kMaxBacklog fail the event-queue check; beyond kCapacity they are refused.
constexpr std::size_t kMaxBacklog = 5000;
constexpr std::size_t kCapacity = 20000;

std::vector<Fault> feed_faults() {
  return {
      {std::string(feed_fault::kSlowFeed),
       "events are processed 2.5-4 s after they arrive, past the 2 s SLO threshold"},
      {std::string(feed_fault::kHangChecker), "the event-queue check hangs past its timeout"},
      {std::string(feed_fault::kStopTraffic), "incoming events are dropped"},
  };
}

int fail(std::string_view what, const Error& error) {
  return report_failure("feed-service", what, error);
}

int run(const ServiceFlags& flags) {
  FaultSwitchboard faults(feed_faults());
  auto metrics = std::make_shared<prometheus::Registry>();
  auto heartbeat = std::make_shared<Heartbeat>();
  EventQueue queue(kCapacity, EventProcessor(*metrics, *heartbeat));

  HealthRegistry registry(
      {.service = "feed-service", .details_token = flags.details_token, .metrics = metrics});
  log_status_changes(registry, feed_check_names());
  auto added = add_feed_checks(registry, {.queue = &queue,
                                          .max_backlog = kMaxBacklog,
                                          .events = heartbeat,
                                          .faults = &faults,
                                          .interval = flags.check_interval,
                                          .heartbeat_window = flags.heartbeat_window});
  if (!added) return fail("checks", added.error());

  auto served = serve(registry, flags, faults, [&](httplib::Server& server) {
    mount_event_routes(server, queue, faults, *metrics);
  });
  return served ? 0 : fail("serve", served.error());
}

}  // namespace
}  // namespace vitals::examples

int main(int argc, char** argv) {
  vitals::examples::ServiceFlags flags{.port = 8082};
  vitals::examples::FlagSet set;
  flags.add_to(set);
  if (auto parsed = set.parse(argc, argv); !parsed) {
    std::cerr << "feed-service: " << vitals::to_string(parsed.error()) << "\n"
              << vitals::examples::kUsage;
    return 2;
  }
  return vitals::examples::run(flags);
}
