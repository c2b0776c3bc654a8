// The feed service's work: POST /events takes the card service's transaction events and answers
// 202 at once; each event is processed after a short delay (2.5-4 s under slow-feed) and counted
// in feed_events_total and feed_event_latency_seconds, the latency being processing time minus
// the event's creation time.
#pragma once

#include "examples/common/fault_switchboard.h"
#include "examples/feed-service/event_queue.h"
#include "vitals/checkers/builtin/heartbeat.h"

namespace httplib {
class Server;
}
namespace prometheus {
class Counter;
class Histogram;
class Registry;
}  // namespace prometheus

namespace vitals::examples {

// Processes events on the queue's worker thread. Its parts must outlive the queue.
class EventProcessor {
 public:
  EventProcessor(prometheus::Registry& metrics, Heartbeat& heartbeat);
  void operator()(const FeedEvent& event) const;

 private:
  prometheus::Counter& processed_;
  prometheus::Histogram& latency_;
  Heartbeat& heartbeat_;
};

// Adds POST /events: 202 once queued (or dropped under stop-traffic), 400 for a body that is not
// a transaction event, 503 when the queue is full. Counts what became of each request in
// feed_events_received_total{result}. Everything given must outlive the server.
void mount_event_routes(httplib::Server& server, EventQueue& queue, const FaultSwitchboard& faults,
                        prometheus::Registry& metrics);

}  // namespace vitals::examples
