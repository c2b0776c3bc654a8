// The agent's own vitals_* self-metrics (scrapes, probes, scheduler, loop lag, history writes,
// configuration reloads, build) and the standard process_* series, kept in prometheus-cpp and
// rendered in the text format for /metrics. The names are listed in docs/metrics.md.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agent/schedule/scheduler.h"
#include "agent/store/history_store.h"
#include "vitals/common/clock.h"

namespace prometheus {
class Counter;
class Gauge;
class Histogram;
class Registry;
}  // namespace prometheus

namespace vitals {

namespace detail {
class ResultCounters;
class MirroredCounters;
}  // namespace detail

class ProcessMetrics;

// This build's version, e.g. "0.1.0", for vitals_build_info.
std::string_view agent_version();

// Thread-safe: the network thread reports, the web thread renders, both at any time.
// Cumulative counts owned elsewhere (Scheduler::Stats, HistoryMetrics) are mirrored as counters
// holding the latest totals handed in, so a reset of their source shows as a counter reset.
class AgentMetrics {
 public:
  explicit AgentMetrics(std::string_view version = agent_version());
  ~AgentMetrics();
  AgentMetrics(const AgentMetrics&) = delete;
  AgentMetrics& operator=(const AgentMetrics&) = delete;

  // The configured services, those of them with a metrics_url, and the probes, at start and
  // after each reload: their vitals_{scrapes,metrics_scrapes,probes}_total series start at 0 for
  // both results (so rate() works from the first failure on), and the series of targets no
  // longer configured go.
  void set_targets(const std::vector<std::string>& services,
                   const std::vector<std::string>& scraped_services,
                   const std::vector<std::string>& probes);

  // One finished health scrape or probe run; `seconds` goes to the duration histogram.
  void scrape_finished(std::string_view service, bool success, double seconds);
  void probe_finished(std::string_view probe, bool success, double seconds);
  // One finished scrape of a service's metrics_url; `up` as the `up` series it wrote.
  void metrics_scrape_finished(std::string_view service, bool up);

  // `worst_lateness` is Scheduler::take_worst_lateness() of this update period.
  void set_scheduler(const Scheduler::Stats& stats, Duration worst_lateness);
  // How late the network loop ran a timer, most recently measured.
  void set_loop_lag(double seconds);
  // The wall clock moved against the steady clock (a step by NTP or by hand).
  void clock_jumped();
  // At start: whether the previous run ended without a clean stop (kill -9, a crash).
  void set_previous_run_unclean(bool unclean);
  void set_history(const HistoryMetrics& metrics);

  // After every load of the configuration, the first one included: until then
  // vitals_config_last_reload_successful is 0. `at` is kept only on success.
  void config_reloaded(bool success, WallTime at);

  // Every family in the text exposition format 0.0.4, HELP and TYPE included.
  std::string render() const;

 private:
  const std::unique_ptr<prometheus::Registry> registry_;
  const std::unique_ptr<detail::ResultCounters> scrapes_;
  const std::unique_ptr<detail::ResultCounters> metrics_scrapes_;
  const std::unique_ptr<detail::ResultCounters> probes_;
  const std::unique_ptr<detail::MirroredCounters> mirrored_;
  const std::unique_ptr<ProcessMetrics> process_;
  prometheus::Histogram& scrape_duration_;
  prometheus::Histogram& probe_duration_;
  prometheus::Gauge& in_flight_;
  prometheus::Gauge& queued_;
  prometheus::Gauge& lateness_;
  prometheus::Gauge& loop_lag_;
  prometheus::Counter& clock_jumps_;
  prometheus::Gauge& previous_run_unclean_;
  prometheus::Gauge& history_latency_;
  prometheus::Gauge& history_queue_;
  prometheus::Gauge& reload_successful_;
  prometheus::Gauge& reload_timestamp_;
};

}  // namespace vitals
