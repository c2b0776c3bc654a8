// The feed's processing queue: each event waits until its due time, and one worker thread
// processes events in due-time order. Because it waits for the earliest due time rather than
// sleeping per event, a long processing delay lowers no throughput: the worker keeps up with any
// delay as long as processing itself is quick.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <queue>
#include <string>
#include <thread>
#include <vector>

#include "vitals/common/clock.h"
#include "vitals/common/mutex.h"

namespace vitals::examples {

struct FeedEvent {
  std::string id{};
  std::int64_t amount_pence = 0;
  std::int64_t created_ms = 0;  // Unix ms when the card service created it
};

// Thread-safe.
class EventQueue {
 public:
  // `process` runs on the worker thread, for each event once it is due.
  using Process = std::function<void(const FeedEvent&)>;

  EventQueue(std::size_t capacity, Process process);
  // Stops the worker; events not yet due are dropped.
  ~EventQueue();
  EventQueue(const EventQueue&) = delete;
  EventQueue& operator=(const EventQueue&) = delete;

  // Queues `event` to be processed at `due`; false when `capacity` events are already waiting.
  bool offer(FeedEvent event, SteadyTime due) EXCLUDES(mu_);
  // Events waiting to be processed.
  std::size_t backlog() const EXCLUDES(mu_);

 private:
  struct Pending {
    SteadyTime due;
    std::uint64_t sequence = 0;  // first come, first processed among equal due times
    FeedEvent event;
    bool operator>(const Pending& other) const {
      return due != other.due ? due > other.due : sequence > other.sequence;
    }
  };
  void run() EXCLUDES(mu_);

  const std::size_t capacity_;
  const Process process_;
  mutable Mutex mu_;
  std::condition_variable wake_;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> pending_ GUARDED_BY(mu_);
  std::uint64_t next_sequence_ GUARDED_BY(mu_) = 0;
  bool stopping_ GUARDED_BY(mu_) = false;
  std::thread worker_;  // last: starts once everything above is ready
};

}  // namespace vitals::examples
