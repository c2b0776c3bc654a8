#include "vitals/checkers/builtin/heartbeat.h"

#include <chrono>

#include "vitals/common/duration.h"
#include "vitals/common/time_format.h"

namespace vitals {
namespace {

// Whole seconds read better in an alert than "5m0.000123456s".
std::string rounded(Duration d) {
  if (d < std::chrono::seconds(1)) {
    return format_duration(std::chrono::round<std::chrono::milliseconds>(d));
  }
  return format_duration(std::chrono::round<std::chrono::seconds>(d));
}

}  // namespace

Heartbeat::Heartbeat(const Clock& clock) : clock_(clock), started_(clock.now()) {}

void Heartbeat::beat() {
  SteadyTime now = clock_.now();
  WallTime wall_now = clock_.wall_now();
  MutexLock lock(mu_);
  ++beats_total_;
  // Two threads may read the clock in one order and take the lock in the other: keep the newest.
  if (!last_beat_ || now > *last_beat_) {
    last_beat_ = now;
    last_beat_wall_ = wall_now;
  }
}

CheckResult Heartbeat::check(Duration window) const {
  SteadyTime now = clock_.now();
  MutexLock lock(mu_);
  std::map<std::string, std::string> metadata{{"beats_total", std::to_string(beats_total_)}};
  if (!last_beat_) {
    if (now - started_ <= window) return CheckResult::ok(std::move(metadata));
    return CheckResult::fail(
        "no beat yet, " + rounded(now - started_) + " after start (window " + rounded(window) + ")",
        std::move(metadata));
  }
  metadata["last_beat"] = format_rfc3339(*last_beat_wall_);
  Duration age = now - *last_beat_;
  if (age <= window) return CheckResult::ok(std::move(metadata));
  return CheckResult::fail("no beat for " + rounded(age) + " (window " + rounded(window) + ")",
                           std::move(metadata));
}

Checker heartbeat_checker(std::shared_ptr<const Heartbeat> heartbeat, Duration window) {
  return [heartbeat = std::move(heartbeat), window](const CheckContext&) {
    return heartbeat->check(window);
  };
}

}  // namespace vitals
