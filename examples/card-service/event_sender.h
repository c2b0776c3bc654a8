// Tells the feed service about approved payments (POST {feed-url}/events) from a thread of its
// own. Its queue is bounded and offer() never blocks, so a slow or dead feed costs events (counted
// in card_feed_events_total{result="dropped"}), never authorisations.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <thread>

#include "vitals/common/mutex.h"

namespace prometheus {
class Counter;
class Registry;
}  // namespace prometheus

namespace vitals::examples {

struct TransactionEvent {
  std::string id{};
  std::int64_t amount_pence = 0;
  std::int64_t created_ms = 0;  // Unix ms when the payment was authorised
};

// Thread-safe.
class EventSender {
 public:
  // `feed_url` is "http://host:port". Registers card_feed_events_total in `metrics`.
  EventSender(std::string feed_url, prometheus::Registry& metrics, std::size_t capacity = 1000);
  // Stops the sending thread; events still queued are dropped.
  ~EventSender();
  EventSender(const EventSender&) = delete;
  EventSender& operator=(const EventSender&) = delete;

  // Queues `event`, or drops it when the queue is full.
  void offer(TransactionEvent event) EXCLUDES(mu_);

 private:
  void run() EXCLUDES(mu_);

  const std::string feed_url_;
  const std::size_t capacity_;
  prometheus::Counter& sent_;
  prometheus::Counter& failed_;
  prometheus::Counter& dropped_;
  Mutex mu_;
  std::condition_variable wake_;
  std::deque<TransactionEvent> queue_ GUARDED_BY(mu_);
  bool stopping_ GUARDED_BY(mu_) = false;
  std::thread thread_;  // last: starts once everything above is ready
};

}  // namespace vitals::examples
