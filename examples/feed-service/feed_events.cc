#include "examples/feed-service/feed_events.h"

#include <httplib.h>
#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <optional>
#include <random>

#include <nlohmann/json.hpp>

#include "examples/feed-service/feed_faults.h"

namespace vitals::examples {
namespace {

using namespace std::chrono_literals;

// When an event is processed after it arrives: normally 10-200 ms, under slow-feed 2.5-4 s, past
// the 2 s SLO threshold.
Duration processing_delay(bool slow) {
  thread_local std::minstd_rand rng(std::random_device{}());
  auto [low, high] = slow ? std::pair{2500, 4000} : std::pair{10, 200};
  return std::chrono::milliseconds(std::uniform_int_distribution<int>(low, high)(rng));
}

std::optional<FeedEvent> parse_event(const std::string& body) {
  nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("id") || !json["id"].is_string() ||
      !json.contains("created_ms") || !json["created_ms"].is_number_integer()) {
    return std::nullopt;
  }
  FeedEvent event{.id = json["id"].get<std::string>(),
                  .created_ms = json["created_ms"].get<std::int64_t>()};
  if (json.contains("amount_pence") && json["amount_pence"].is_number_integer()) {
    event.amount_pence = json["amount_pence"].get<std::int64_t>();
  }
  return event;
}

std::int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

EventProcessor::EventProcessor(prometheus::Registry& metrics, Heartbeat& heartbeat)
    : processed_(prometheus::BuildCounter()
                     .Name("feed_events_total")
                     .Help("Transaction events processed into customers' feeds.")
                     .Register(metrics)
                     .Add({})),
      // 2 s is the SLO's threshold ("99% of events under 2 s"), so it must be a bucket bound.
      latency_(
          prometheus::BuildHistogram()
              .Name("feed_event_latency_seconds")
              .Help("From a transaction's creation to its event being processed.")
              .Register(metrics)
              .Add({}, prometheus::Histogram::BucketBoundaries{0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10})),
      heartbeat_(heartbeat) {}

void EventProcessor::operator()(const FeedEvent& event) const {
  double latency = static_cast<double>(unix_ms_now() - event.created_ms) / 1000.0;
  processed_.Increment();
  latency_.Observe(std::max(latency, 0.0));  // clocks of two hosts may disagree a little
  heartbeat_.beat();
}

void mount_event_routes(httplib::Server& server, EventQueue& queue, const FaultSwitchboard& faults,
                        prometheus::Registry& metrics) {
  auto& received = prometheus::BuildCounter()
                       .Name("feed_events_received_total")
                       .Help("POST /events requests, by what became of the event.")
                       .Register(metrics);
  auto* queued = &received.Add({{"result", "queued"}});
  auto* dropped = &received.Add({{"result", "dropped"}});
  auto* invalid = &received.Add({{"result", "invalid"}});
  auto* full = &received.Add({{"result", "full"}});
  server.Post("/events", [=, &queue, &faults](const httplib::Request& req, httplib::Response& res) {
    std::optional<FeedEvent> event = parse_event(req.body);
    if (!event) {
      invalid->Increment();
      res.status = 400;
      res.set_content("expected {\"id\": \"…\", \"created_ms\": N, \"amount_pence\": N}\n",
                      "text/plain");
      return;
    }
    res.status = 202;
    if (faults.is_on(feed_fault::kStopTraffic)) {
      dropped->Increment();
      return;
    }
    SteadyTime due =
        std::chrono::steady_clock::now() + processing_delay(faults.is_on(feed_fault::kSlowFeed));
    if (queue.offer(std::move(*event), due)) {
      queued->Increment();
    } else {
      full->Increment();
      res.status = 503;
      res.set_content("processing queue full\n", "text/plain");
    }
  });
}

}  // namespace vitals::examples
