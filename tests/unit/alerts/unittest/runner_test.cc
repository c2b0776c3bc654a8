// The unit-test runner on small inline files: alerts with `for`, PromQL expectations, external
// labels, evaluation order, lazily loaded input series, and promtool's failure texts. The
// expected results were checked against promtool (Prometheus 2.42) where it runs the file.
#include "alerts/unittest/runner.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "tests/support/temp_dir.h"

using vitals::testing::TempDir;
using vitals::unittest::FileResult;
using vitals::unittest::run_test_file;

namespace {

const char* const kRules = R"(groups:
  - name: alerts
    rules:
      - alert: InstanceDown
        expr: up == 0
        for: 5m
        labels:
          severity: page
        annotations:
          summary: "Instance {{ $labels.instance }} down"
      - alert: AlwaysFiring
        expr: 1
  - name: records
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
)";

// Writes rules.yml and t.yml into `dir` and runs t.yml.
FileResult run_with(const TempDir& dir, const char* rules, const std::string& test) {
  dir.write_file("rules.yml", rules);
  return run_test_file(dir.write_file("t.yml", test));
}

std::string joined(const FileResult& result) {
  std::string out;
  for (const std::string& failure : result.failures) out += failure + "\n---\n";
  return out;
}

}  // namespace

TEST_CASE("an alert with for fires once for has passed, with the sample's and rule's labels") {
  TempDir dir;
  FileResult result = run_with(dir, kRules, R"(
rule_files: [rules.yml]
tests:
  - interval: 1m
    input_series:
      - series: 'up{job="api", instance="a:1"}'
        values: 1 0x10
    alert_rule_test:
      - eval_time: 5m
        alertname: InstanceDown
        exp_alerts: []
      - eval_time: 6m
        alertname: InstanceDown
        exp_alerts:
          - exp_labels: {severity: page, job: api, instance: "a:1"}
            exp_annotations: {summary: "Instance a:1 down"}
      - eval_time: 0m
        alertname: AlwaysFiring
        exp_alerts:
          - {}
)");
  CHECK_MESSAGE(result.failures.empty(), joined(result));
  CHECK(result.warnings.empty());
}

TEST_CASE("a failing alert test reports promtool's text, with the test group's name") {
  TempDir dir;
  FileResult result = run_with(dir, kRules, R"(
rule_files: [rules.yml]
tests:
  - name: Failing alert test
    interval: 1m
    input_series:
      - series: 'up{job="test"}'
        values: 0x10
    alert_rule_test:
      - eval_time: 5m
        alertname: InstanceDown
        exp_alerts: []
)");
  REQUIRE(result.failures.size() == 1);
  CHECK(result.failures[0] ==
        "    name: Failing alert test,\n"
        "    alertname: InstanceDown, time: 5m, \n"
        "        exp:[], \n"
        "        got:[\n"
        "            0:\n"
        "              Labels:{alertname=\"InstanceDown\", job=\"test\", severity=\"page\"}\n"
        "              Annotations:{summary=\"Instance  down\"}\n"
        "            ]");
}

TEST_CASE("a promql_expr_test reads recorded series, scalars and timestamps") {
  TempDir dir;
  FileResult result = run_with(dir, kRules, R"(
rule_files: [rules.yml]
evaluation_interval: 1m
tests:
  - interval: 30s
    input_series:
      - series: 'up{job="api", instance="a"}'
        values: 1x20
      - series: 'up{job="api", instance="b"}'
        values: 1 1 0x20
    promql_expr_test:
      - expr: job:up:sum
        eval_time: 2m
        exp_samples:
          - labels: 'job:up:sum{job="api"}'
            value: 1
      - expr: timestamp(job:up:sum)
        eval_time: 2m50s
        exp_samples:
          - labels: '{job="api"}'
            value: 120
      - expr: scalar(sum(up))
        eval_time: 1m
        exp_samples:
          - value: 1
      - expr: up{instance="b"}
        eval_time: 0s
        exp_samples:
          - labels: 'up{job="api", instance="b"}'
            value: 2
)");
  REQUIRE(result.failures.size() == 1);
  CHECK(result.failures[0] ==
        "    expr: \"up{instance=\\\"b\\\"}\", time: 0s,\n"
        "        exp: {__name__=\"up\", instance=\"b\", job=\"api\"} 2E+00\n"
        "        got: {__name__=\"up\", instance=\"b\", job=\"api\"} 1E+00");
}

TEST_CASE("annotations read external labels and the external URL, and keep empty ones") {
  TempDir dir;
  FileResult result = run_with(dir, R"(groups:
  - name: g
    rules:
      - alert: Down
        expr: up == 0
        annotations:
          summary: "{{ $labels.job }} down in {{ $externalLabels.cluster }}"
          link: "{{ $externalURL }}/alerts"
          runbook: "{{ $labels.runbook }}"
)",
                               R"(
rule_files: [rules.yml]
tests:
  - external_labels: {cluster: eu1}
    external_url: https://vitals.example
    input_series:
      - series: 'up{job="api"}'
        values: 0
    alert_rule_test:
      - eval_time: 0s
        alertname: Down
        exp_alerts:
          - exp_labels: {job: api}
            exp_annotations:
              summary: api down in eu1
              link: https://vitals.example/alerts
              runbook: ""
)");
  CHECK_MESSAGE(result.failures.empty(), joined(result));
}

TEST_CASE("an alert with for: 10m is checked at 10m without waiting ten minutes") {
  TempDir dir;
  const auto start = std::chrono::steady_clock::now();
  FileResult result = run_with(dir, R"(groups:
  - name: g
    rules:
      - alert: Slow
        expr: latency_seconds > 1
        for: 10m
)",
                               R"(
rule_files: [rules.yml]
tests:
  - interval: 1m
    input_series:
      - series: latency_seconds
        values: 2x20
    alert_rule_test:
      - eval_time: 9m59s
        alertname: Slow
        exp_alerts: []
      - eval_time: 10m
        alertname: Slow
        exp_alerts: [{}]
)");
  CHECK_MESSAGE(result.failures.empty(), joined(result));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(30));
}

TEST_CASE("input samples are appended only as evaluation reaches them") {
  // A negative offset looks ahead, but only at what promtool's lazy loader has appended. (2m,
  // not 5m: a sample exactly one lookback back is in 2.x's window and out of 3.x's.)
  TempDir dir;
  FileResult result = run_with(dir, R"(groups:
  - name: g
    rules:
      - record: ahead
        expr: requests offset -2m
)",
                               R"(
rule_files: [rules.yml]
tests:
  - interval: 1m
    input_series:
      - series: requests
        values: 0+1x20
    promql_expr_test:
      - expr: ahead
        eval_time: 0m
        exp_samples: [{labels: ahead, value: 0}]
      - expr: ahead
        eval_time: 10m
        exp_samples: [{labels: ahead, value: 10}]
      - expr: requests offset -2m
        eval_time: 10m
        exp_samples: [{labels: requests, value: 10}]
)");
  CHECK_MESSAGE(result.failures.empty(), joined(result));
}

TEST_CASE("group_eval_order decides which group sees the other's output of the same step") {
  const char* rules = R"(groups:
  - name: b
    rules:
      - record: b_out
        expr: a_out + 1
  - name: a
    rules:
      - record: a_out
        expr: vector(time())
)";
  auto test = [](const char* order, int value) {
    return std::string("rule_files: [rules.yml]\ngroup_eval_order: ") + order +
           "\ntests:\n  - promql_expr_test:\n      - expr: b_out\n        eval_time: 2m\n"
           "        exp_samples: [{labels: b_out, value: " +
           std::to_string(value) + "}]\n";
  };
  TempDir dir;
  CHECK(run_with(dir, rules, test("[a, b]", 121)).failures.empty());
  CHECK(run_with(dir, rules, test("[b, a]", 61)).failures.empty());
  FileResult repeated = run_with(dir, rules, test("[a, a]", 0));
  REQUIRE(repeated.failures.size() == 1);
  CHECK(repeated.failures[0] == "group name repeated in evaluation order: a");
}

TEST_CASE("a rule that fails to evaluate stops the test group at that step") {
  TempDir dir;
  FileResult result = run_with(dir, R"(groups:
  - name: g
    rules:
      - record: joined
        expr: join_1 + on(a) join_2
)",
                               R"(
rule_files: [rules.yml]
tests:
  - input_series:
      - {series: 'join_1{a="1",b="2"}', values: 1}
      - {series: 'join_2{a="1",b="3"}', values: 2}
      - {series: 'join_2{a="1",b="4"}', values: 3}
    promql_expr_test:
      - expr: joined
        eval_time: 5m
)");
  REQUIRE(result.failures.size() == 1);
  CHECK(result.failures[0].starts_with("    rule: joined, time: 0s, err: "));
}

TEST_CASE("rule file problems and bad input series are reported for each test group") {
  TempDir dir;
  dir.write_file("rules.yml",
                 "groups:\n  - name: g\n    rules:\n      - record: x\n"
                 "        expr: 'test +'\n");
  FileResult bad_rules =
      run_test_file(dir.write_file("t.yml", "rule_files: [rules.yml]\ntests:\n  - {}\n  - {}\n"));
  REQUIRE(bad_rules.failures.size() == 2);
  CHECK(bad_rules.failures[0].starts_with(dir.file("rules.yml") + ":5:15: "));

  FileResult bad_series = run_test_file(dir.write_file(
      "s.yml", "tests:\n  - input_series:\n      - series: 'up{job=\"x\"'\n        values: 1\n"));
  REQUIRE(bad_series.failures.size() == 1);
  CHECK(bad_series.failures[0].starts_with(dir.file("s.yml") + ":3:9: input series "));

  FileResult no_name = run_test_file(dir.write_file(
      "n.yml", "tests:\n  - name: g\n    alert_rule_test:\n      - eval_time: 1m\n"));
  REQUIRE(no_name.failures.size() == 1);
  CHECK(no_name.failures[0] ==
        "an item under alert_rule_test misses required attribute alertname at eval_time 1m (in "
        "TestGroup g)");
}

TEST_CASE("a rule_files pattern that matches nothing is only a warning") {
  TempDir dir;
  FileResult result = run_test_file(dir.write_file("t.yml", R"(
rule_files: [missing.yml, "*.rules.yml"]
tests:
  - promql_expr_test:
      - expr: vector(1)
        exp_samples: [{value: 1}]
)"));
  CHECK_MESSAGE(result.failures.empty(), joined(result));
  REQUIRE(result.warnings.size() == 2);
  CHECK(result.warnings[0] == "  WARNING: no file match pattern " + dir.file("missing.yml"));
}

TEST_CASE("fuzzy_compare forgives the last bit of the mantissa and no more") {
  TempDir dir;
  auto test = [&](const char* fuzzy, const char* value) {
    return run_test_file(
        dir.write_file("t.yml", std::string("fuzzy_compare: ") + fuzzy +
                                    "\ntests:\n  - input_series: [{series: x, values: '" + value +
                                    "'}]\n    promql_expr_test:\n      - expr: x\n"
                                    "        exp_samples: [{labels: x, value: 3}]\n"));
  };
  CHECK(test("true", "3.0000000000000004").failures.empty());
  CHECK(test("true", "2.9999999999999996").failures.empty());
  CHECK(test("true", "3.0000000000000013").failures.size() == 1);
  CHECK(test("false", "3.0000000000000004").failures.size() == 1);
}

TEST_CASE("start_timestamp moves time 0 of a test group") {
  TempDir dir;
  FileResult result = run_test_file(dir.write_file("t.yml", R"(
tests:
  - start_timestamp: "2024-01-01T00:00:00Z"
    interval: 1m
    input_series:
      - series: 'm{l="x"}'
        values: 10+10x15
    promql_expr_test:
      - expr: time()
        eval_time: 5m
        exp_samples: [{value: 1704067500}]
      - expr: m @ 1704067320
        eval_time: 5m
        exp_samples: [{labels: 'm{l="x"}', value: 30}]
)"));
  CHECK_MESSAGE(result.failures.empty(), joined(result));
}

TEST_CASE("--run keeps only the test groups whose name matches") {
  TempDir dir;
  const std::string path = dir.write_file("t.yml", R"(
tests:
  - name: correct test
    promql_expr_test: [{expr: vector(1), exp_samples: [{value: 1}]}]
  - name: wrong test
    promql_expr_test: [{expr: vector(1), exp_samples: [{value: 2}]}]
)");
  CHECK(run_test_file(path).failures.size() == 1);
  CHECK(run_test_file(path, {.run_pattern = "correct"}).failures.empty());
  CHECK(run_test_file(path, {.run_pattern = "^wrong"}).failures.size() == 1);
}

TEST_CASE("native histograms are refused with a reason, not misread") {
  TempDir dir;
  FileResult result = run_test_file(dir.write_file("t.yml", R"(
tests:
  - input_series:
      - series: h
        values: '{{sum:3 count:2 buckets:[2]}}x2'
)"));
  REQUIRE(result.failures.size() == 1);
  CHECK(result.failures[0].find("native histograms are not supported") != std::string::npos);
}
