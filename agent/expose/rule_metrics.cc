#include "agent/expose/rule_metrics.h"

#include <functional>

namespace vitals {
namespace {

void family(Exposition& out, const rules::GroupStatuses& groups, const char* name, const char* type,
            const char* help, const std::function<double(const rules::GroupStatus&)>& value) {
  if (groups.empty()) return;
  out.family(name, type, help);
  for (const auto& group : groups) {
    out.sample(name, {{"rule_group", group->file + ";" + group->name}}, value(*group));
  }
}

}  // namespace

void write_rule_metrics(Exposition& out, const rules::GroupStatuses& groups) {
  family(out, groups, "vitals_rule_group_last_duration_seconds", "gauge",
         "How long the group's last evaluation took.",
         [](const rules::GroupStatus& g) { return g.evaluation_seconds; });
  family(
      out, groups, "vitals_rule_group_last_evaluation_timestamp_seconds", "gauge",
      "When the group was last evaluated, in Unix seconds; 0 before its first evaluation.",
      [](const rules::GroupStatus& g) { return static_cast<double>(g.last_evaluation_ms) / 1000; });
  family(out, groups, "vitals_rule_group_interval_seconds", "gauge",
         "The group's evaluation interval.",
         [](const rules::GroupStatus& g) { return static_cast<double>(g.interval_ms) / 1000; });
  family(out, groups, "vitals_rule_group_rules", "gauge", "Rules in the group.",
         [](const rules::GroupStatus& g) { return static_cast<double>(g.rules.size()); });
  family(out, groups, "vitals_rule_group_evaluations_total", "counter",
         "Evaluations of the group since the agent started.",
         [](const rules::GroupStatus& g) { return static_cast<double>(g.evaluations); });
  family(out, groups, "vitals_rule_group_iterations_missed_total", "counter",
         "Scheduled evaluations of the group skipped because an earlier one ran late.",
         [](const rules::GroupStatus& g) { return static_cast<double>(g.iterations_missed); });
  family(out, groups, "vitals_rule_evaluation_failures_total", "counter",
         "Rule evaluations of the group that failed since the agent started.",
         [](const rules::GroupStatus& g) {
           double failures = 0;
           for (const rules::RuleStatus& rule : g.rules)
             failures += static_cast<double>(rule.failures);
           return failures;
         });
}

}  // namespace vitals
