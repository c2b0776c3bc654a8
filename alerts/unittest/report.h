// promtool's text for unit-test failures, so a person or a script that reads `promtool test
// rules` reads ours the same: label sets as Prometheus prints them, floats in Go's %E form,
// durations in Prometheus' and Go's spellings, and the indented exp/got blocks.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "agent/store/label_set.h"

namespace vitals::unittest {

// One firing alert as the test sees it; ordered by labels, then annotations.
struct AlertView {
  LabelPairs labels{};  // sorted; alertname included
  LabelPairs annotations{};

  auto operator<=>(const AlertView&) const = default;
};

// One element of a query's result, or an expected one.
struct SampleView {
  LabelPairs labels{};  // sorted
  double value = 0;
};

// Prometheus' labels.String(): `{alertname="Test", job="x"}`, values Go-quoted, names quoted only
// when they are not [a-zA-Z_][a-zA-Z0-9_]*; `{}` when empty.
std::string format_labels(const LabelPairs& labels);
// Go's strconv.FormatFloat(v, 'E', -1, 64): "1E+00", "1.6666666666666666E-02", "+Inf", "NaN".
std::string format_float_e(double value);
// Prefixes every line but the first with `indent`.
std::string indent_lines(std::string_view text, std::string_view indent);

// "[]", or "[\n0:\n  Labels:{…}\n  Annotations:{…},\n1:…\n]".
std::string format_alerts(const std::vector<AlertView>& alerts);
// `{…} 1E+00, {…} 2E+00`, or "nil".
std::string format_samples(const std::vector<SampleView>& samples);

// The failure texts, each one of promtool's errors (several lines, no trailing newline).
// `group` is the test group's name (may be empty); times are from the test's start.
std::string alert_mismatch(const std::string& group, const std::string& alertname,
                           std::int64_t eval_time_ms, const std::vector<AlertView>& expected,
                           const std::vector<AlertView>& got);
std::string sample_mismatch(const std::string& expr, std::int64_t eval_time_ms,
                            const std::vector<SampleView>& expected,
                            const std::vector<SampleView>& got);
std::string query_error(const std::string& expr, std::int64_t eval_time_ms,
                        const std::string& message);
std::string rule_error(const std::string& rule, std::int64_t t_ms, const std::string& message);
std::string missing_alertname(const std::string& group, std::int64_t eval_time_ms);

}  // namespace vitals::unittest
