// `vitals-agent test rules`: promtool's lines on each stream, and its exit codes.
#include "alerts/unittest/test_rules_command.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/support/command_output.h"
#include "tests/support/temp_dir.h"

using vitals::testing::TempDir;
using vitals::unittest::test_rules_command;

namespace {

using Run = vitals::testing::CommandOutput;

Run run(const std::vector<std::string>& args) {
  return vitals::testing::run_in_process(test_rules_command, args);
}

const char* const kPassing = R"(tests:
  - promql_expr_test:
      - expr: vector(1)
        exp_samples: [{value: 1}]
)";

const char* const kFailing = R"(tests:
  - interval: 1m
    name: Failing test
    input_series:
      - series: test
        values: '0'
    promql_expr_test:
      - expr: test
        eval_time: 0m
        exp_samples:
          - value: 1
            labels: test
    alert_rule_test:
      - eval_time: 0m
        alertname: Test
        exp_alerts:
          - exp_labels: {}
)";

}  // namespace

TEST_CASE("a passing file prints SUCCESS and exits 0") {
  TempDir dir;
  const std::string file = dir.write_file("pass.yml", kPassing);
  Run r = run({file});
  CHECK(r.code == 0);
  CHECK(r.out == "Unit Testing:  " + file + "\n  SUCCESS\n\n");
  CHECK(r.err.empty());
}

TEST_CASE("a failing file prints FAILED and each failure, and exits 1") {
  TempDir dir;
  const std::string file = dir.write_file("fail.yml", kFailing);
  Run r = run({file});
  CHECK(r.code == 1);
  // promtool prints the blank line after each failure on stdout, the failures on stderr.
  CHECK(r.out == "Unit Testing:  " + file + "\n\n\n\n");
  CHECK(r.err ==
        "  FAILED:\n"
        "    name: Failing test,\n"
        "    alertname: Test, time: 0s, \n"
        "        exp:[\n"
        "            0:\n"
        "              Labels:{alertname=\"Test\"}\n"
        "              Annotations:{}\n"
        "            ], \n"
        "        got:[]\n"
        "    expr: \"test\", time: 0s,\n"
        "        exp: {__name__=\"test\"} 1E+00\n"
        "        got: {__name__=\"test\"} 0E+00\n");
}

TEST_CASE("several files run in order and one failure fails the run") {
  TempDir dir;
  const std::string pass = dir.write_file("pass.yml", kPassing);
  const std::string fail = dir.write_file("fail.yml", kFailing);
  Run r = run({fail, pass});
  CHECK(r.code == 1);
  CHECK(r.out.find("Unit Testing:  " + pass + "\n  SUCCESS\n") != std::string::npos);
  CHECK(r.out.starts_with("Unit Testing:  " + fail + "\n"));
  CHECK(run({pass, pass}).code == 0);
}

TEST_CASE("an unreadable or malformed test file is a failure of that file") {
  TempDir dir;
  const std::string rules = dir.write_file("rules.yml", "groups: []\n");
  Run r = run({rules});
  CHECK(r.code == 1);
  CHECK(r.err == "  FAILED:\n" + rules + ":1:1: unknown key \"groups\" at top level\n");
}

TEST_CASE("missing files and bad arguments exit 1 before any file runs, as promtool does") {
  TempDir dir;
  const std::string pass = dir.write_file("pass.yml", kPassing);
  Run missing = run({pass, dir.file("missing.yml")});
  CHECK(missing.code == 1);
  CHECK(missing.out.empty());
  CHECK(missing.err.starts_with("vitals-agent: error: path '" + dir.file("missing.yml") +
                                "' does not exist\n"));
  CHECK(run({dir.path().string()}).code == 1);
  CHECK(run({}).code == 1);
  CHECK(run({"--bogus", pass}).code == 1);
  CHECK(run({"--run", "(", pass}).code == 1);
  CHECK(run({"--run"}).code == 1);
}

TEST_CASE("--run may be given more than once") {
  TempDir dir;
  const std::string file = dir.write_file("t.yml", R"(tests:
  - name: one
    promql_expr_test: [{expr: vector(1), exp_samples: [{value: 1}]}]
  - name: two
    promql_expr_test: [{expr: vector(1), exp_samples: [{value: 1}]}]
  - name: three
    promql_expr_test: [{expr: vector(1), exp_samples: [{value: 3}]}]
)");
  CHECK(run({file}).code == 1);
  CHECK(run({"--run=one", "--run", "two", file}).code == 0);
}
