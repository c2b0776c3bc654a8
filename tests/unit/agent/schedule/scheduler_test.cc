#include "agent/schedule/scheduler.h"

#include <doctest/doctest.h>

#include <map>
#include <set>

#include "tests/support/fake_clock.h"

using namespace std::chrono_literals;
using vitals::Scheduler;

namespace {

// Targets whose runs the test finishes by hand; records when each run started.
struct World {
  vitals::testing::FakeClock clock;
  vitals::EventLoop loop{clock};
  std::map<std::string, std::vector<vitals::Duration>> starts;  // since the test began
  std::map<std::string, Scheduler::Finished> pending;
  vitals::SteadyTime began = clock.now();
  bool auto_finish = true;
  bool succeed = true;

  Scheduler::Target target(std::string key, vitals::Duration interval,
                           vitals::Duration timeout = 1s, std::uint64_t fingerprint = 1) {
    Scheduler::Target t;
    t.key = key;
    t.fingerprint = fingerprint;
    t.interval = interval;
    t.interval_when_failing = interval;
    t.timeout = timeout;
    t.start = [this, key](vitals::SteadyTime, Scheduler::Finished finished) {
      starts[key].push_back(clock.now() - began);
      if (auto_finish) {
        finished(succeed);
      } else {
        pending[key] = std::move(finished);
      }
    };
    return t;
  }
  void advance(vitals::Duration d) { vitals::testing::advance(clock, loop, d); }
};

}  // namespace

TEST_CASE("a target's phase is stable and falls within one interval") {
  vitals::testing::FakeClock clock;
  auto now = clock.now();
  auto slot = Scheduler::phase_slot("probe/card-api", 10s, now);
  CHECK(slot >= now);
  CHECK(slot < now + 10s);
  CHECK(Scheduler::phase_slot("probe/card-api", 10s, now) == slot);
  CHECK(Scheduler::phase_slot("probe/card-api", 10s, slot + 1ns) == slot + 10s);
}

TEST_CASE("targets are spread over their interval rather than all starting at once") {
  World w;
  Scheduler scheduler(w.loop, 1000);
  std::vector<Scheduler::Target> targets;
  for (int i = 0; i < 200; ++i) targets.push_back(w.target("t" + std::to_string(i), 10s));
  scheduler.set_targets(std::move(targets));
  w.advance(10s);
  std::set<long> seconds_used;
  for (const auto& [key, times] : w.starts) {
    REQUIRE(times.size() == 1);
    seconds_used.insert(std::chrono::duration_cast<std::chrono::seconds>(times[0]).count());
  }
  CHECK(seconds_used.size() == 10);  // every second of the interval has some targets
}

TEST_CASE("each target runs once per interval") {
  World w;
  Scheduler scheduler(w.loop, 10);
  scheduler.set_targets({w.target("a", 5s), w.target("b", 15s)});
  w.advance(60s);
  CHECK(w.starts["a"].size() == 12);
  CHECK(w.starts["b"].size() == 4);
  auto gaps_of = [&](const std::string& key) {
    std::set<vitals::Duration> gaps;
    for (std::size_t i = 1; i < w.starts[key].size(); ++i) {
      gaps.insert(w.starts[key][i] - w.starts[key][i - 1]);
    }
    return gaps;
  };
  CHECK(gaps_of("a") == std::set<vitals::Duration>{5s});
}

TEST_CASE("a run that never reports back is written off after its deadline, and not doubled") {
  World w;
  w.auto_finish = false;
  Scheduler scheduler(w.loop, 10);
  scheduler.set_targets({w.target("dead", 2s, 5s)});
  w.advance(2s);
  REQUIRE(w.starts["dead"].size() == 1);
  w.advance(4s);  // still in flight at the next slots: skipped
  CHECK(w.starts["dead"].size() == 1);
  CHECK(scheduler.stats().runs_skipped >= 1);
  CHECK(scheduler.stats().in_flight == 1);
  w.advance(4s);  // deadline + grace passed
  CHECK(scheduler.stats().runs_written_off == 1);
  CHECK(scheduler.stats().in_flight <= 1);
  CHECK(w.starts["dead"].size() >= 2);  // the schedule went on
  w.pending["dead"](true);  // a late report of a newer run is fine; the old one is ignored
}

TEST_CASE("a slow target never delays another target's schedule") {
  World w;
  w.auto_finish = false;
  Scheduler scheduler(w.loop, 10);
  scheduler.set_targets({w.target("slow", 10s, 9s), w.target("quick", 1s, 500ms)});
  for (int i = 0; i < 20; ++i) {
    w.advance(1s);
    if (w.pending.contains("quick")) {
      auto finish = std::move(w.pending["quick"]);
      w.pending.erase("quick");
      finish(true);
    }
  }
  CHECK(w.starts["quick"].size() == 20);
  CHECK(scheduler.take_worst_lateness() == 0s);
}

TEST_CASE("the in-flight cap queues due runs in order and reports their lateness") {
  World w;
  w.auto_finish = false;
  Scheduler scheduler(w.loop, 2);
  scheduler.set_targets({w.target("a", 10s, 9s), w.target("b", 10s, 9s), w.target("c", 10s, 9s)});
  w.advance(10s);
  CHECK(scheduler.stats().in_flight == 2);
  CHECK(scheduler.stats().queued == 1);
  std::string queued_key = w.starts.size() == 2 ? "" : "?";
  for (const char* key : {"a", "b", "c"}) {
    if (!w.starts.contains(key)) queued_key = key;
  }
  REQUIRE(queued_key.size() == 1);
  auto first = w.pending.begin();
  w.clock.advance(300ms);
  auto finish = std::move(first->second);
  w.pending.erase(first);
  finish(true);
  CHECK(w.starts.contains(queued_key));
  CHECK(scheduler.stats().queued == 0);
  CHECK(scheduler.take_worst_lateness() > 0s);
}

TEST_CASE("a failing target is re-checked at its failing interval until it recovers") {
  World w;
  Scheduler scheduler(w.loop, 10);
  auto target = w.target("flaky", 10s);
  target.interval_when_failing = 1s;
  scheduler.set_targets({target});
  w.succeed = false;
  w.advance(10s);  // the first run fails
  REQUIRE(w.starts["flaky"].size() >= 1);
  auto first_failure = w.starts["flaky"][0];
  w.advance(5s);
  const auto& failing = w.starts["flaky"];
  for (std::size_t i = 1; i < failing.size(); ++i) CHECK(failing[i] - failing[i - 1] == 1s);
  CHECK(failing.back() - first_failure >= 5s);

  w.succeed = true;
  w.advance(1s);  // one success: back to the 10 s rhythm, on the target's own phase
  std::size_t recovered = w.starts["flaky"].size();
  w.advance(20s);
  REQUIRE(w.starts["flaky"].size() == recovered + 2);
  CHECK(w.starts["flaky"].back() - first_failure == 30s);
}

TEST_CASE("a reload keeps unchanged targets' phase and drops removed ones") {
  World w;
  Scheduler scheduler(w.loop, 10);
  scheduler.set_targets({w.target("keep", 10s), w.target("drop", 10s), w.target("change", 10s)});
  w.advance(10s);
  auto keep_phase = w.starts["keep"].front();
  w.advance(3s);
  std::size_t drop_runs = w.starts["drop"].size();
  std::size_t keep_runs = w.starts["keep"].size();
  scheduler.set_targets({w.target("keep", 10s), w.target("change", 20s, 1s, 2)});
  w.advance(30s);
  CHECK(w.starts["drop"].size() == drop_runs);
  REQUIRE(w.starts["keep"].size() == keep_runs + 3);
  CHECK(w.starts["keep"].back() - keep_phase == 10s * (keep_runs + 2));
  CHECK(w.starts["change"].size() >= 2);
}
