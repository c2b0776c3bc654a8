#include "agent/web/bounded_task_queue.h"

#include <doctest/doctest.h>

#include <atomic>
#include <future>
#include <latch>

namespace vitals::detail {
namespace {

TEST_CASE("queued connections wait for a worker and all run before shutdown returns") {
  std::atomic<int> ran{0};
  std::latch release(1);
  std::latch started(1);
  BoundedTaskQueue queue(1, 2);
  queue.enqueue([&] {
    started.count_down();
    release.wait();
    ++ran;
  });
  started.wait();  // the only worker is busy now
  queue.enqueue([&] { ++ran; });
  queue.enqueue([&] { ++ran; });
  CHECK(queue.pending() == 2);
  // The queue is full: a third connection waits in enqueue until the worker frees a slot.
  std::atomic<bool> third_queued{false};
  auto third = std::async(std::launch::async, [&] {
    queue.enqueue([&] { ++ran; });
    third_queued = true;
  });
  CHECK(!third_queued);
  release.count_down();
  third.wait();
  queue.shutdown();
  CHECK(ran == 4);
}

TEST_CASE("a task enqueued after shutdown runs on the caller's thread") {
  BoundedTaskQueue queue(2, 4);
  queue.shutdown();
  auto caller = std::this_thread::get_id();
  std::thread::id ran_on{};
  queue.enqueue([&] { ran_on = std::this_thread::get_id(); });
  CHECK(ran_on == caller);
}

}  // namespace
}  // namespace vitals::detail
