// Prometheus' own rule-file test data (../shared/conformance, read in place): rulefmt's good and
// bad files and promtool's rule files, each accepted or refused as Prometheus 3 does.
#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "alerts/rules/rule_file.h"
#include "tests/support/why.h"

namespace fs = std::filesystem;
namespace rules = vitals::rules;
using vitals::testing::why;

namespace {

const fs::path kConformance = VITALS_CONFORMANCE_DIR;

bool have(const fs::path& dir) {
  if (fs::is_directory(dir)) return true;
  MESSAGE("skipped: no conformance data at " << dir.string());
  return false;
}

// All errors of a file, one per line.
std::string errors_of(const fs::path& file, const rules::RuleFileOptions& options = {}) {
  auto groups = rules::load_rule_file(file.string(), options);
  return groups ? std::string() : to_string(groups.error());
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// What each rulefmt bad file must be refused for (a part of the message).
const std::map<std::string, std::string> kRulefmtBad = {
    {"bad_expr.bad.yaml", "could not parse expression: 1:6: parse error"},
    {"bad_field.bad.yaml", "unknown key \"annotation\""},
    {"duplicate_grp.bad.yaml", "groupname: \"yolo\" is repeated in the same file"},
    {"invalid_label_name.bad.yaml", "invalid label name: __name__"},
    {"invalid_record_name.bad.yaml",
     "braces present in the recording rule name; should it be in expr?: "
     "strawberry{flavor=\"sweet\"}"},
    {"no_rec_alert.bad.yaml", "one of 'record' or 'alert' must be set"},
    {"noexpr.bad.yaml", "field 'expr' must be set in rule"},
    {"record_and_alert.bad.yaml", "only one of 'record' and 'alert' must be set"},
    {"record_and_for.bad.yaml", "invalid field 'for' in recording rule"},
    {"record_and_keep_firing_for.bad.yaml", "invalid field 'keep_firing_for' in recording rule"},
    // Bad only under the legacy name scheme; see the test below.
    {"legacy_validation_annotation.bad.yaml", ""},
};

}  // namespace

TEST_CASE("every rulefmt good file loads and every bad file is refused for its problem") {
  const fs::path dir = kConformance / "rulefmt";
  if (!have(dir)) return;
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    CAPTURE(name);
    std::string errors = errors_of(entry.path());
    if (name.ends_with(".bad.yaml")) {
      auto expected = kRulefmtBad.find(name);
      REQUIRE_MESSAGE(expected != kRulefmtBad.end(), "a new bad file: add what it is refused for");
      if (expected->second.empty()) continue;
      CHECK_MESSAGE(contains(errors, expected->second), errors);
      CHECK(contains(errors, entry.path().string() + ":"));
    } else {
      CHECK_MESSAGE(errors.empty(), errors);  // *.good.yaml, test.yaml, test_aliases.yaml
    }
    ++checked;
  }
  CHECK(checked >= 14);
}

TEST_CASE("rulefmt's bad files name the place of their problem") {
  const fs::path dir = kConformance / "rulefmt";
  if (!have(dir)) return;
  auto place = [&](const char* name) {
    std::string errors = errors_of(dir / name);
    return errors.substr(0, errors.find(": ", (dir / name).string().size()));
  };
  std::string prefix = dir.string() + "/";
  CHECK(place("duplicate_grp.bad.yaml") == prefix + "duplicate_grp.bad.yaml:3:5");
  CHECK(place("bad_expr.bad.yaml") == prefix + "bad_expr.bad.yaml:5:15");
  CHECK(place("record_and_alert.bad.yaml") == prefix + "record_and_alert.bad.yaml:4:17");
  CHECK(place("invalid_record_name.bad.yaml") == prefix + "invalid_record_name.bad.yaml:4:17");
  CHECK(place("bad_field.bad.yaml") == prefix + "bad_field.bad.yaml:8:9");
  CHECK(place("invalid_label_name.bad.yaml") == prefix + "invalid_label_name.bad.yaml:7:11");
}

TEST_CASE("rulefmt's UTF-8 name files pass under UTF-8 names and fail under legacy ones") {
  const fs::path dir = kConformance / "rulefmt";
  if (!have(dir)) return;
  const rules::RuleFileOptions legacy{.names = rules::NameValidation::Legacy};
  CHECK(errors_of(dir / "utf-8_lname.good.yaml").empty());
  CHECK(errors_of(dir / "utf-8_annotation.good.yaml").empty());
  CHECK(errors_of(dir / "legacy_validation_annotation.bad.yaml").empty());
  CHECK(
      contains(errors_of(dir / "utf-8_lname.good.yaml", legacy), "invalid label name: ins-tance"));
  CHECK(contains(errors_of(dir / "legacy_validation_annotation.bad.yaml", legacy),
                 "invalid annotation name: ins-tance"));
  CHECK(errors_of(dir / "legacy_validation_annotation.good.yaml", legacy).empty());
}

TEST_CASE("rulefmt's aliases file reads like Prometheus reads it") {
  const fs::path dir = kConformance / "rulefmt";
  if (!have(dir)) return;
  auto groups = rules::load_rule_file((dir / "test_aliases.yaml").string());
  REQUIRE_MESSAGE(groups, why(groups));
  const std::string expr =
      "sum without(instance) (rate(errors_total[5m]))\n/\n"
      "sum without(instance) (rate(requests_total[5m]))\n";
  for (const rules::GroupSpec& group : *groups) {
    REQUIRE(group.rules.size() == 4);
    const auto& first = std::get<rules::AlertingRuleSpec>(group.rules[0].rule);
    CHECK(first.name == "HighAlert");
    CHECK(first.labels.at("severity") == "critical");
    CHECK(first.annotations.at("description") == "stuff's happening with {{ $.labels.service }}");
    CHECK(std::get<rules::RecordingRuleSpec>(group.rules[1].rule).record == "new_metric");
    CHECK(std::get<rules::AlertingRuleSpec>(group.rules[2].rule).name == "HighAlert");
    const auto& merged = std::get<rules::AlertingRuleSpec>(group.rules[3].rule);
    CHECK(merged.name == "HighAlert2");
    CHECK(merged.labels.at("severity") == "critical");
    for (const rules::RuleSpec& rule : group.rules) {
      std::visit([&](const auto& spec) { CHECK(spec.expr == expr); }, rule.rule);
    }
  }
}

TEST_CASE("promtool's rule files are accepted or refused as promtool check rules does") {
  const fs::path dir = kConformance / "promtool";
  if (!have(dir)) return;
  auto count = [&](const char* name) {
    auto groups = rules::load_rule_file((dir / name).string());
    std::size_t n = 0;
    if (groups) {
      for (const auto& group : *groups) n += group.rules.size();
    }
    return n;
  };
  CHECK(count("rules.yml") == 5);
  CHECK(count("at-modifier.yml") == 1);
  CHECK(count("negative-offset.yml") == 1);
  CHECK(count("bad-rules-error.yml") == 1);  // it fails only when evaluated
  CHECK(count("rules_duplicates.yml") == 5);

  CHECK(contains(errors_of(dir / "rules-bad.yml"),
                 "group \"alerts\", rule 1, \"InstanceDown\": annotation \"summary\": template: "
                 "__alert_InstanceDown:1: undefined variable \"$label\""));
  CHECK(contains(errors_of(dir / "bad-rules-syntax.yml"),
                 "bad-rules-syntax.yml:7:15: group \"bad-syntax\", rule 1, \"x\": could not "
                 "parse expression: 1:7: parse error: unexpected end of input"));
  std::string extra = errors_of(dir / "rules_extrafields.yml");
  CHECK(contains(extra, "rules_extrafields.yml:7:5: unknown key \"namespace\" in groups[0]"));
  CHECK(contains(extra, "rules_extrafields.yml:21:5: unknown key \"ownership\" in groups[1]"));
  // Experimental PromQL (sort_by_label, duration expressions, anchored, fill) needs feature
  // flags in Prometheus 3; without them promtool refuses the file, and so do we.
  CHECK_FALSE(errors_of(dir / "features.yml").empty());
}

TEST_CASE("promtool's duplicate-rules lint finds the duplicated recording rule") {
  const fs::path dir = kConformance / "promtool";
  if (!have(dir)) return;
  auto groups = rules::load_rule_file((dir / "rules_duplicates.yml").string());
  REQUIRE_MESSAGE(groups, why(groups));
  std::vector<rules::DuplicateRule> duplicates = rules::find_duplicate_rules(*groups);
  REQUIRE(duplicates.size() == 1);
  CHECK(duplicates[0].name == "job:test:count_over_time1m");
  CHECK(duplicates[0].labels.empty());
  REQUIRE(duplicates[0].where.size() == 3);
  CHECK(duplicates[0].where[0].line == 6);
  CHECK(duplicates[0].where[1].line == 18);
  CHECK(duplicates[0].where[2].line == 23);
  CHECK(rules::find_duplicate_rules(*rules::load_rule_file((dir / "rules.yml").string())).empty());
}

TEST_CASE("promtool's unit-test files are not rule files") {
  const fs::path dir = kConformance / "promtool";
  if (!have(dir)) return;
  for (const char* name : {"unittest.yml", "bad-promql.yml", "rules_run.yml", "failing.yml"}) {
    CAPTURE(name);
    std::string errors = errors_of(dir / name);
    CHECK(contains(errors, "unknown key"));
  }
}
