#include "vitals/checkers/builtin/heartbeat.h"

#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "tests/support/fake_clock.h"
#include "vitals/common/time_format.h"

namespace vitals {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;

TEST_CASE("a heartbeat passes during its first window before any beat") {
  FakeClock clock;
  Heartbeat heartbeat(clock);
  clock.advance(5min);
  CheckResult result = heartbeat.check(5min);
  CHECK_FALSE(result.error);
  CHECK(result.metadata.at("beats_total") == "0");
  CHECK(result.metadata.count("last_beat") == 0);
}

TEST_CASE("a heartbeat that never beat fails once its first window has passed") {
  FakeClock clock;
  Heartbeat heartbeat(clock);
  clock.advance(6min);
  CheckResult result = heartbeat.check(5min);
  REQUIRE(result.error);
  CHECK(*result.error == "no beat yet, 6m0s after start (window 5m0s)");
}

TEST_CASE("a heartbeat passes while beats keep coming within the window") {
  FakeClock clock;
  Heartbeat heartbeat(clock);
  for (int i = 0; i < 3; ++i) {
    clock.advance(4min);
    heartbeat.beat();
  }
  clock.advance(5min);  // exactly one window since the last beat still counts
  CheckResult result = heartbeat.check(5min);
  CHECK_FALSE(result.error);
  CHECK(result.metadata.at("beats_total") == "3");
  CHECK(result.metadata.at("last_beat") == format_rfc3339(FakeClock::kStartWall + 12min));
}

TEST_CASE("a heartbeat fails when no beat arrived within the window") {
  FakeClock clock;
  Heartbeat heartbeat(clock);
  heartbeat.beat();
  clock.advance(5min + 1s);
  CheckResult result = heartbeat.check(5min);
  REQUIRE(result.error);
  CHECK(*result.error == "no beat for 5m1s (window 5m0s)");
  CHECK(result.metadata.at("last_beat") == "2026-01-01T00:00:00.000Z");
  CHECK(result.metadata.at("beats_total") == "1");
}

TEST_CASE("a wall clock jump neither raises nor hides a heartbeat alarm") {
  FakeClock clock;
  Heartbeat heartbeat(clock);
  heartbeat.beat();
  clock.set_wall(FakeClock::kStartWall + 24h);
  CHECK_FALSE(heartbeat.check(5min).error);
  clock.set_wall(FakeClock::kStartWall - 24h);
  clock.advance(10min);
  CHECK(heartbeat.check(5min).error);
}

TEST_CASE("the heartbeat checker runs the check and keeps the heartbeat alive") {
  FakeClock clock;
  Checker checker;
  {
    auto heartbeat = std::make_shared<Heartbeat>(clock);
    heartbeat->beat();
    checker = heartbeat_checker(heartbeat, 1min);
  }
  CheckContext ctx{clock.now() + 1s, &clock};
  CHECK_FALSE(checker(ctx).error);
  clock.advance(2min);
  CHECK(checker(ctx).error == "no beat for 2m0s (window 1m0s)");
}

TEST_CASE("a heartbeat counts every beat from many threads") {
  FakeClock clock;
  Heartbeat heartbeat(clock);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&heartbeat] {
      for (int i = 0; i < 1000; ++i) heartbeat.beat();
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(heartbeat.check(1min).metadata.at("beats_total") == "4000");
}

}  // namespace
}  // namespace vitals
