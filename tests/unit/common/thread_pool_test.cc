#include "vitals/common/thread_pool.h"

#include <doctest/doctest.h>

#include <atomic>
#include <future>
#include <latch>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

TEST_CASE("the pool runs every submitted task") {
  vitals::ThreadPool pool(2, 4);
  constexpr int kTasks = 50;
  std::latch done(kTasks);
  for (int i = 0; i < kTasks; ++i) REQUIRE(pool.submit([&] { done.count_down(); }));
  done.wait();
  CHECK(pool.threads() <= 4);
}

TEST_CASE("stuck tasks make the pool grow, up to its cap and no further") {
  vitals::ThreadPool pool(1, 3);
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::latch stuck(3);
  for (int i = 0; i < 3; ++i) {
    pool.submit([&, gate] {
      stuck.count_down();
      gate.wait();
    });
  }
  stuck.wait();  // three threads, all busy: the cap is reached
  CHECK(pool.threads() == 3);
  CHECK(pool.busy() == 3);

  std::promise<void> late_ran;
  pool.submit([&] { late_ran.set_value(); });
  CHECK(pool.threads() == 3);
  CHECK(pool.queued() == 1);

  release.set_value();
  CHECK(late_ran.get_future().wait_for(5s) == std::future_status::ready);
}

namespace {

// Grows `pool` to `n` threads with n stuck tasks, lets them finish and waits until none is busy.
void grow_then_idle(vitals::ThreadPool& pool, int n) {
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::latch stuck(n);
  for (int i = 0; i < n; ++i) {
    pool.submit([&, gate] {
      stuck.count_down();
      gate.wait();
    });
  }
  stuck.wait();
  release.set_value();
  while (pool.busy() > 0 || pool.queued() > 0) std::this_thread::sleep_for(1ms);
}

}  // namespace

TEST_CASE("extra threads stay while they linger, so bursts of work do not create threads") {
  vitals::ThreadPool pool(1, 3, 1h);
  grow_then_idle(pool, 3);
  CHECK(pool.threads() == 3);
}

TEST_CASE("extra threads leave after lingering idle, down to the minimum") {
  vitals::ThreadPool pool(1, 3, 10ms);
  grow_then_idle(pool, 3);
  for (int i = 0; i < 5000 && pool.threads() > 1; ++i) std::this_thread::sleep_for(1ms);
  CHECK(pool.threads() == 1);
}

TEST_CASE("a task stuck when the pool is destroyed does not keep the destructor waiting forever") {
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::promise<void> started;
  {
    vitals::ThreadPool pool(1, 2);
    pool.submit([&, gate] {
      started.set_value();
      gate.wait();
    });
    started.get_future().wait();
  }
  release.set_value();  // the detached thread finishes on its own
}

TEST_CASE("drain waits for the running and queued tasks, then refuses more") {
  vitals::ThreadPool pool(1, 1);
  std::atomic<int> finished{0};
  std::promise<void> started;
  pool.submit([&] {
    started.set_value();
    std::this_thread::sleep_for(50ms);
    ++finished;
  });
  pool.submit([&] { ++finished; });
  started.get_future().wait();
  CHECK(pool.drain(5s));
  CHECK(finished == 2);
  CHECK_FALSE(pool.submit([] {}));
}

TEST_CASE("drain gives up on a stuck task at its timeout") {
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::promise<void> started;
  vitals::ThreadPool pool(1, 1);
  pool.submit([&, gate] {
    started.set_value();
    gate.wait();
  });
  started.get_future().wait();
  CHECK_FALSE(pool.drain(20ms));
  release.set_value();
}
