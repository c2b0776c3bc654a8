// Simulated customers paying by card: a thread that authorises payments at Poisson arrival times,
// records each in the SQLite file and in the business metrics, beats the business heartbeat, and
// tells the feed service about the approved ones.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "examples/card-service/authoriser.h"
#include "examples/card-service/card_database.h"
#include "examples/card-service/event_sender.h"
#include "examples/common/fault_switchboard.h"
#include "vitals/checkers/builtin/heartbeat.h"

namespace prometheus {
class Counter;
class Histogram;
class Registry;
}  // namespace prometheus

namespace vitals::examples {

// card_authorisations_total{result} (every label value present from the start, at 0) and
// card_authorisation_duration_seconds.
struct CardMetrics {
  prometheus::Counter* approved = nullptr;
  prometheus::Counter* declined = nullptr;
  prometheus::Counter* error = nullptr;
  prometheus::Histogram* duration = nullptr;

  static CardMetrics create(prometheus::Registry& metrics);
  prometheus::Counter& count(Outcome outcome) const;
};

// What the traffic thread works with; each must outlive the Traffic.
struct TrafficParts {
  const FaultSwitchboard& faults;
  AuthorisationStore& store;
  Heartbeat& heartbeat;
  EventSender& sender;
  CardMetrics metrics{};
};

// Owns the traffic thread: starts it on construction, stops and joins it on destruction.
class Traffic {
 public:
  // `per_second` 0: no traffic at all.
  Traffic(double per_second, TrafficParts parts);
  ~Traffic();
  Traffic(const Traffic&) = delete;
  Traffic& operator=(const Traffic&) = delete;

 private:
  void run(std::stop_token stop);
  void authorise_one();

  const double per_second_;
  TrafficParts parts_;
  Authoriser authoriser_;
  // The traffic thread's.
  std::uint64_t next_id_ = 1;
  bool write_failing_ = false;  // logs once per streak of failed writes
  std::mutex mu_;               // only for waiting on stop_
  std::condition_variable_any stop_;
  std::jthread thread_;  // last: starts once everything above is ready
};

}  // namespace vitals::examples
