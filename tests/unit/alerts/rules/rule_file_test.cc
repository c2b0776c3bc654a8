// Reading rule files: what a group and its rules hold, the YAML's shape (unknown keys, wrong
// types, syntax errors) with their places, and the two result forms.
#include "alerts/rules/rule_file.h"

#include <doctest/doctest.h>

#include "tests/support/temp_dir.h"
#include "tests/support/why.h"
#include "tests/unit/alerts/rules/rule_test_support.h"

using vitals::ErrorCode;
using vitals::testing::one_rule;
using vitals::testing::rule_error;
using vitals::testing::rule_errors;
using vitals::testing::why;
namespace rules = vitals::rules;

TEST_CASE("a group's settings and its rules are read with their values and places") {
  auto groups = rules::parse_rule_file(R"(groups:
  - name: cards
    interval: 1m
    query_offset: 30s
    limit: 10
    labels: {team: cards}
    rules:
      - alert: DeclinesHigh
        expr: rate(declines_total[5m]) > 0.1
        for: 5m
        keep_firing_for: 1h30m
        labels:
          severity: page
        annotations:
          summary: "declines at {{ $value }}"
      - record: job:declines:rate5m
        expr: sum by (job) (rate(declines_total[5m]))
        labels: {source: rules}
)",
                                       "cards.yml");
  REQUIRE_MESSAGE(groups, why(groups));
  REQUIRE(groups->size() == 1);
  const rules::GroupSpec& group = groups->front();
  CHECK(group.file == "cards.yml");
  CHECK(group.name == "cards");
  CHECK(group.interval_ms == 60'000);
  CHECK(group.query_offset_ms == 30'000);
  CHECK(group.limit == 10);
  CHECK(group.labels == std::map<std::string, std::string>{{"team", "cards"}});
  CHECK(group.where.line == 2);
  REQUIRE(group.rules.size() == 2);

  const auto& alert = std::get<rules::AlertingRuleSpec>(group.rules[0].rule);
  CHECK(alert.name == "DeclinesHigh");
  CHECK(alert.expr == "rate(declines_total[5m]) > 0.1");
  CHECK(alert.for_ms == 300'000);
  CHECK(alert.keep_firing_for_ms == 5'400'000);
  CHECK(alert.labels == std::map<std::string, std::string>{{"severity", "page"}});
  CHECK(alert.annotations.at("summary") == "declines at {{ $value }}");
  CHECK(group.rules[0].parsed != nullptr);
  CHECK(group.rules[0].where.file == "cards.yml");
  CHECK(group.rules[0].where.line == 8);
  CHECK(group.rules[0].where.column == 9);

  const auto& record = std::get<rules::RecordingRuleSpec>(group.rules[1].rule);
  CHECK(record.record == "job:declines:rate5m");
  CHECK(record.expr == "sum by (job) (rate(declines_total[5m]))");
  CHECK(record.labels == std::map<std::string, std::string>{{"source", "rules"}});
  CHECK(group.rules[1].parsed != nullptr);
  CHECK(group.rules[1].where.line == 16);
  CHECK(rules::rule_name(group.rules[1]) == "job:declines:rate5m");
  CHECK(rules::rule_labels(group.rules[0]).at("severity") == "page");
}

TEST_CASE("unset group settings keep their defaults") {
  auto groups = rules::parse_rule_file(one_rule("      - record: a\n        expr: b\n"), "r.yml");
  REQUIRE_MESSAGE(groups, why(groups));
  CHECK(groups->front().interval_ms == 0);
  CHECK(groups->front().query_offset_ms == 0);
  CHECK(groups->front().limit == 0);
  CHECK(groups->front().labels.empty());
}

TEST_CASE("an empty file, an empty groups list and a group without rules are valid") {
  for (const char* text : {"", "# only a comment\n", "groups:\n", "groups: []\n"}) {
    auto groups = rules::parse_rule_file(text, "r.yml");
    REQUIRE_MESSAGE(groups, why(groups));
    CHECK(groups->empty());
  }
  auto groups = rules::parse_rule_file("groups:\n  - name: empty\n", "r.yml");
  REQUIRE_MESSAGE(groups, why(groups));
  REQUIRE(groups->size() == 1);
  CHECK(groups->front().rules.empty());
}

TEST_CASE("a negative limit means no limit, as in Prometheus") {
  auto groups = rules::parse_rule_file("groups:\n  - name: g\n    limit: -1\n", "r.yml");
  REQUIRE_MESSAGE(groups, why(groups));
  CHECK(groups->front().limit == 0);
  CHECK(rule_error("groups:\n  - name: g\n    limit: many\n") ==
        "rules.yml:3:12: groups[0].limit: expected an integer, got \"many\"");
}

TEST_CASE("durations take Prometheus' units, largest first") {
  auto groups = rules::parse_rule_file(
      "groups:\n  - name: g\n    interval: 1d\n    query_offset: 500ms\n  - name: h\n"
      "    interval: 1w\n  - name: i\n    interval: 1y\n  - name: j\n    interval: 0s\n"
      "  - name: k\n    interval: 0\n",
      "r.yml");
  REQUIRE_MESSAGE(groups, why(groups));
  CHECK((*groups)[0].interval_ms == 86'400'000);
  CHECK((*groups)[0].query_offset_ms == 500);
  CHECK((*groups)[1].interval_ms == 7 * 86'400'000LL);
  CHECK((*groups)[2].interval_ms == 365 * 86'400'000LL);
  CHECK((*groups)[3].interval_ms == 0);
  CHECK((*groups)[4].interval_ms == 0);
  CHECK(rule_error("groups:\n  - name: g\n    interval: 30\n") ==
        "rules.yml:3:15: groups[0].interval: expected a duration like 15s, got \"30\"");
  CHECK(rule_error("groups:\n  - name: g\n    interval: 1m1h\n") ==
        "rules.yml:3:15: groups[0].interval: expected a duration like 15s, got \"1m1h\"");
}

TEST_CASE("an unknown key is refused at the key, as Prometheus' strict decoding does") {
  CHECK(rule_error(one_rule("      - alert: a\n        expr: b\n        annotation: {}\n")) ==
        "rules.yml:6:9: unknown key \"annotation\" in groups[0].rules[0]");
  CHECK(rule_error("groups:\n  - name: g\n    namespace: x\n") ==
        "rules.yml:3:5: unknown key \"namespace\" in groups[0]");
  CHECK(rule_error("rule_files: [a.yml]\ntests: []\n") ==
        "rules.yml:1:1: unknown key \"rule_files\" at top level");
}

TEST_CASE("a value of the wrong type is refused at the value") {
  CHECK(rule_error(one_rule("      - alert: a\n        expr: {sum: x}\n")) ==
        "rules.yml:5:15: groups[0].rules[0].expr: expected a string, got a mapping");
  CHECK(rule_error(one_rule("      - alert: a\n        expr: x\n        for: soon\n")) ==
        "rules.yml:6:14: groups[0].rules[0].for: expected a duration like 15s, got \"soon\"");
  CHECK(rule_error(one_rule("      - alert: a\n        expr: x\n        labels: [a, b]\n")) ==
        "rules.yml:6:17: groups[0].rules[0].labels: expected a mapping, got a list");
  CHECK(rule_error("groups:\n  - name: g\n    rules: {a: b}\n") ==
        "rules.yml:3:12: groups[0].rules: expected a list, got a mapping");
  CHECK(rule_error("groups: {name: g}\n") ==
        "rules.yml:1:9: groups: expected a list, got a mapping");
  CHECK(rule_error("groups:\n  - just a name\n") ==
        "rules.yml:2:5: groups[0]: expected a mapping, got \"just a name\"");
}

TEST_CASE("a key given twice in a rule is refused at the second one") {
  CHECK(rule_error(one_rule("      - alert: a\n        expr: x\n        expr: y\n")) ==
        "rules.yml:6:9: duplicate key \"expr\" in groups[0].rules[0]");
}

TEST_CASE("a YAML syntax error is reported where the parser stopped") {
  CHECK(rule_error("groups:\n  - name: g\n    rules: [\n") ==
        "rules.yml:4:1: invalid YAML: end of sequence flow not found");
  CHECK(rule_error("groups:\n  - name: g\n   rules: []\n") ==
        "rules.yml:3:4: invalid YAML: end of sequence not found");
}

TEST_CASE("one rule's problems do not hide the next rules' or groups' problems") {
  std::vector<std::string> errors = rule_errors(R"(groups:
  - name: a
    rules:
      - alert: One
        expr: up ===== 0
      - alert: Two
        expr: up == 0
        for: later
      - record: three
        expr: 1
        bogus: 1
  - name: b
    interval: never
    rules:
      - record: four
        expr: sum(
)");
  REQUIRE(errors.size() == 5);
  CHECK(
      errors[0].starts_with("rules.yml:5:15: group \"a\", rule 1, \"One\": could not parse "
                            "expression: "));
  CHECK(errors[1] ==
        "rules.yml:8:14: groups[0].rules[1].for: expected a duration like 15s, got \"later\"");
  CHECK(errors[2] == "rules.yml:11:9: unknown key \"bogus\" in groups[0].rules[2]");
  CHECK(errors[3] ==
        "rules.yml:13:15: groups[1].interval: expected a duration like 15s, got \"never\"");
  CHECK(
      errors[4].starts_with("rules.yml:16:15: group \"b\", rule 1, \"four\": could not parse "
                            "expression: "));
}

TEST_CASE("parse_rule_file gives every problem in one error, one per line") {
  auto groups = rules::parse_rule_file(one_rule("      - expr: 1\n      - record: x\n"), "r.yml");
  REQUIRE_FALSE(groups);
  CHECK(groups.error().code == ErrorCode::InvalidArgument);
  REQUIRE(groups.error().where.has_value());
  CHECK(groups.error().where->line == 4);
  CHECK(to_string(groups.error()) ==
        "r.yml:4:9: group \"g\", rule 1, \"\": one of 'record' or 'alert' must be set\n"
        "r.yml:5:9: group \"g\", rule 2, \"x\": field 'expr' must be set in rule");
}

TEST_CASE("load_rule_file reads the file and names a missing one") {
  vitals::testing::TempDir dir;
  std::string path = dir.write_file("ok.yml", one_rule("      - record: a\n        expr: b\n"));
  auto groups = rules::load_rule_file(path);
  REQUIRE_MESSAGE(groups, why(groups));
  CHECK(groups->front().file == path);
  CHECK(groups->front().rules.front().where.file == path);

  auto missing = rules::load_rule_file(dir.file("missing.yml"));
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == ErrorCode::NotFound);
  CHECK(missing.error().message.find("missing.yml") != std::string::npos);

  auto directory = rules::load_rule_file(dir.path().string());
  REQUIRE_FALSE(directory);
  CHECK(directory.error().code == ErrorCode::Unavailable);
}

TEST_CASE("rules shared with anchors, aliases and merge keys read like written-out ones") {
  auto groups = rules::parse_rule_file(R"(groups:
  - name: g
    rules:
      - &base
        alert: Base
        expr: &expr up == 0
        for: 5m
        labels: {severity: page}
      - <<: *base
        alert: Merged
        for: 1m
      - record: r
        expr: *expr
)",
                                       "r.yml");
  REQUIRE_MESSAGE(groups, why(groups));
  const auto& rules_read = groups->front().rules;
  REQUIRE(rules_read.size() == 3);
  const auto& merged = std::get<rules::AlertingRuleSpec>(rules_read[1].rule);
  CHECK(merged.name == "Merged");
  CHECK(merged.expr == "up == 0");
  CHECK(merged.for_ms == 60'000);
  CHECK(merged.labels.at("severity") == "page");
  CHECK(rules_read[1].where.line == 9);
  CHECK(std::get<rules::RecordingRuleSpec>(rules_read[2].rule).expr == "up == 0");
}
