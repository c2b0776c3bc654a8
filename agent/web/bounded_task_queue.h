// The web server's connection workers: a fixed number of threads and a bounded queue of accepted
// connections. httplib's own ThreadPool queues without limit, so a flood of connections would
// pile up open sockets; here the accepting thread waits for room instead, and the kernel's listen
// backlog absorbs (and finally refuses) the rest.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include <httplib.h>

#include "vitals/common/mutex.h"

namespace vitals::detail {

// Thread-safe. httplib calls enqueue() from its accept thread and shutdown() once when it stops.
class BoundedTaskQueue final : public httplib::TaskQueue {
 public:
  // `niceness` is added to each worker thread's nice value (Linux schedules threads apart), so
  // a flood of requests takes the CPU that is left rather than the CPU the agent's watching and
  // rules need.
  BoundedTaskQueue(std::size_t threads, std::size_t max_pending, int niceness = 0);
  ~BoundedTaskQueue() override;  // shuts down if httplib did not
  BoundedTaskQueue(const BoundedTaskQueue&) = delete;
  BoundedTaskQueue& operator=(const BoundedTaskQueue&) = delete;

  // Blocks while max_pending tasks are waiting; after shutdown() runs the task at once on the
  // caller's thread, so an accepted socket is still answered and closed.
  void enqueue(std::function<void()> task) override EXCLUDES(mu_);
  // Lets the workers finish what is queued, then joins them.
  void shutdown() override EXCLUDES(mu_);

  std::size_t pending() const EXCLUDES(mu_);  // for tests

 private:
  void work(int niceness) EXCLUDES(mu_);

  const std::size_t max_pending_;
  mutable Mutex mu_;
  std::condition_variable has_task_;
  std::condition_variable has_room_;
  std::deque<std::function<void()>> tasks_ GUARDED_BY(mu_);
  bool stopping_ GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;  // started in the constructor, joined by shutdown()
};

}  // namespace vitals::detail
