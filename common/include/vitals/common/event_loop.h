// One thread's work: a heap of timers and a queue of tasks posted from other threads. The thread
// that calls run() (or, in tests, run_until_idle()) runs every callback; nothing polls.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <queue>
#include <vector>

#include "vitals/common/clock.h"
#include "vitals/common/mutex.h"

namespace vitals {

// Thread-safe: every method may be called from any thread. Callbacks run on the loop's thread.
class EventLoop {
 public:
  using Task = std::function<void()>;
  using TimerId = std::uint64_t;

  explicit EventLoop(const Clock& clock) : clock_(clock) {}
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  const Clock& clock() const { return clock_; }

  // Runs `task` once the clock reaches `deadline`. Timers with equal deadlines run in the order
  // they were added.
  TimerId add_timer(SteadyTime deadline, Task task);
  // A cancelled or already-run timer is ignored.
  void cancel(TimerId id);
  // Runs `task` on the loop's thread as soon as it is free.
  void post(Task task);

  // Runs posted tasks and timers due at clock().now() until nothing is left to do now.
  // Returns how many callbacks ran.
  std::size_t run_until_idle();
  // Runs tasks as other threads post them until `done()` holds or `limit` of real time has
  // passed; returns done(). For tests whose work finishes on other threads.
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds limit);
  // Runs callbacks as they come due on the real clock until stop().
  void run();
  void stop();

  // The earliest pending timer's deadline, if any.
  std::optional<SteadyTime> next_deadline();

  // Called after every post() and add_timer(), from the calling thread, so a loop that blocks
  // somewhere else than run() (e.g. in curl_multi_poll) can be woken. Set before other threads
  // use the loop.
  void set_wakeup(std::function<void()> wakeup) { wakeup_ = std::move(wakeup); }

 private:
  struct TimerEntry {
    SteadyTime deadline;
    std::uint64_t sequence;
    TimerId id;
    bool operator>(const TimerEntry& other) const {
      return deadline != other.deadline ? deadline > other.deadline : sequence > other.sequence;
    }
  };

  // A timer's task lives in a reused slot rather than a node of its own: agents add and cancel
  // thousands of timers a second. Ids carry the slot's generation, so a stale id (or a heap
  // entry of a cancelled timer) never reaches the slot's next tenant.
  struct TimerSlot {
    std::uint32_t generation = 0;
    bool armed = false;
    Task task{};
  };

  std::optional<Task> take_next_due() EXCLUDES(mu_);
  void drop_cancelled_head() REQUIRES(mu_);
  TimerSlot* armed_slot(TimerId id) REQUIRES(mu_);
  Task disarm(TimerSlot& slot, TimerId id) REQUIRES(mu_);

  const Clock& clock_;
  Mutex mu_;
  std::condition_variable wake_;
  std::priority_queue<TimerEntry, std::vector<TimerEntry>, std::greater<>> timers_ GUARDED_BY(mu_);
  std::vector<TimerSlot> timer_slots_ GUARDED_BY(mu_);
  std::vector<std::uint32_t> free_timer_slots_ GUARDED_BY(mu_);
  std::deque<Task> posted_ GUARDED_BY(mu_);
  std::uint64_t next_sequence_ GUARDED_BY(mu_) = 1;
  bool stopping_ GUARDED_BY(mu_) = false;
  std::function<void()> wakeup_;
};

}  // namespace vitals
