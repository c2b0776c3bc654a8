#include "agent/expose/agent_metrics.h"

#include <chrono>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <utility>

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "agent/expose/exposition.h"
#include "agent/expose/process_metrics.h"
#include "vitals/common/mutex.h"

#ifndef VITALS_VERSION
#define VITALS_VERSION "unknown"
#endif

namespace vitals {

namespace detail {

// One counter family keyed by a target label and result="success|failure". Kept as plain
// counts and written straight to the text format: at a thousand targets, going through
// prometheus-cpp's Collect() and serializer cost more than the rest of the self-scrape.
class ResultCounters {
 public:
  ResultCounters(std::string name, std::string help, std::string label)
      : name_(std::move(name)), help_(std::move(help)), label_(std::move(label)) {}

  void count(std::string_view target, bool success) EXCLUDES(mu_) {
    MutexLock lock(mu_);
    Pair& pair = find_or_add(target);
    ++(success ? pair.success : pair.failure);
  }

  // A report racing with a reload may bring a removed target back until the next retain().
  void retain(const std::vector<std::string>& targets) EXCLUDES(mu_) {
    MutexLock lock(mu_);
    std::set<std::string_view> keep(targets.begin(), targets.end());
    std::erase_if(by_target_, [&](const auto& entry) { return !keep.contains(entry.first); });
    for (const std::string& target : targets) find_or_add(target);
  }

  // Formats a copy: the network thread counts every probe run, and must not wait while tens of
  // thousands of lines are written for a scrape of /metrics.
  void write(Exposition& out) const EXCLUDES(mu_) {
    std::vector<std::pair<std::string, Pair>> counts;
    {
      MutexLock lock(mu_);
      counts.assign(by_target_.begin(), by_target_.end());
    }
    out.family(name_, "counter", help_);
    for (const auto& [target, pair] : counts) {
      out.sample(name_, labels(target, "success"), static_cast<double>(pair.success));
      out.sample(name_, labels(target, "failure"), static_cast<double>(pair.failure));
    }
  }

 private:
  struct Pair {
    std::uint64_t success = 0;
    std::uint64_t failure = 0;
  };

  // Sorted by name, as prometheus-cpp and Prometheus write them.
  SeriesLabels labels(const std::string& target, const char* result) const {
    SeriesLabels out{{label_, target}, {"result", result}};
    if (out[1].first < out[0].first) std::swap(out[0], out[1]);
    return out;
  }

  Pair& find_or_add(std::string_view target) REQUIRES(mu_) {
    auto it = by_target_.find(target);
    if (it != by_target_.end()) return it->second;
    return by_target_.emplace(std::string(target), Pair{}).first->second;
  }

  const std::string name_;
  const std::string help_;
  const std::string label_;
  mutable Mutex mu_;
  std::map<std::string, Pair, std::less<>> by_target_ GUARDED_BY(mu_);
};

// Counters whose totals another component keeps: prometheus-cpp's Counter can only be
// incremented, so these are emitted straight from the latest totals handed in.
class MirroredCounters : public prometheus::Collectable {
 public:
  void set(const Scheduler::Stats& stats) EXCLUDES(mu_) {
    MutexLock lock(mu_);
    scheduler_ = stats;
  }
  void set(const HistoryMetrics& metrics) EXCLUDES(mu_) {
    MutexLock lock(mu_);
    history_ = metrics;
  }

  std::vector<prometheus::MetricFamily> Collect() const override EXCLUDES(mu_) {
    MutexLock lock(mu_);
    return {
        counter("vitals_scheduler_runs_started_total", "Target runs the scheduler started.",
                scheduler_.runs_started),
        counter("vitals_scheduler_runs_skipped_total",
                "Runs not started because the target's previous run was still in flight.",
                scheduler_.runs_skipped),
        counter("vitals_scheduler_runs_written_off_total",
                "Runs counted as failed because they did not report back by their deadline.",
                scheduler_.runs_written_off),
        counter("vitals_history_rows_written_total", "Rows committed to the history database.",
                history_.rows_written),
        counter("vitals_history_batches_total", "Transactions committed to the history database.",
                history_.batches),
        counter("vitals_history_write_errors_total",
                "Failed history transactions, each retry counted.", history_.write_errors),
        counter("vitals_history_dropped_total",
                "History records lost: over the queue bound, refused by SQLite, or at exit.",
                history_.dropped),
        counter("vitals_history_retention_deleted_total",
                "History rows deleted for being older than the retention.",
                history_.retention_deleted),
    };
  }

 private:
  static prometheus::MetricFamily counter(const char* name, const char* help, std::uint64_t value) {
    prometheus::ClientMetric metric;
    metric.counter.value = static_cast<double>(value);
    return {name, help, prometheus::MetricType::Counter, {metric}};
  }

  mutable Mutex mu_;
  Scheduler::Stats scheduler_ GUARDED_BY(mu_){};
  HistoryMetrics history_ GUARDED_BY(mu_){};
};

}  // namespace detail

namespace {

// Prometheus' default buckets up to 10 s, then 30 s and 60 s for targets near their timeout.
const prometheus::Histogram::BucketBoundaries kDurationBuckets{
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

prometheus::Gauge& gauge(prometheus::Registry& registry, const char* name, const char* help,
                         const prometheus::Labels& labels = {}) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(registry).Add(labels);
}

prometheus::Histogram& histogram(prometheus::Registry& registry, const char* name,
                                 const char* help) {
  return prometheus::BuildHistogram().Name(name).Help(help).Register(registry).Add(
      {}, kDurationBuckets);
}

double seconds(Duration duration) {
  return std::chrono::duration<double>(duration).count();
}

}  // namespace

std::string_view agent_version() {
  return VITALS_VERSION;
}

AgentMetrics::AgentMetrics(std::string_view version)
    : registry_(std::make_unique<prometheus::Registry>()),
      scrapes_(std::make_unique<detail::ResultCounters>(
          "vitals_scrapes_total", "Health scrapes of services, by result.", "service")),
      metrics_scrapes_(std::make_unique<detail::ResultCounters>(
          "vitals_metrics_scrapes_total", "Scrapes of services' metrics_url, by result.",
          "service")),
      probes_(std::make_unique<detail::ResultCounters>("vitals_probes_total",
                                                       "Probe runs, by result.", "probe")),
      mirrored_(std::make_unique<detail::MirroredCounters>()),
      process_(std::make_unique<ProcessMetrics>()),
      scrape_duration_(histogram(*registry_, "vitals_scrape_duration_seconds",
                                 "How long health scrapes of services took.")),
      probe_duration_(histogram(*registry_, "vitals_probe_run_duration_seconds",
                                "How long probe runs took, end to end.")),
      in_flight_(gauge(*registry_, "vitals_scheduler_in_flight", "Target runs in flight.")),
      queued_(gauge(*registry_, "vitals_scheduler_queued",
                    "Due target runs waiting for a free slot under the in-flight cap.")),
      lateness_(gauge(*registry_, "vitals_scheduler_lateness_seconds",
                      "Worst delay of a run's start past its due time in the last update "
                      "period.")),
      loop_lag_(gauge(*registry_, "vitals_loop_lag_seconds",
                      "How late the network loop last ran a timer.")),
      clock_jumps_(prometheus::BuildCounter()
                       .Name("vitals_clock_jumps_total")
                       .Help("Times the wall clock moved against the steady clock by more than "
                             "2 seconds.")
                       .Register(*registry_)
                       .Add({})),
      previous_run_unclean_(gauge(*registry_, "vitals_previous_run_unclean",
                                  "1 when the previous run of this storage ended without a clean "
                                  "stop (killed, crashed).")),
      history_latency_(gauge(*registry_, "vitals_history_write_latency_seconds",
                             "Duration of the last committed history batch, BEGIN to COMMIT.")),
      history_queue_(gauge(*registry_, "vitals_history_queue_depth",
                           "History records waiting for the writer.")),
      reload_successful_(gauge(*registry_, "vitals_config_last_reload_successful",
                               "Whether the last configuration load succeeded.")),
      reload_timestamp_(gauge(*registry_, "vitals_config_last_reload_success_timestamp_seconds",
                              "Unix time of the last successful configuration load.")) {
  gauge(*registry_, "vitals_build_info", "The agent's version; always 1.",
        {{"version", std::string(version)}})
      .Set(1);
}

AgentMetrics::~AgentMetrics() = default;

void AgentMetrics::set_targets(const std::vector<std::string>& services,
                               const std::vector<std::string>& scraped_services,
                               const std::vector<std::string>& probes) {
  scrapes_->retain(services);
  metrics_scrapes_->retain(scraped_services);
  probes_->retain(probes);
}

void AgentMetrics::scrape_finished(std::string_view service, bool success, double seconds) {
  scrapes_->count(service, success);
  scrape_duration_.Observe(seconds);
}

void AgentMetrics::metrics_scrape_finished(std::string_view service, bool up) {
  metrics_scrapes_->count(service, up);
}

void AgentMetrics::probe_finished(std::string_view probe, bool success, double seconds) {
  probes_->count(probe, success);
  probe_duration_.Observe(seconds);
}

void AgentMetrics::set_scheduler(const Scheduler::Stats& stats, Duration worst_lateness) {
  mirrored_->set(stats);
  in_flight_.Set(static_cast<double>(stats.in_flight));
  queued_.Set(static_cast<double>(stats.queued));
  lateness_.Set(seconds(worst_lateness));
}

void AgentMetrics::set_loop_lag(double seconds) {
  loop_lag_.Set(seconds);
}

void AgentMetrics::set_previous_run_unclean(bool unclean) {
  previous_run_unclean_.Set(unclean ? 1 : 0);
}

void AgentMetrics::clock_jumped() {
  clock_jumps_.Increment();
}

void AgentMetrics::set_history(const HistoryMetrics& metrics) {
  mirrored_->set(metrics);
  history_latency_.Set(seconds(metrics.last_batch_latency));
  history_queue_.Set(static_cast<double>(metrics.queue_depth));
}

void AgentMetrics::config_reloaded(bool success, WallTime at) {
  reload_successful_.Set(success ? 1 : 0);
  if (success) reload_timestamp_.Set(seconds(at.time_since_epoch()));
}

std::string AgentMetrics::render() const {
  std::vector<prometheus::MetricFamily> families = registry_->Collect();
  for (const prometheus::Collectable* more :
       std::initializer_list<const prometheus::Collectable*>{mirrored_.get(), process_.get()}) {
    auto collected = more->Collect();
    families.insert(families.end(), std::make_move_iterator(collected.begin()),
                    std::make_move_iterator(collected.end()));
  }
  Exposition out;
  scrapes_->write(out);
  metrics_scrapes_->write(out);
  probes_->write(out);
  return out.text() + prometheus::TextSerializer().Serialize(families);
}

}  // namespace vitals
