#include "vitals/common/event_loop.h"

namespace vitals {

namespace {

constexpr std::uint32_t slot_index(EventLoop::TimerId id) {
  return static_cast<std::uint32_t>(id);
}
constexpr std::uint32_t slot_generation(EventLoop::TimerId id) {
  return static_cast<std::uint32_t>(id >> 32);
}

}  // namespace

EventLoop::TimerId EventLoop::add_timer(SteadyTime deadline, Task task) {
  TimerId id = 0;
  {
    MutexLock lock(mu_);
    std::uint32_t index = 0;
    if (free_timer_slots_.empty()) {
      index = static_cast<std::uint32_t>(timer_slots_.size());
      timer_slots_.emplace_back();
    } else {
      index = free_timer_slots_.back();
      free_timer_slots_.pop_back();
    }
    TimerSlot& slot = timer_slots_[index];
    ++slot.generation;  // from 1: an id is never 0
    slot.armed = true;
    slot.task = std::move(task);
    id = (static_cast<TimerId>(slot.generation) << 32) | index;
    timers_.push(TimerEntry{deadline, next_sequence_++, id});
    wake_.notify_one();
  }
  if (wakeup_) wakeup_();
  return id;
}

EventLoop::TimerSlot* EventLoop::armed_slot(TimerId id) {
  const std::uint32_t index = slot_index(id);
  if (index >= timer_slots_.size()) return nullptr;
  TimerSlot& slot = timer_slots_[index];
  return slot.armed && slot.generation == slot_generation(id) ? &slot : nullptr;
}

// The slot is free for the next timer at once; the heap entry, if any, is dropped lazily.
EventLoop::Task EventLoop::disarm(TimerSlot& slot, TimerId id) {
  Task task = std::move(slot.task);
  slot.task = nullptr;
  slot.armed = false;
  free_timer_slots_.push_back(slot_index(id));
  return task;
}

void EventLoop::cancel(TimerId id) {
  Task dropped;  // destroyed after the lock: a task's captures may do anything
  MutexLock lock(mu_);
  if (TimerSlot* slot = armed_slot(id)) dropped = disarm(*slot, id);
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
  while (!timers_.empty() && armed_slot(timers_.top().id) == nullptr) timers_.pop();
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
  const TimerId id = timers_.top().id;
  timers_.pop();
  return disarm(*armed_slot(id), id);
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
