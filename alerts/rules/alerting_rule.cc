#include "alerts/rules/alerting_rule.h"

#include <algorithm>

#include "alerts/promql/evaluator.h"

namespace vitals::rules {
namespace {

using promql::detail::label_key;
using promql::detail::set_label;

// Unlike labels, an annotation that expands to "" is kept, as Prometheus keeps it (promtool's
// exp_annotations must list it).
LabelPairs sorted(std::map<std::string, std::string> values) {
  LabelPairs out;
  for (auto& [name, value] : values) out.push_back({name, std::move(value)});
  return out;
}

promql::Sample series_sample(const Alert& alert, const char* name, double value, bool with_state) {
  LabelPairs labels = alert.labels;
  set_label(labels, "__name__", name);
  if (with_state) set_label(labels, "alertstate", to_string(alert.state));
  return promql::Sample{.labels = std::move(labels), .value = value};
}

}  // namespace

std::string_view to_string(AlertState state) {
  switch (state) {
    case AlertState::Inactive:
      return "inactive";
    case AlertState::Pending:
      return "pending";
    case AlertState::Firing:
      return "firing";
  }
  return "inactive";
}

AlertingRule::AlertingRule(AlertingRuleSpec spec) : spec_(std::move(spec)) {
  for (const auto& [name, text] : spec_.labels) {
    label_templates_.emplace_back(name, alert_template::AlertTemplate(spec_.name, text));
  }
  for (const auto& [name, text] : spec_.annotations) {
    annotation_templates_.emplace_back(name, alert_template::AlertTemplate(spec_.name, text));
  }
}

Result<promql::Vector> AlertingRule::eval(const promql::Vector& result, std::int64_t t_ms,
                                          const TemplateContext& context) {
  // Steps 1-3: each sample is an alert, labelled by its own labels, the templates and alertname.
  std::map<std::string, Alert> seen;
  for (const promql::Sample& sample : result) {
    alert_template::TemplateData data;
    for (const LabelPair& label : sample.labels) data.labels[label.name] = label.value;
    data.value = sample.value;
    data.external_labels = context.external_labels;
    data.external_url = context.external_url;
    Alert alert{.value = sample.value, .active_at_ms = t_ms};
    alert.labels = sample.labels;
    promql::detail::drop_label(alert.labels, "__name__");
    for (const auto& [name, templ] : label_templates_) {
      set_label(alert.labels, name, templ.expand(data));
    }
    set_label(alert.labels, "alertname", spec_.name);
    std::map<std::string, std::string> annotations;
    for (const auto& [name, templ] : annotation_templates_) annotations[name] = templ.expand(data);
    alert.annotations = sorted(std::move(annotations));
    if (!seen.emplace(label_key(alert.labels), std::move(alert)).second) {
      return make_error(ErrorCode::InvalidArgument,
                        "vector contains metrics with the same labelset after applying alert "
                        "labels");
    }
  }
  // A returning alert keeps its state and takes the new value and annotations; a resolved one
  // seen again starts over.
  for (auto& [key, alert] : seen) {
    auto existing = alerts_.find(key);
    if (existing != alerts_.end() && existing->second.state != AlertState::Inactive) {
      existing->second.value = alert.value;
      existing->second.annotations = std::move(alert.annotations);
      continue;
    }
    alerts_[key] = std::move(alert);
  }
  promql::Vector series;
  for (auto it = alerts_.begin(); it != alerts_.end();) {
    Alert& alert = it->second;
    if (!seen.contains(it->first)) {
      bool keep_firing = false;
      if (alert.state == AlertState::Firing && spec_.keep_firing_for_ms > 0) {
        if (alert.keep_firing_since_ms == 0) alert.keep_firing_since_ms = t_ms;
        keep_firing = t_ms - alert.keep_firing_since_ms < spec_.keep_firing_for_ms;
      }
      const bool expired =
          alert.state == AlertState::Pending ||
          (alert.resolved_at_ms != 0 && t_ms - alert.resolved_at_ms > kResolvedRetentionMs);
      if (alert.state != AlertState::Inactive && !keep_firing) {
        alert.state = AlertState::Inactive;
        alert.resolved_at_ms = t_ms;
      }
      if (expired) {
        it = alerts_.erase(it);
        continue;
      }
      if (!keep_firing) {
        ++it;
        continue;
      }
    } else {
      alert.keep_firing_since_ms = 0;
    }
    if (alert.state == AlertState::Pending && t_ms - alert.active_at_ms >= spec_.for_ms) {
      alert.state = AlertState::Firing;
      alert.fired_at_ms = t_ms;
    }
    series.push_back(series_sample(alert, "ALERTS", 1, true));
    series.push_back(series_sample(alert, "ALERTS_FOR_STATE",
                                   static_cast<double>(alert.active_at_ms / 1000), false));
    ++it;
  }
  return series;
}

std::vector<Alert> AlertingRule::take_due(std::int64_t t_ms, std::int64_t resend_delay_ms,
                                          std::int64_t interval_ms) {
  std::vector<Alert> due;
  for (auto& [key, alert] : alerts_) {
    if (alert.state == AlertState::Pending) continue;
    const bool resolved_since_sent = alert.resolved_at_ms > alert.last_sent_at_ms;
    if (!resolved_since_sent && alert.last_sent_at_ms + resend_delay_ms >= t_ms &&
        alert.last_sent_at_ms != 0) {
      continue;
    }
    alert.last_sent_at_ms = t_ms;
    alert.valid_until_ms = t_ms + 4 * std::max(resend_delay_ms, interval_ms);
    due.push_back(alert);
  }
  return due;
}

std::vector<Alert> AlertingRule::active() const {
  std::vector<Alert> out;
  for (const auto& [key, alert] : alerts_) {
    if (alert.state != AlertState::Inactive) out.push_back(alert);
  }
  return out;
}

std::vector<Alert> AlertingRule::all() const {
  std::vector<Alert> out;
  for (const auto& [key, alert] : alerts_) out.push_back(alert);
  return out;
}

void AlertingRule::restore(std::vector<Alert> alerts) {
  for (Alert& alert : alerts) alerts_[label_key(alert.labels)] = std::move(alert);
}

AlertState AlertingRule::state() const {
  AlertState state = AlertState::Inactive;
  for (const auto& [key, alert] : alerts_) {
    if (alert.state == AlertState::Firing) return AlertState::Firing;
    if (alert.state == AlertState::Pending) state = AlertState::Pending;
  }
  return state;
}

}  // namespace vitals::rules
