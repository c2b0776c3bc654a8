#include "alerts/rules/rule_group.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "alerts/promql/evaluator.h"

namespace vitals::rules {
namespace {

using promql::detail::label_key;
using promql::detail::set_label;

RuleStatus initial_status(const RuleSpec& spec, const std::map<std::string, std::string>& group) {
  RuleStatus status;
  if (const auto* alerting = std::get_if<AlertingRuleSpec>(&spec.rule)) {
    status.type = "alerting";
    status.name = alerting->name;
    status.query = alerting->expr;
    status.for_ms = alerting->for_ms;
    status.keep_firing_for_ms = alerting->keep_firing_for_ms;
    status.labels = alerting->labels;
    status.annotations = alerting->annotations;
  } else {
    const auto& recording = std::get<RecordingRuleSpec>(spec.rule);
    status.type = "recording";
    status.name = recording.record;
    status.query = recording.expr;
    status.labels = recording.labels;
  }
  for (const auto& [name, value] : group) status.labels.try_emplace(name, value);
  return status;
}

// Group labels under the rule's own: the rule's win.
template <class Spec>
Spec with_group_labels(Spec spec, const std::map<std::string, std::string>& group) {
  for (const auto& [name, value] : group) spec.labels.try_emplace(name, value);
  return spec;
}

}  // namespace

RuleGroup::RuleGroup(GroupSpec spec, std::int64_t default_interval_ms, SampleWindow& window,
                     promql::EngineOptions options)
    : spec_(std::move(spec)),
      interval_ms_(spec_.interval_ms > 0 ? spec_.interval_ms : default_interval_ms),
      window_(window),
      engine_(window, options) {
  for (const RuleSpec& rule_spec : spec_.rules) {
    Rule rule{.spec = rule_spec, .status = initial_status(rule_spec, spec_.labels)};
    if (const auto* alerting = std::get_if<AlertingRuleSpec>(&rule_spec.rule)) {
      rule.alerting = std::make_unique<AlertingRule>(with_group_labels(*alerting, spec_.labels));
    } else {
      auto& recording = std::get<RecordingRuleSpec>(rule.spec.rule);
      recording = with_group_labels(recording, spec_.labels);
    }
    if (rule.spec.parsed) reads_.merge(promql::MetricNames::read_by(*rule.spec.parsed));
    rules_.push_back(std::move(rule));
  }
  publish_status(0, 0);
}

std::string RuleGroup::key() const {
  return spec_.file + ";" + spec_.name;
}

// The rule's expression at t as an instant vector; a scalar is one sample without labels.
Result<promql::Vector> RuleGroup::run_query(const Rule& rule, std::int64_t t_ms) const {
  auto value = engine_.instant(*rule.spec.parsed, t_ms);
  if (!value) return tl::unexpected(value.error());
  if (auto* scalar = std::get_if<promql::Scalar>(&*value)) {
    return promql::Vector{promql::Sample{.value = scalar->value}};
  }
  if (auto* vector = std::get_if<promql::Vector>(&*value)) return std::move(*vector);
  return make_error(ErrorCode::InvalidArgument, "rule result is not a vector or scalar");
}

// A recording rule's output: the record name and the rule's labels over each sample's own.
Result<promql::Vector> RuleGroup::record(const Rule& rule, promql::Vector result) const {
  const auto& spec = std::get<RecordingRuleSpec>(rule.spec.rule);
  std::set<std::string> seen;
  for (promql::Sample& sample : result) {
    set_label(sample.labels, "__name__", spec.record);
    for (const auto& [name, value] : spec.labels) set_label(sample.labels, name, value);
    if (!seen.insert(label_key(sample.labels)).second) {
      return make_error(ErrorCode::InvalidArgument,
                        "vector contains metrics with the same labelset after applying rule "
                        "labels");
    }
  }
  if (spec_.limit > 0 && result.size() > spec_.limit) {
    return make_error(ErrorCode::InvalidArgument, "exceeded limit of " +
                                                      std::to_string(spec_.limit) + " with " +
                                                      std::to_string(result.size()) + " series");
  }
  return result;
}

// Appends the rule's samples at t and marks stale what it wrote last time and not now.
void RuleGroup::write(Rule& rule, const promql::Vector& samples, std::int64_t t_ms) {
  std::vector<SeriesRef> written;
  for (const promql::Sample& sample : samples) {
    auto ref = window_.get_or_create(sample.labels);
    if (!ref) continue;
    window_.append(*ref, t_ms, sample.value);
    written.push_back(*ref);
  }
  std::sort(written.begin(), written.end());
  for (SeriesRef ref : rule.written) {
    if (!std::binary_search(written.begin(), written.end(), ref)) window_.mark_stale(ref, t_ms);
  }
  rule.written = std::move(written);
}

void RuleGroup::evaluate(std::int64_t t_ms, const TemplateContext& context) {
  const auto group_start = std::chrono::steady_clock::now();
  ++evaluations_;
  const std::int64_t at = t_ms - spec_.query_offset_ms;
  for (Rule& rule : rules_) {
    const auto start = std::chrono::steady_clock::now();
    auto result = run_query(rule, at);
    Result<promql::Vector> samples = result;
    if (result) {
      samples = rule.alerting ? rule.alerting->eval(*result, at, context)
                              : record(rule, std::move(*result));
    }
    if (samples) {
      write(rule, *samples, at);
      rule.status.health = "ok";
      rule.status.last_error.clear();
    } else {
      // Nothing of a failed evaluation is written; its earlier series go stale.
      write(rule, {}, at);
      rule.status.health = "err";
      rule.status.last_error = samples.error().message;
    }
    ++rule.status.evaluations;
    if (!samples) ++rule.status.failures;
    rule.status.last_evaluation_ms = t_ms;
    rule.status.evaluation_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (rule.alerting) {
      rule.status.state = rule.alerting->state();
      rule.status.alerts = rule.alerting->active();
    }
  }
  last_seconds_ =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - group_start).count();
  publish_status(t_ms, last_seconds_);
}

std::vector<DueAlert> RuleGroup::take_due(std::int64_t t_ms, std::int64_t resend_delay_ms) {
  std::vector<DueAlert> due;
  for (Rule& rule : rules_) {
    if (!rule.alerting) continue;
    for (Alert& alert : rule.alerting->take_due(t_ms, resend_delay_ms, interval_ms_)) {
      due.push_back(DueAlert{.alert = std::move(alert), .expr = rule.status.query});
    }
  }
  return due;
}

void RuleGroup::publish_status(std::int64_t t_ms, double seconds) {
  auto next = std::make_shared<GroupStatus>();
  next->file = spec_.file;
  next->name = spec_.name;
  next->interval_ms = interval_ms_;
  next->last_evaluation_ms = t_ms;
  next->evaluation_seconds = seconds;
  next->evaluations = evaluations_;
  next->iterations_missed = missed_;
  for (const Rule& rule : rules_) next->rules.push_back(rule.status);
  MutexLock lock(status_mu_);
  status_ = std::move(next);
}

void RuleGroup::count_missed(std::uint64_t count) {
  if (count == 0) return;
  missed_ += count;
  MutexLock lock(status_mu_);
  if (!status_) return;  // published with the first evaluation
  auto next = std::make_shared<GroupStatus>(*status_);
  next->iterations_missed = missed_;
  status_ = std::move(next);
}

std::shared_ptr<const GroupStatus> RuleGroup::status() const {
  MutexLock lock(status_mu_);
  return status_;
}

std::vector<std::pair<std::string, std::vector<Alert>>> RuleGroup::alert_states() const {
  std::vector<std::pair<std::string, std::vector<Alert>>> out;
  for (const Rule& rule : rules_) {
    if (rule.alerting) out.emplace_back(rule.alerting->spec().name, rule.alerting->all());
  }
  return out;
}

void RuleGroup::restore(const std::string& rule_name, std::vector<Alert> alerts) {
  for (Rule& rule : rules_) {
    if (rule.alerting && rule.alerting->spec().name == rule_name) {
      rule.alerting->restore(std::move(alerts));
      rule.status.state = rule.alerting->state();
      rule.status.alerts = rule.alerting->active();
      return;
    }
  }
}

}  // namespace vitals::rules
