// The unit-test file reader: every field promtool reads, its defaults, and errors with places.
#include "alerts/unittest/test_file.h"

#include <doctest/doctest.h>

#include <cmath>

#include "tests/support/why.h"

using vitals::unittest::parse_start_timestamp;
using vitals::unittest::parse_unit_test_file;

TEST_CASE("a test file is read with every field promtool knows") {
  auto file = parse_unit_test_file(R"(
rule_files: [rules.yml, "more/*.yml"]
evaluation_interval: 30s
group_eval_order: [b, a]
fuzzy_compare: true
tests:
  - name: first
    interval: 1m
    external_labels: {cluster: eu1}
    external_url: https://vitals.example
    input_series:
      - series: 'up{job="api"}'
        values: 0x10
      - series: test
        values: 1
    alert_rule_test:
      - eval_time: 10m
        alertname: Down
        exp_alerts:
          - exp_labels: {job: api}
            exp_annotations: {summary: "api is down"}
          - {}
    promql_expr_test:
      - expr: up
        eval_time: 1h30m
        exp_samples:
          - labels: 'up{job="api"}'
            value: 1.5e3
          - value: .nan
  - {}
)",
                                   "t.yml");
  REQUIRE_MESSAGE(file, vitals::testing::why(file));
  CHECK(file->path == "t.yml");
  CHECK(file->rule_files == std::vector<std::string>{"rules.yml", "more/*.yml"});
  CHECK(file->evaluation_interval_ms == 30'000);
  CHECK(file->group_eval_order == std::vector<std::string>{"b", "a"});
  CHECK(file->fuzzy_compare);
  REQUIRE(file->tests.size() == 2);
  const auto& group = file->tests[0];
  CHECK(group.name == "first");
  CHECK(group.interval_ms == 60'000);
  CHECK(group.external_labels.at("cluster") == "eu1");
  CHECK(group.external_url == "https://vitals.example");
  REQUIRE(group.input_series.size() == 2);
  CHECK(group.input_series[0].series == R"(up{job="api"})");
  CHECK(group.input_series[0].values == "0x10");
  CHECK(group.input_series[1].values == "1");
  CHECK(group.input_series[1].where.line == 14);
  REQUIRE(group.alert_rule_tests.size() == 1);
  CHECK(group.alert_rule_tests[0].eval_time_ms == 600'000);
  CHECK(group.alert_rule_tests[0].alertname == "Down");
  REQUIRE(group.alert_rule_tests[0].exp_alerts.size() == 2);
  CHECK(group.alert_rule_tests[0].exp_alerts[0].labels.at("job") == "api");
  CHECK(group.alert_rule_tests[0].exp_alerts[0].annotations.at("summary") == "api is down");
  CHECK(group.alert_rule_tests[0].exp_alerts[1].labels.empty());
  REQUIRE(group.promql_expr_tests.size() == 1);
  CHECK(group.promql_expr_tests[0].eval_time_ms == 5'400'000);
  REQUIRE(group.promql_expr_tests[0].exp_samples.size() == 2);
  CHECK(group.promql_expr_tests[0].exp_samples[0].value == 1500);
  CHECK(std::isnan(group.promql_expr_tests[0].exp_samples[1].value));
  CHECK(group.promql_expr_tests[0].exp_samples[1].labels.empty());
  // An empty test group keeps every default: the interval comes from the file when it runs.
  CHECK(file->tests[1].interval_ms == 0);
  CHECK(file->tests[1].start_ms == 0);
}

TEST_CASE("an empty test file has promtool's defaults") {
  auto file = parse_unit_test_file("", "t.yml");
  REQUIRE_MESSAGE(file, vitals::testing::why(file));
  CHECK(file->evaluation_interval_ms == 60'000);
  CHECK(file->tests.empty());
  CHECK_FALSE(file->fuzzy_compare);
}

TEST_CASE("a rule file given as a test file is refused at its groups key") {
  auto file = parse_unit_test_file("# rules\ngroups:\n  - name: g\n    rules: []\n", "rules.yml");
  REQUIRE_FALSE(file);
  CHECK(to_string(file.error()) == "rules.yml:2:1: unknown key \"groups\" at top level");
}

TEST_CASE("unknown keys, bad durations and bad numbers are errors at their place") {
  auto unknown = parse_unit_test_file(
      "tests:\n  - input_series:\n      - series: a\n        "
      "value: 1\n",
      "t.yml");
  REQUIRE_FALSE(unknown);
  CHECK(to_string(unknown.error()) ==
        "t.yml:4:9: unknown key \"value\" in tests[0].input_series[0]");

  auto duration = parse_unit_test_file("evaluation_interval: 5 minutes\n", "t.yml");
  REQUIRE_FALSE(duration);
  CHECK(to_string(duration.error())
            .starts_with("t.yml:1:22: evaluation_interval: expected a "
                         "duration"));

  auto value = parse_unit_test_file(
      "tests:\n  - promql_expr_test:\n      - expr: up\n        exp_samples:\n"
      "          - value: one\n",
      "t.yml");
  REQUIRE_FALSE(value);
  CHECK(to_string(value.error()).starts_with("t.yml:5:20: "));

  auto yaml = parse_unit_test_file("tests: [\n", "t.yml");
  REQUIRE_FALSE(yaml);
  CHECK(to_string(yaml.error()).starts_with("t.yml:2:1: invalid YAML"));
}

TEST_CASE("start_timestamp takes Unix seconds or RFC 3339") {
  CHECK(parse_start_timestamp("1609459200") == 1'609'459'200'000);
  CHECK(parse_start_timestamp("2024-01-01T00:00:00Z") == 1'704'067'200'000);
  CHECK(parse_start_timestamp("2024-01-01T01:00:00.25+01:00") == 1'704'067'200'250);
  CHECK(parse_start_timestamp("1970-01-01T00:00:00-00:30") == 1'800'000);
  CHECK_FALSE(parse_start_timestamp("2024-01-01"));
  CHECK_FALSE(parse_start_timestamp("yesterday"));
  CHECK_FALSE(parse_start_timestamp(""));

  auto file =
      parse_unit_test_file("tests:\n  - start_timestamp: 10\n  - start_timestamp: soon\n", "t.yml");
  REQUIRE_FALSE(file);
  CHECK(to_string(file.error())
            .starts_with("t.yml:3:22: tests[1].start_timestamp: expected Unix "
                         "seconds or an RFC 3339 time"));
}

TEST_CASE("a test file that cannot be read names the path and the reason") {
  auto file = vitals::unittest::load_unit_test_file("/nonexistent/t.yml");
  REQUIRE_FALSE(file);
  CHECK(to_string(file.error()) == "open /nonexistent/t.yml: No such file or directory");
}
