// promtool's rule unit-test file (`promtool test rules`): rule files to load, the evaluation
// interval, and test groups of input series with alert and PromQL expectations. Read strictly,
// as promtool reads it (an unknown key is an error), with file:line:col errors. Prometheus 3's
// additions (fuzzy_compare, start_timestamp, histogram samples) are read too.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vitals/common/error.h"

namespace vitals::unittest {

// `series` and `values` in the series notation (alerts/conformance/series_notation.h).
struct InputSeries {
  std::string series{};
  std::string values{};
  SourceLocation where{};
};

// Labels and annotations as written; the runner adds alertname.
struct ExpectedAlert {
  std::map<std::string, std::string> labels{};
  std::map<std::string, std::string> annotations{};
};

struct AlertTestCase {
  std::int64_t eval_time_ms = 0;
  std::string alertname{};  // empty when missing: an error once the group runs, as in promtool
  std::vector<ExpectedAlert> exp_alerts{};
};

struct ExpectedSample {
  std::string labels{};  // `metric{a="b"}`, `{a="b"}` or empty, parsed when the case runs
  double value = 0;
  std::string histogram{};  // a native histogram (Prometheus 3); set means `value` is unused
};

struct PromqlTestCase {
  std::string expr{};
  std::int64_t eval_time_ms = 0;
  std::vector<ExpectedSample> exp_samples{};
};

struct TestGroup {
  std::string name{};
  std::int64_t interval_ms = 0;  // 0: the file's evaluation_interval (Prometheus 3's default)
  std::int64_t start_ms = 0;     // start_timestamp: time 0 of the group, Unix milliseconds
  std::vector<InputSeries> input_series{};
  std::vector<AlertTestCase> alert_rule_tests{};
  std::vector<PromqlTestCase> promql_expr_tests{};
  std::map<std::string, std::string> external_labels{};
  std::string external_url{};
};

struct UnitTestFile {
  std::string path{};                     // as given
  std::vector<std::string> rule_files{};  // as written: relative to the test file, globs allowed
  std::int64_t evaluation_interval_ms = 60'000;
  std::vector<std::string> group_eval_order{};
  bool fuzzy_compare = false;
  std::vector<TestGroup> tests{};
};

// InvalidArgument with file:line:col for bad YAML, unknown keys, wrong types and bad durations.
Result<UnitTestFile> parse_unit_test_file(std::string_view text, const std::string& path);
// Reads `path` first: Unavailable (naming the path and the reason) when it cannot be read.
Result<UnitTestFile> load_unit_test_file(const std::string& path);

// `start_timestamp`: Unix seconds ("1609459200") or RFC 3339 ("2021-01-01T00:00:00Z",
// "2021-01-01T01:00:00.5+01:00"), as Unix milliseconds.
std::optional<std::int64_t> parse_start_timestamp(std::string_view text);

}  // namespace vitals::unittest
