// A clock that moves only when a test says so, and the helper that moves it while firing an
// event loop's timers at their own deadlines, in (deadline, order added) order.
#pragma once

#include <atomic>

#include "vitals/common/clock.h"
#include "vitals/common/event_loop.h"

namespace vitals::testing {

// Thread-safe to read; set and advance from the test's thread.
class FakeClock final : public Clock {
 public:
  // Starts at an arbitrary steady time and a fixed wall time (2026-01-01T00:00:00Z).
  FakeClock() : steady_(SteadyTime(std::chrono::hours(1000))), wall_(kStartWall) {}

  SteadyTime now() const override { return steady_.load(); }
  WallTime wall_now() const override { return wall_.load(); }

  // Moves both clocks forward together.
  void advance(Duration d) {
    steady_.store(steady_.load() + d);
    wall_.store(wall_.load() + std::chrono::duration_cast<WallTime::duration>(d));
  }
  // Moves only the wall clock, as NTP or a person might, forwards or backwards.
  void set_wall(WallTime t) { wall_.store(t); }

  static constexpr WallTime kStartWall = WallTime(std::chrono::seconds(1767225600));

 private:
  std::atomic<SteadyTime> steady_;
  std::atomic<WallTime> wall_;
};

// Advances `clock` by `d`, running `loop`'s timers as their deadlines pass so each sees
// clock.now() equal to its own deadline, then settles the loop at the final time.
inline void advance(FakeClock& clock, EventLoop& loop, Duration d) {
  SteadyTime target = clock.now() + d;
  loop.run_until_idle();
  while (auto next = loop.next_deadline()) {
    if (*next > target) break;
    if (*next > clock.now()) clock.advance(*next - clock.now());
    loop.run_until_idle();
  }
  if (target > clock.now()) clock.advance(target - clock.now());
  loop.run_until_idle();
}

}  // namespace vitals::testing
