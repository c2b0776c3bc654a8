// `vitals-agent check rules`: promtool's output on each stream and its exit codes.
#include "alerts/rules/check_rules.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/support/command_output.h"
#include "tests/support/temp_dir.h"

using vitals::rules::check_rules_command;
using vitals::testing::TempDir;

namespace {

const char* const kGood = R"(groups:
  - name: g
    rules:
      - alert: Down
        expr: up == 0
      - record: job:up:sum
        expr: sum by (job) (up)
)";

const char* const kBad = R"(groups:
  - name: g
    rules:
      - record: x
        expr: 'test +'
)";

// The same alert twice, with the same labels.
const char* const kDuplicates = R"(groups:
  - name: a
    rules:
      - alert: Down
        expr: up == 0
        labels: {severity: page}
  - name: b
    rules:
      - alert: Down
        expr: up == 0
        labels: {severity: page}
)";

using Run = vitals::testing::CommandOutput;

Run run(const std::vector<std::string>& args) {
  return vitals::testing::run_in_process(check_rules_command, args);
}

}  // namespace

TEST_CASE("a valid file prints SUCCESS with its rule count and exits 0") {
  TempDir dir;
  std::string file = dir.write_file("good.yml", kGood);
  Run r = run({file});
  CHECK(r.code == 0);
  CHECK(r.out == "Checking " + file + "\n  SUCCESS: 2 rules found\n\n");
  CHECK(r.err.empty());
}

TEST_CASE("an invalid file prints FAILED and each error with its place, and exits 1") {
  TempDir dir;
  std::string good = dir.write_file("good.yml", kGood);
  std::string bad = dir.write_file("bad.yml", kBad);
  Run r = run({bad, good});
  CHECK(r.code == 1);
  CHECK(r.out == "Checking " + bad + "\n\nChecking " + good + "\n  SUCCESS: 2 rules found\n\n");
  CHECK(r.err == "  FAILED:\n" + bad +
                     ":5:15: group \"g\", rule 1, \"x\": could not parse expression: 1:7: parse "
                     "error: unexpected end of input\n");
}

TEST_CASE("a missing file fails naming it") {
  TempDir dir;
  std::string missing = dir.file("missing.yml");
  Run r = run({missing});
  CHECK(r.code == 1);
  CHECK(r.err.starts_with("  FAILED:\ncannot read rule file \"" + missing + "\""));
}

TEST_CASE("duplicate rules fail the lint as promtool words it, without failing the command") {
  TempDir dir;
  std::string file = dir.write_file("dup.yml", kDuplicates);
  Run r = run({file});
  CHECK(r.code == 0);
  CHECK(r.out == "Checking " + file + "\n\n");
  CHECK(r.err ==
        "  FAILED:\nlint error 1 duplicate rule(s) found.\nMetric: Down\nLabel(s):\n"
        "\tseverity: page\nMight cause inconsistency while recording expressions\n");

  CHECK(run({"--lint-fatal", file}).code == 3);
  Run unlinted = run({"--lint=none", file});
  CHECK(unlinted.code == 0);
  CHECK(unlinted.out == "Checking " + file + "\n  SUCCESS: 2 rules found\n\n");
  CHECK(run({"--lint=all", "--lint-fatal", file}).code == 3);
}

TEST_CASE("errors outrank lint failures in the exit code") {
  TempDir dir;
  Run r = run(
      {"--lint-fatal", dir.write_file("dup.yml", kDuplicates), dir.write_file("bad.yml", kBad)});
  CHECK(r.code == 1);
}

TEST_CASE("an unknown flag or lint value is a usage error") {
  CHECK(run({"--strict", "x.yml"}).code == 2);
  Run r = run({"--lint=everything", "x.yml"});
  CHECK(r.code == 2);
  CHECK(r.err.find("usage: vitals-agent check rules") != std::string::npos);
}
