// One alerting rule's alerts and their states, as the Alert Generator Compliance Specification
// 1.0 and Prometheus' rules/alerting.go keep them: each sample of the rule's query is an alert
// identified by its labels (the sample's, __name__ dropped, the rule's templated labels over
// them, alertname last); inactive -> pending -> firing after `for`; firing kept for
// `keep_firing_for` after the query stops returning it; resolved alerts kept 15 minutes so their
// resolution is sent. Times are Unix milliseconds, passed in: the rule has no clock.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agent/store/label_set.h"
#include "alerts/promql/engine.h"
#include "alerts/template/template.h"
#include "vitals/common/error.h"

namespace vitals::rules {

enum class AlertState : std::uint8_t { Inactive, Pending, Firing };
std::string_view to_string(AlertState state);  // "inactive", "pending", "firing"

struct Alert {
  LabelPairs labels{};       // sorted; alertname included
  LabelPairs annotations{};  // sorted by name
  double value = 0;
  AlertState state = AlertState::Pending;
  std::int64_t active_at_ms = 0;
  std::int64_t fired_at_ms = 0;           // 0 until firing
  std::int64_t resolved_at_ms = 0;        // 0 until inactive
  std::int64_t last_sent_at_ms = 0;       // 0 until sent
  std::int64_t keep_firing_since_ms = 0;  // 0 unless kept firing by keep_firing_for
  std::int64_t valid_until_ms = 0;        // endsAt of a firing alert as last sent
};

// What templates may read besides the sample: Prometheus' $externalLabels and $externalURL.
struct TemplateContext {
  std::map<std::string, std::string> external_labels{};
  std::string external_url{};
};

struct AlertingRuleSpec {
  std::string name{};  // alertname
  std::string expr{};  // as written
  std::int64_t for_ms = 0;
  std::int64_t keep_firing_for_ms = 0;
  std::map<std::string, std::string> labels{};       // templates
  std::map<std::string, std::string> annotations{};  // templates
};

// Not thread-safe: the rule group evaluates it, and readers get copies (alerts()).
class AlertingRule {
 public:
  static constexpr std::int64_t kResolvedRetentionMs = 15 * 60 * 1000;

  explicit AlertingRule(AlertingRuleSpec spec);
  const AlertingRuleSpec& spec() const { return spec_; }

  // One evaluation at `t_ms` from the query's result: alerts made or updated, states moved on.
  // Returns the ALERTS and ALERTS_FOR_STATE samples of the active alerts, to append at t_ms.
  // Two samples giving one label set is an error, and then nothing changes.
  Result<promql::Vector> eval(const promql::Vector& result, std::int64_t t_ms,
                              const TemplateContext& context);

  // The alerts to send after the evaluation at `t_ms` (firing ones first sent or due again,
  // resolved ones until they are 15 minutes old), each marked sent; `endsAt` of a firing alert
  // is t + 4 x max(resend_delay, interval).
  std::vector<Alert> take_due(std::int64_t t_ms, std::int64_t resend_delay_ms,
                              std::int64_t interval_ms);

  // Pending and firing alerts, sorted by labels; resolved ones are left out.
  std::vector<Alert> active() const;
  // Every alert kept, resolved ones included (for the state store).
  std::vector<Alert> all() const;
  // Puts back alerts kept across a restart (see AlertStateStore).
  void restore(std::vector<Alert> alerts);
  AlertState state() const;  // the rule's: firing if any alert fires, else pending if any is

 private:
  using Templates = std::vector<std::pair<std::string, alert_template::AlertTemplate>>;

  AlertingRuleSpec spec_;
  Templates label_templates_;  // parsed once
  Templates annotation_templates_;
  std::map<std::string, Alert> alerts_;  // by label key
};

}  // namespace vitals::rules
