#include "vitals/common/thread_pool.h"

#include <doctest/doctest.h>

#include <future>
#include <latch>
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
