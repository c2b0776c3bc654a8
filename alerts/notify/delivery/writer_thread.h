// One thread that runs tasks in the order they were queued: the outbox's SQLite writer. Unlike
// ThreadPool, whose destructor leaves a busy thread running, destruction waits for every queued
// task, so the connection those tasks use can be closed right after.
// Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <thread>

#include "vitals/common/mutex.h"

namespace vitals::notify::detail {

class WriterThread {
 public:
  WriterThread();
  // Runs what is queued, then joins.
  ~WriterThread();
  WriterThread(const WriterThread&) = delete;
  WriterThread& operator=(const WriterThread&) = delete;

  // False once the destructor has begun.
  bool submit(std::function<void()> task);

 private:
  void run();

  Mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_ GUARDED_BY(mu_);
  bool stopping_ GUARDED_BY(mu_) = false;
  std::thread thread_;  // last: starts once the fields above exist
};

}  // namespace vitals::notify::detail
