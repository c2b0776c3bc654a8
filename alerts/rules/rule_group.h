// One rule group: its rules evaluated in file order at one time, each rule's output (recording
// rules' series, ALERTS and ALERTS_FOR_STATE) appended to the window before the next rule runs
// (the compliance specification's constraint 1), series a rule stops producing marked stale at
// once, and a status snapshot for /api/v1/rules taken after each evaluation.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "agent/store/sample_window.h"
#include "alerts/promql/engine.h"
#include "alerts/promql/metric_names.h"
#include "alerts/rules/alerting_rule.h"
#include "alerts/rules/rule_file.h"
#include "vitals/common/mutex.h"

namespace vitals::rules {

struct RuleStatus {
  std::string type{};  // "alerting" or "recording"
  std::string name{};
  std::string query{};
  std::int64_t for_ms = 0;
  std::int64_t keep_firing_for_ms = 0;
  std::map<std::string, std::string> labels{};
  std::map<std::string, std::string> annotations{};
  std::string health = "unknown";  // ok, err, unknown
  std::string last_error{};
  std::int64_t last_evaluation_ms = 0;  // 0: never
  double evaluation_seconds = 0;
  std::uint64_t evaluations = 0;  // since the agent started
  std::uint64_t failures = 0;
  AlertState state = AlertState::Inactive;
  std::vector<Alert> alerts{};  // pending and firing
};

struct GroupStatus {
  std::string file{};
  std::string name{};
  std::int64_t interval_ms = 0;
  std::int64_t last_evaluation_ms = 0;
  double evaluation_seconds = 0;
  std::uint64_t evaluations = 0;  // since the agent started
  // Scheduled evaluations skipped because an earlier one ended after their time, as
  // Prometheus' prometheus_rule_group_iterations_missed_total counts them.
  std::uint64_t iterations_missed = 0;
  std::vector<RuleStatus> rules{};
};

using GroupStatuses = std::vector<std::shared_ptr<const GroupStatus>>;

// An alert due for sending, with where it came from (for generatorURL).
struct DueAlert {
  Alert alert{};
  std::string expr{};
};

// evaluate() on one thread at a time; status() from any thread.
class RuleGroup {
 public:
  // `default_interval_ms` applies when the group sets none.
  RuleGroup(GroupSpec spec, std::int64_t default_interval_ms, SampleWindow& window,
            promql::EngineOptions options = {});

  const GroupSpec& spec() const { return spec_; }
  std::int64_t interval_ms() const { return interval_ms_; }
  // "file;name": what identifies the group across reloads and restarts.
  std::string key() const;
  // The metric names whose new samples may change what the group computes.
  const promql::MetricNames& reads() const { return reads_; }

  // Evaluates every rule at t_ms (less the group's query_offset). `elapsed` measures evaluation
  // time (a real clock's steady time in the agent; anything monotonic in tests).
  void evaluate(std::int64_t t_ms, const TemplateContext& context);
  // How long the last evaluate() took, in seconds.
  double last_evaluation_seconds() const { return last_seconds_; }
  // The scheduler skipped `count` evaluation times (the group fell behind).
  void count_missed(std::uint64_t count) EXCLUDES(status_mu_);
  // The alerts to send after the last evaluation (see AlertingRule::take_due).
  std::vector<DueAlert> take_due(std::int64_t t_ms, std::int64_t resend_delay_ms);

  std::shared_ptr<const GroupStatus> status() const EXCLUDES(status_mu_);
  // Alert state for the store: per alerting rule name, every alert kept.
  std::vector<std::pair<std::string, std::vector<Alert>>> alert_states() const;
  // Puts back stored alerts of the rule named `rule`; unknown names are ignored.
  void restore(const std::string& rule, std::vector<Alert> alerts);

 private:
  struct Rule {
    RuleSpec spec;
    std::unique_ptr<AlertingRule> alerting{};  // null for a recording rule
    std::vector<SeriesRef> written{};          // what the last evaluation appended, sorted
    RuleStatus status{};
  };

  Result<promql::Vector> run_query(const Rule& rule, std::int64_t t_ms) const;
  Result<promql::Vector> record(const Rule& rule, promql::Vector result) const;
  void write(Rule& rule, const promql::Vector& samples, std::int64_t t_ms);
  void publish_status(std::int64_t t_ms, double seconds) EXCLUDES(status_mu_);

  std::uint64_t evaluations_ = 0;
  std::uint64_t missed_ = 0;
  double last_seconds_ = 0;

  GroupSpec spec_;
  std::int64_t interval_ms_;
  SampleWindow& window_;
  promql::Engine engine_;
  std::vector<Rule> rules_;
  promql::MetricNames reads_;

  mutable Mutex status_mu_;
  std::shared_ptr<const GroupStatus> status_ GUARDED_BY(status_mu_);
};

}  // namespace vitals::rules
