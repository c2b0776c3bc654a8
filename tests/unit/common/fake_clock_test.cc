#include "tests/support/fake_clock.h"

#include <doctest/doctest.h>

#include <vector>

using namespace std::chrono_literals;
using vitals::EventLoop;
using vitals::SteadyTime;
using vitals::testing::FakeClock;

TEST_CASE("the fake clock moves only when told, steady and wall time together") {
  FakeClock clock;
  SteadyTime start = clock.now();
  CHECK(clock.now() == start);
  clock.advance(5s);
  CHECK(clock.now() - start == 5s);
  CHECK(clock.wall_now() - FakeClock::kStartWall == 5s);
}

TEST_CASE("advancing fires each timer at its own deadline, in deadline order") {
  FakeClock clock;
  EventLoop loop(clock);
  SteadyTime start = clock.now();
  std::vector<std::pair<int, vitals::Duration>> fired;
  auto record = [&](int id) { return [&, id] { fired.emplace_back(id, clock.now() - start); }; };
  loop.add_timer(start + 3s, record(3));
  loop.add_timer(start + 1s, record(1));
  loop.add_timer(start + 2s, record(2));
  loop.add_timer(start + 10s, record(10));

  advance(clock, loop, 5s);

  REQUIRE(fired.size() == 3);
  CHECK(fired[0] == std::pair<int, vitals::Duration>{1, 1s});
  CHECK(fired[1] == std::pair<int, vitals::Duration>{2, 2s});
  CHECK(fired[2] == std::pair<int, vitals::Duration>{3, 3s});
  CHECK(clock.now() - start == 5s);
}

TEST_CASE("a timer that re-arms itself fires once per period while time advances") {
  FakeClock clock;
  EventLoop loop(clock);
  int ticks = 0;
  std::function<void()> tick = [&] {
    ++ticks;
    loop.add_timer(clock.now() + 1s, tick);
  };
  loop.add_timer(clock.now() + 1s, tick);
  advance(clock, loop, 5min);
  CHECK(ticks == 300);
}
