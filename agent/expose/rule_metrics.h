// The rule engine's own series on /metrics, named after Prometheus' prometheus_rule_* ones so
// the same dashboards and alerts carry over: per group its last duration and evaluation time,
// evaluations and failed rule evaluations.
#pragma once

#include "agent/expose/exposition.h"
#include "alerts/rules/rule_group.h"

namespace vitals {

// vitals_rule_group_last_duration_seconds, vitals_rule_group_last_evaluation_timestamp_seconds,
// vitals_rule_group_interval_seconds, vitals_rule_group_rules (gauges) and
// vitals_rule_group_evaluations_total, vitals_rule_evaluation_failures_total (counters), each
// labelled rule_group="FILE;NAME" as Prometheus labels its own.
void write_rule_metrics(Exposition& out, const rules::GroupStatuses& groups);

}  // namespace vitals
