#include "alerts/notify/delivery/writer_thread.h"

namespace vitals::notify::detail {

WriterThread::WriterThread() : thread_([this] { run(); }) {}

WriterThread::~WriterThread() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
  }
  ready_.notify_one();
  thread_.join();
}

bool WriterThread::submit(std::function<void()> task) {
  {
    MutexLock lock(mu_);
    if (stopping_) return false;
    queue_.push_back(std::move(task));
  }
  ready_.notify_one();
  return true;
}

void WriterThread::run() {
  for (;;) {
    std::function<void()> task;
    {
      MutexLock lock(mu_);
      lock.wait(ready_, [&]() REQUIRES(mu_) { return stopping_ || !queue_.empty(); });
      // Stopping still drains the queue: every queued write is done before the join.
      if (queue_.empty()) return;
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

}  // namespace vitals::notify::detail
