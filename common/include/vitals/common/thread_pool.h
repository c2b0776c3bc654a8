// Worker threads for blocking work (user checkers, SQLite, big parses). The pool keeps
// `min_threads` and grows up to `max_threads` while every thread is busy, so a few stuck tasks
// cannot starve the rest, and it never grows without bound. A thread beyond `min_threads` leaves
// after `idle_linger` without work: a steady trickle of overlapping tasks (scrapes every few
// milliseconds) keeps its threads instead of creating one per burst.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>

namespace vitals {

// Where work runs. Tests substitute an executor that runs tasks inline.
class Executor {
 public:
  virtual ~Executor() = default;
  // Returns false when the executor no longer accepts work.
  virtual bool submit(std::function<void()> task) = 0;
};

// Thread-safe.
class ThreadPool final : public Executor {
 public:
  ThreadPool(std::size_t min_threads, std::size_t max_threads,
             std::chrono::steady_clock::duration idle_linger = std::chrono::seconds(10));
  // Stops accepting work, lets idle threads finish the queue and joins them. Threads still
  // running a task are detached: they keep the pool's shared state alive until they return.
  ~ThreadPool() override;
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  bool submit(std::function<void()> task) override;
  // Stops accepting work and waits up to `timeout` for the queue and every running task to
  // finish; true when they all did. For pools whose tasks always end (the agent's parsing
  // pool): what those tasks write to can be closed safely after a true.
  bool drain(std::chrono::steady_clock::duration timeout);

  std::size_t threads() const;  // alive now, busy or idle
  std::size_t busy() const;     // running a task now
  std::size_t queued() const;   // waiting for a thread

  struct State;  // shared with the worker threads, which may outlive the pool

 private:
  std::shared_ptr<State> state_;
};

}  // namespace vitals
