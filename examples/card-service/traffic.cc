#include "examples/card-service/traffic.h"

#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <random>

#include "examples/card-service/card_faults.h"
#include "examples/card-service/poisson_arrivals.h"
#include "vitals/common/duration.h"
#include "vitals/common/log.h"

namespace vitals::examples {
namespace {

// Arrivals further behind schedule than this are skipped: a stalled thread (a locked database, a
// loaded machine) catches up at most this much, rather than turning into a spike of traffic.
constexpr Duration kMaxLag = std::chrono::seconds(1);

std::int64_t unix_ms(WallTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace

CardMetrics CardMetrics::create(prometheus::Registry& metrics) {
  auto& outcomes = prometheus::BuildCounter()
                       .Name("card_authorisations_total")
                       .Help("Card authorisations, by result.")
                       .Register(metrics);
  auto& durations = prometheus::BuildHistogram()
                        .Name("card_authorisation_duration_seconds")
                        .Help("Time to authorise a card payment.")
                        .Register(metrics);
  return CardMetrics{
      .approved = &outcomes.Add({{"result", "approved"}}),
      .declined = &outcomes.Add({{"result", "declined"}}),
      .error = &outcomes.Add({{"result", "error"}}),
      .duration =
          &durations.Add({}, prometheus::Histogram::BucketBoundaries{0.005, 0.01, 0.025, 0.05, 0.1,
                                                                     0.25, 0.5, 1, 2.5}),
  };
}

prometheus::Counter& CardMetrics::count(Outcome outcome) const {
  switch (outcome) {
    case Outcome::Approved:
      return *approved;
    case Outcome::Declined:
      return *declined;
    case Outcome::Error:
      return *error;
  }
  return *error;
}

Traffic::Traffic(double per_second, TrafficParts parts)
    : per_second_(per_second),
      parts_(parts),
      authoriser_(std::random_device{}()),
      thread_([this](std::stop_token stop) { run(stop); }) {}

Traffic::~Traffic() {
  thread_.request_stop();  // wakes the wait in run() through the stop token
}

// Arrival times are kept on an absolute schedule, so the time an authorisation takes does not
// lower the rate; each wait ends early when the thread is asked to stop.
void Traffic::run(std::stop_token stop) {
  if (per_second_ <= 0) return;
  PoissonArrivals arrivals(per_second_, std::random_device{}());
  SteadyTime next = std::chrono::steady_clock::now();
  std::unique_lock lock(mu_);
  while (!stop.stop_requested()) {
    next += arrivals.next_gap();
    if (stop_.wait_until(lock, stop, next, [] { return false; })) return;
    if (stop.stop_requested()) return;
    if (!parts_.faults.is_on(card_fault::kStopTraffic)) authorise_one();
    next = std::max(next, std::chrono::steady_clock::now() - kMaxLag);
  }
}

// The simulated network's latency is observed, not slept: the thread's own time goes only to the
// real work, the SQLite write, whose time is added to the observation.
void Traffic::authorise_one() {
  Odds odds;
  if (parts_.faults.is_on(card_fault::kDeclineSpike)) odds.decline = 0.6;
  if (parts_.faults.is_on(card_fault::kErrorBurst)) odds.error = 0.5;
  Decision decision = authoriser_.decide(odds);

  WallTime created = std::chrono::system_clock::now();
  std::string id = "txn-" + std::to_string(unix_ms(created)) + "-" + std::to_string(next_id_++);
  SteadyTime write_started = std::chrono::steady_clock::now();
  auto written = parts_.store.record(
      {id, decision.amount_pence, to_string(decision.outcome), unix_ms(created)});
  if (!written) {
    decision.outcome = Outcome::Error;
    if (!write_failing_)
      log::warn("cannot record authorisations", {{"error", written.error().message}});
  } else if (write_failing_) {
    log::info("recording authorisations again");
  }
  write_failing_ = !written;
  Duration took = decision.latency + (std::chrono::steady_clock::now() - write_started);

  parts_.metrics.count(decision.outcome).Increment();
  parts_.metrics.duration->Observe(to_seconds(took));
  parts_.heartbeat.beat();
  if (decision.outcome == Outcome::Approved) {
    parts_.sender.offer({std::move(id), decision.amount_pence, unix_ms(created)});
  }
}

}  // namespace vitals::examples
