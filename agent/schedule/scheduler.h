// Runs every target (a service scrape, a probe) on its own interval. Each target keeps a stable
// phase inside its interval, derived from its key, so a thousand targets do not all fire at
// start-up or after a reload; a global cap bounds the runs in flight; a slow or dead target
// delays nobody else.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "vitals/common/clock.h"
#include "vitals/common/event_loop.h"

namespace vitals {

// Lives on the loop's thread: every method, and every callback it makes, runs there.
class Scheduler {
 public:
  // Reports one run's outcome. Call it exactly once, on the loop thread; calls after the run's
  // deadline (plus a grace second) are ignored, the run having been written off as failed.
  using Finished = std::function<void(bool success)>;
  using Start = std::function<void(SteadyTime deadline, Finished finished)>;

  struct Target {
    std::string key{};  // stable identity across reloads, e.g. "probe/card-api"
    // Equal fingerprints across a reload mean "unchanged": the target keeps its schedule and
    // state. Any change in what the target does should change it.
    std::uint64_t fingerprint = 0;
    Duration interval = std::chrono::seconds(15);
    Duration interval_when_failing = std::chrono::seconds(15);
    Duration timeout = std::chrono::seconds(10);
    Start start{};
  };

  struct Stats {
    std::uint64_t runs_started = 0;
    std::uint64_t runs_skipped = 0;      // the previous run was still in flight
    std::uint64_t runs_written_off = 0;  // never reported back by deadline + grace
    std::size_t in_flight = 0;
    std::size_t queued = 0;      // due, waiting for a free slot under the cap
    Duration worst_lateness{0};  // largest start − due time since the last take
  };

  Scheduler(EventLoop& loop, std::size_t max_in_flight);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Replaces the set of targets. Unchanged ones (same key and fingerprint) keep their phase and
  // any run in flight; new or changed ones start on their phase; removed ones stop, and a run
  // of theirs still in flight finishes unobserved.
  void set_targets(std::vector<Target> targets);

  Stats stats() const;
  // Returns the worst lateness seen since the previous call, and resets it.
  Duration take_worst_lateness();

  // The first due time at or after `now` for a target, on its stable phase. Public for tests.
  static SteadyTime phase_slot(std::string_view key, Duration interval, SteadyTime now);

 private:
  struct Entry;

  void arm(Entry& entry, SteadyTime due);
  void on_due(const std::string& key, std::uint64_t generation, SteadyTime due);
  void launch(Entry& entry, SteadyTime due);
  void on_finished(const std::string& key, std::uint64_t generation, std::uint64_t run,
                   bool success);
  void release_slot();
  void start_waiting();
  SteadyTime next_due(const Entry& entry, SteadyTime now) const;

  EventLoop& loop_;
  std::size_t max_in_flight_;
  std::unordered_map<std::string, std::unique_ptr<Entry>> entries_;
  // Due runs waiting for the cap, oldest first: (key, generation, due).
  struct Waiting {
    std::string key;
    std::uint64_t generation;
    SteadyTime due;
  };
  std::deque<Waiting> waiting_;
  std::uint64_t next_generation_ = 1;
  Stats stats_;
  // Callbacks hold this weakly, so timers that outlive the scheduler do nothing.
  std::shared_ptr<Scheduler*> self_;
};

}  // namespace vitals
