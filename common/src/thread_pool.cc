#include "vitals/common/thread_pool.h"

#include <condition_variable>
#include <deque>
#include <thread>
#include <vector>

#include "vitals/common/mutex.h"

namespace vitals {

struct ThreadPool::State {
  Mutex mu;
  std::condition_variable work_ready;
  std::condition_variable all_idle_exited;
  std::deque<std::function<void()>> queue GUARDED_BY(mu);
  std::size_t min_threads = 1;
  std::size_t max_threads = 1;
  std::chrono::steady_clock::duration idle_linger{};
  std::size_t threads GUARDED_BY(mu) = 0;
  std::size_t busy GUARDED_BY(mu) = 0;
  bool stopping GUARDED_BY(mu) = false;
};

namespace {

// One worker: take a task, run it, repeat. Threads beyond min_threads leave after idle_linger
// without work.
void work(const std::shared_ptr<ThreadPool::State>& state) {
  auto& s = *state;
  auto has_work = [&]() REQUIRES(s.mu) { return s.stopping || !s.queue.empty(); };
  MutexLock lock(s.mu);
  for (;;) {
    if (s.threads > s.min_threads) {
      auto until = std::chrono::steady_clock::now() + s.idle_linger;
      if (!lock.wait_until(s.work_ready, until, has_work) && s.threads > s.min_threads) break;
      if (!has_work()) continue;  // timed out, but the others left first: stay as a minimum
    } else {
      lock.wait(s.work_ready, has_work);
    }
    if (s.queue.empty()) break;  // stopping and nothing left
    auto task = std::move(s.queue.front());
    s.queue.pop_front();
    ++s.busy;
    lock.unlock();
    task();
    lock.lock();
    --s.busy;
  }
  --s.threads;
  s.all_idle_exited.notify_all();
}

}  // namespace

ThreadPool::ThreadPool(std::size_t min_threads, std::size_t max_threads,
                       std::chrono::steady_clock::duration idle_linger)
    : state_(std::make_shared<State>()) {
  state_->idle_linger = idle_linger;
  state_->min_threads = std::max<std::size_t>(1, min_threads);
  state_->max_threads = std::max(state_->min_threads, max_threads);
}

ThreadPool::~ThreadPool() {
  MutexLock lock(state_->mu);
  state_->stopping = true;
  state_->work_ready.notify_all();
  // Wait for threads that are idle or finishing the queue; detached busy ones may never return.
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  lock.wait_until(state_->all_idle_exited, until,
                  [&]() REQUIRES(state_->mu) { return state_->threads == state_->busy; });
}

bool ThreadPool::drain(std::chrono::steady_clock::duration timeout) {
  MutexLock lock(state_->mu);
  state_->stopping = true;
  state_->work_ready.notify_all();
  return lock.wait_until(state_->all_idle_exited, std::chrono::steady_clock::now() + timeout,
                         [&]() REQUIRES(state_->mu) { return state_->threads == 0; });
}

bool ThreadPool::submit(std::function<void()> task) {
  State& s = *state_;
  MutexLock lock(s.mu);
  if (s.stopping) return false;
  s.queue.push_back(std::move(task));
  std::size_t idle = s.threads - s.busy;
  if (idle < s.queue.size() && s.threads < s.max_threads) {
    ++s.threads;
    std::thread(work, state_).detach();
  } else {
    s.work_ready.notify_one();
  }
  return true;
}

std::size_t ThreadPool::threads() const {
  MutexLock lock(state_->mu);
  return state_->threads;
}

std::size_t ThreadPool::busy() const {
  MutexLock lock(state_->mu);
  return state_->busy;
}

std::size_t ThreadPool::queued() const {
  MutexLock lock(state_->mu);
  return state_->queue.size();
}

}  // namespace vitals
