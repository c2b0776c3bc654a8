// Business-level liveness: business code calls beat() on each event that proves the service is
// doing its job (a card authorised, a feed event published), and a checker fails when the beats
// stop, even while every dependency looks healthy.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "vitals/checkers/check.h"
#include "vitals/common/clock.h"
#include "vitals/common/mutex.h"

namespace vitals {

// Thread-safe.
class Heartbeat {
 public:
  // `clock` must outlive the heartbeat. Its creation starts the first window.
  explicit Heartbeat(const Clock& clock = real_clock());
  Heartbeat(const Heartbeat&) = delete;
  Heartbeat& operator=(const Heartbeat&) = delete;

  // Records one event at the clock's current time. Cheap: one short uncontended lock.
  void beat() EXCLUDES(mu_);

  // Passes while the latest beat is at most `window` old. Before the first beat it passes until
  // a whole window has gone by since construction, so a fresh deploy is not unhealthy merely
  // because no customer has come yet. Judged on the clock's steady time, so a wall-clock jump
  // neither raises nor hides an alarm. Metadata: `beats_total`, and `last_beat` (RFC 3339) once
  // there is one. Fails with "no beat for 6m0s (window 5m0s)" or "no beat yet, 6m0s after start
  // (window 5m0s)".
  CheckResult check(Duration window) const EXCLUDES(mu_);

 private:
  const Clock& clock_;
  const SteadyTime started_;
  mutable Mutex mu_;
  std::uint64_t beats_total_ GUARDED_BY(mu_) = 0;
  std::optional<SteadyTime> last_beat_ GUARDED_BY(mu_);
  std::optional<WallTime> last_beat_wall_ GUARDED_BY(mu_);  // what people see
};

// A checker that runs heartbeat->check(window); it keeps the heartbeat alive. The run's context
// is not used: the heartbeat's own clock judges the window.
Checker heartbeat_checker(std::shared_ptr<const Heartbeat> heartbeat, Duration window);

}  // namespace vitals
