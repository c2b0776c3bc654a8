// Watches the components' states over time: adds each observation's time to the per-day rollups
// (batched, a write every few seconds) and opens, extends and closes incidents as components
// leave and return to Operational. Thread-safe: one caller observes, any number read.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "agent/status/component_state.h"
#include "agent/status/status_store.h"
#include "vitals/common/clock.h"
#include "vitals/common/error.h"
#include "vitals/common/mutex.h"

namespace vitals::status {

struct ObservedComponent {
  std::string name{};
  ComponentState state = ComponentState::NoData;
  std::vector<std::string> causes{};
};

struct TrackerOptions {
  // A gap between observations longer than this (the agent stopped or stalled) is not counted:
  // nobody watched then.
  Duration max_gap{std::chrono::seconds(10)};
  Duration flush_interval{std::chrono::seconds(10)};  // day rollups written at most this often
  Duration retention{std::chrono::days(400)};         // day rollups and closed incidents
};

class StatusTracker {
 public:
  // Picks up the incidents the store still has open.
  static Result<std::unique_ptr<StatusTracker>> open(StatusStore& store, TrackerOptions options);

  // One observation of every component at `now`. The time since the previous observation counts
  // for each component's previous state. Store errors are returned; what failed to be written is
  // kept and tried again on the next call.
  Result<void> observe(WallTime now, std::span<const ObservedComponent> components) EXCLUDES(mu_);
  // Writes the day time not yet written.
  Result<void> flush() EXCLUDES(mu_);

  // The component's days from `first_day` to `last_day`, what is not yet written included.
  Result<std::vector<DayRollup>> days(std::string_view component, std::string_view first_day,
                                      std::string_view last_day) EXCLUDES(mu_);
  Result<std::vector<Incident>> incidents_since(WallTime since) {
    return store_.incidents_since(since);
  }

 private:
  struct Open {
    std::int64_t id = 0;
    ComponentState last = ComponentState::PartialOutage;  // the timeline's latest state
  };

  StatusTracker(StatusStore& store, TrackerOptions options, std::map<std::string, Open> open)
      : store_(store), options_(options), open_(std::move(open)) {}
  void count_time(WallTime from, WallTime to) REQUIRES(mu_);
  Result<void> follow_incident(WallTime now, const ObservedComponent& component) REQUIRES(mu_);
  Result<void> flush_locked() REQUIRES(mu_);

  StatusStore& store_;
  const TrackerOptions options_;
  Mutex mu_;
  std::map<std::string, Open> open_ GUARDED_BY(mu_);  // open incidents by component
  std::map<std::string, ComponentState> previous_ GUARDED_BY(mu_);
  std::optional<WallTime> previous_at_ GUARDED_BY(mu_);
  std::map<std::pair<std::string, std::string>, DayRollup> pending_ GUARDED_BY(mu_);
  std::optional<WallTime> last_flush_ GUARDED_BY(mu_);
  std::optional<WallTime> last_retention_ GUARDED_BY(mu_);
};

// The causes of a state as one timeline line.
std::string detail_of(const ObservedComponent& component);

}  // namespace vitals::status
