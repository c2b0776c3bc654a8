#include "examples/feed-service/event_queue.h"

namespace vitals::examples {

EventQueue::EventQueue(std::size_t capacity, Process process)
    : capacity_(capacity), process_(std::move(process)), worker_([this] { run(); }) {}

EventQueue::~EventQueue() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  worker_.join();
}

bool EventQueue::offer(FeedEvent event, SteadyTime due) {
  bool earliest = false;
  {
    MutexLock lock(mu_);
    if (pending_.size() >= capacity_) return false;
    earliest = pending_.empty() || due < pending_.top().due;
    pending_.push({due, next_sequence_++, std::move(event)});
  }
  // Only a new earliest event changes how long the worker should sleep.
  if (earliest) wake_.notify_one();
  return true;
}

std::size_t EventQueue::backlog() const {
  MutexLock lock(mu_);
  return pending_.size();
}

// 1. Sleep until the earliest event is due (or a new earlier one arrives, or stop).
// 2. Take every due event out under the lock, then process them outside it, so offer() never
//    waits for processing.
void EventQueue::run() {
  std::vector<FeedEvent> due;
  for (;;) {
    {
      MutexLock lock(mu_);
      for (;;) {
        if (stopping_) return;
        if (pending_.empty()) {
          lock.wait(wake_, [this]() REQUIRES(mu_) { return stopping_ || !pending_.empty(); });
          continue;
        }
        SteadyTime earliest = pending_.top().due;
        if (earliest <= std::chrono::steady_clock::now()) break;
        lock.wait_until(wake_, earliest, [this, earliest]() REQUIRES(mu_) {
          return stopping_ || pending_.top().due < earliest;
        });
      }
      SteadyTime now = std::chrono::steady_clock::now();
      while (!pending_.empty() && pending_.top().due <= now) {
        // top() is const: the event is copied out, which costs little for a few short strings.
        due.push_back(pending_.top().event);
        pending_.pop();
      }
    }
    for (const FeedEvent& event : due) process_(event);
    due.clear();
  }
}

}  // namespace vitals::examples
