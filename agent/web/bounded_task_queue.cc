#include "agent/web/bounded_task_queue.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace vitals::detail {

namespace {

// Lowers the calling thread's priority by `niceness`; best effort (a thread may always lower its
// own priority, but a sandbox may forbid it, and serving slower is no reason to fail).
void lower_own_priority(int niceness) {
  if (niceness <= 0) return;
  const auto thread = static_cast<id_t>(::gettid());
  errno = 0;
  const int current = ::getpriority(PRIO_PROCESS, thread);
  if (errno == 0) (void)::setpriority(PRIO_PROCESS, thread, current + niceness);
}

}  // namespace

BoundedTaskQueue::BoundedTaskQueue(std::size_t threads, std::size_t max_pending, int niceness)
    : max_pending_(std::max<std::size_t>(max_pending, 1)) {
  threads = std::max<std::size_t>(threads, 1);
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) {
    threads_.emplace_back([this, niceness] { work(niceness); });
  }
}

BoundedTaskQueue::~BoundedTaskQueue() {
  shutdown();
}

void BoundedTaskQueue::enqueue(std::function<void()> task) {
  {
    MutexLock lock(mu_);
    lock.wait(has_room_,
              [this]() REQUIRES(mu_) { return stopping_ || tasks_.size() < max_pending_; });
    if (!stopping_) {
      tasks_.push_back(std::move(task));
      has_task_.notify_one();
      return;
    }
  }
  task();
}

void BoundedTaskQueue::shutdown() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
  }
  has_task_.notify_all();
  has_room_.notify_all();
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

std::size_t BoundedTaskQueue::pending() const {
  MutexLock lock(mu_);
  return tasks_.size();
}

void BoundedTaskQueue::work(int niceness) {
  lower_own_priority(niceness);
  for (;;) {
    std::function<void()> task;
    {
      MutexLock lock(mu_);
      lock.wait(has_task_, [this]() REQUIRES(mu_) { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;  // stopping, and nothing left to finish
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    has_room_.notify_one();
    task();
  }
}

}  // namespace vitals::detail
