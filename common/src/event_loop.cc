#include "vitals/common/event_loop.h"

namespace vitals {

EventLoop::TimerId EventLoop::add_timer(SteadyTime deadline, Task task) {
  TimerId id = 0;
  {
    MutexLock lock(mu_);
    id = next_id_++;
    timers_.push(TimerEntry{deadline, id, id});
    timer_tasks_.emplace(id, std::move(task));
    wake_.notify_one();
  }
  if (wakeup_) wakeup_();
  return id;
}

void EventLoop::cancel(TimerId id) {
  MutexLock lock(mu_);
  timer_tasks_.erase(id);
}

void EventLoop::post(Task task) {
  {
    MutexLock lock(mu_);
    posted_.push_back(std::move(task));
    wake_.notify_one();
  }
  if (wakeup_) wakeup_();
}

void EventLoop::drop_cancelled_head() {
  while (!timers_.empty() && !timer_tasks_.contains(timers_.top().id)) timers_.pop();
}

std::optional<SteadyTime> EventLoop::next_deadline() {
  MutexLock lock(mu_);
  drop_cancelled_head();
  if (timers_.empty()) return std::nullopt;
  return timers_.top().deadline;
}

// Posted tasks first (they are already late), then the earliest due timer.
std::optional<EventLoop::Task> EventLoop::take_next_due() {
  MutexLock lock(mu_);
  if (!posted_.empty()) {
    Task task = std::move(posted_.front());
    posted_.pop_front();
    return task;
  }
  drop_cancelled_head();
  if (timers_.empty() || timers_.top().deadline > clock_.now()) return std::nullopt;
  auto node = timer_tasks_.extract(timers_.top().id);
  timers_.pop();
  return std::move(node.mapped());
}

std::size_t EventLoop::run_until_idle() {
  std::size_t ran = 0;
  while (auto task = take_next_due()) {
    (*task)();
    ++ran;
  }
  return ran;
}

bool EventLoop::run_until(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  for (;;) {
    run_until_idle();
    if (done()) return true;
    MutexLock lock(mu_);
    if (!lock.wait_until(wake_, until, [&]() REQUIRES(mu_) { return !posted_.empty(); })) {
      return false;
    }
  }
}

void EventLoop::run() {
  for (;;) {
    run_until_idle();
    MutexLock lock(mu_);
    if (stopping_) return;
    if (!posted_.empty()) continue;
    drop_cancelled_head();
    auto ready = [&]() REQUIRES(mu_) { return stopping_ || !posted_.empty(); };
    if (timers_.empty()) {
      lock.wait(wake_, [&]() REQUIRES(mu_) { return ready() || !timers_.empty(); });
    } else {
      // A new earlier timer also notifies, so wake up and recompute the deadline.
      std::size_t timer_count = timers_.size();
      lock.wait_until(wake_, timers_.top().deadline,
                      [&]() REQUIRES(mu_) { return ready() || timers_.size() != timer_count; });
    }
  }
}

void EventLoop::stop() {
  MutexLock lock(mu_);
  stopping_ = true;
  wake_.notify_all();
}

}  // namespace vitals
