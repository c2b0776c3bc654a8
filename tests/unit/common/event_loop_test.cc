#include "vitals/common/event_loop.h"

#include <doctest/doctest.h>

#include <future>
#include <optional>
#include <thread>
#include <vector>

#include "tests/support/fake_clock.h"

using namespace std::chrono_literals;
using vitals::EventLoop;
using vitals::testing::FakeClock;

TEST_CASE("timers with the same deadline run in the order they were added") {
  FakeClock clock;
  EventLoop loop(clock);
  std::vector<int> order;
  for (int i = 0; i < 5; ++i) loop.add_timer(clock.now() + 1s, [&, i] { order.push_back(i); });
  CHECK(loop.run_until_idle() == 0);
  clock.advance(1s);
  CHECK(loop.run_until_idle() == 5);
  CHECK(order == std::vector<int>{0, 1, 2, 3, 4});
}

TEST_CASE("a cancelled timer never runs and no longer sets the next deadline") {
  FakeClock clock;
  EventLoop loop(clock);
  bool ran = false;
  auto id = loop.add_timer(clock.now() + 1s, [&] { ran = true; });
  loop.add_timer(clock.now() + 2s, [] {});
  loop.cancel(id);
  CHECK(loop.next_deadline() == clock.now() + 2s);
  clock.advance(3s);
  loop.run_until_idle();
  CHECK_FALSE(ran);
}

TEST_CASE("an old timer's id neither cancels nor runs the timer that reuses its place") {
  FakeClock clock;
  EventLoop loop(clock);
  std::vector<int> ran;
  auto first = loop.add_timer(clock.now() + 1s, [&] { ran.push_back(1); });
  loop.cancel(first);
  auto second = loop.add_timer(clock.now() + 3s, [&] { ran.push_back(2); });
  CHECK(second != first);
  CHECK(second != 0);
  loop.cancel(first);  // stale: the second timer stays
  clock.advance(1s);   // the first timer's deadline: nothing of the second runs early
  CHECK(loop.run_until_idle() == 0);
  CHECK(loop.next_deadline() == clock.now() + 2s);
  clock.advance(2s);
  CHECK(loop.run_until_idle() == 1);
  CHECK(ran == std::vector<int>{2});
  auto third = loop.add_timer(clock.now(), [&] { ran.push_back(3); });
  loop.cancel(second);  // already ran: ignored
  CHECK(loop.run_until_idle() == 1);
  CHECK(ran == std::vector<int>{2, 3});
  CHECK(third != second);
}

TEST_CASE("tasks posted from another thread run on the loop's thread") {
  FakeClock clock;
  EventLoop loop(clock);
  std::optional<std::thread::id> ran_on;
  std::thread poster([&] { loop.post([&] { ran_on = std::this_thread::get_id(); }); });
  REQUIRE(loop.run_until([&] { return ran_on.has_value(); }, 5s));
  poster.join();
  CHECK(ran_on == std::this_thread::get_id());
}

TEST_CASE("a running loop on the real clock fires a timer and stops when asked") {
  EventLoop loop(vitals::real_clock());
  std::thread runner([&] { loop.run(); });
  std::promise<void> fired;
  loop.add_timer(vitals::real_clock().now() + 10ms, [&] { fired.set_value(); });
  CHECK(fired.get_future().wait_for(5s) == std::future_status::ready);
  loop.stop();
  runner.join();
}

TEST_CASE("a running loop with no timers wakes for the first timer added") {
  EventLoop loop(vitals::real_clock());
  std::promise<void> idle;
  loop.post([&] { idle.set_value(); });
  std::thread runner([&] { loop.run(); });
  idle.get_future().wait();  // the loop has run its only task and waits with no timer
  std::promise<void> fired;
  loop.add_timer(vitals::real_clock().now(), [&] { fired.set_value(); });
  CHECK(fired.get_future().wait_for(5s) == std::future_status::ready);
  loop.stop();
  runner.join();
}
