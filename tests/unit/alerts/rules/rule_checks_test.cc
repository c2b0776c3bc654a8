// Each of rulefmt's checks on groups and rules, with promtool's wording and the place it is
// reported at.
#include "alerts/rules/rule_checks.h"

#include <doctest/doctest.h>

#include "tests/unit/alerts/rules/rule_test_support.h"

using vitals::testing::one_rule;
using vitals::testing::rule_error;
using vitals::testing::rule_errors;
namespace rules = vitals::rules;

namespace {

const rules::RuleFileOptions kLegacy{.names = rules::NameValidation::Legacy};

}  // namespace

TEST_CASE("a group needs a name, unique in its file") {
  CHECK(rule_error("groups:\n  - interval: 1m\n") == "rules.yml:2:5: groupname must not be empty");
  CHECK(rule_error("groups:\n  - name: yolo\n  - name: yolo\n") ==
        "rules.yml:3:5: groupname: \"yolo\" is repeated in the same file");
}

TEST_CASE("group labels need valid names, never __name__") {
  CHECK(rule_error("groups:\n  - name: g\n    labels:\n      __name__: x\n") ==
        "rules.yml:4:7: group \"g\": invalid label name: __name__");
  CHECK(rule_errors("groups:\n  - name: g\n    labels: {ins-tance: x}\n").empty());
  CHECK(rule_error("groups:\n  - name: g\n    labels: {ins-tance: x}\n", kLegacy) ==
        "rules.yml:3:14: group \"g\": invalid label name: ins-tance");
}

TEST_CASE("a rule is either a recording or an alerting rule") {
  CHECK(rule_error(one_rule("      - record: Hi\n        alert: Hello\n        expr: 1\n")) ==
        "rules.yml:4:17: group \"g\", rule 1, \"Hello\": only one of 'record' and 'alert' must "
        "be set");
  CHECK(rule_error(one_rule("      - expr: 1\n")) ==
        "rules.yml:4:9: group \"g\", rule 1, \"\": one of 'record' or 'alert' must be set");
  CHECK(rule_error(one_rule("      - record: ''\n        alert: ~\n        expr: 1\n")) ==
        "rules.yml:4:9: group \"g\", rule 1, \"\": one of 'record' or 'alert' must be set");
}

TEST_CASE("a rule needs an expression that parses") {
  CHECK(rule_error(one_rule("      - record: ylo\n")) ==
        "rules.yml:4:9: group \"g\", rule 1, \"ylo\": field 'expr' must be set in rule");
  CHECK(rule_error(one_rule("      - record: ylo\n        expr:\n")) ==
        "rules.yml:5:9: group \"g\", rule 1, \"ylo\": field 'expr' must be set in rule");
  CHECK(rule_error(one_rule("      - record: x\n        expr: 'test +'\n")) ==
        "rules.yml:5:15: group \"g\", rule 1, \"x\": could not parse expression: 1:7: parse "
        "error: unexpected end of input");
  CHECK(rule_error(one_rule("      - record: yolo\n        expr: rate(hi)\n")) ==
        "rules.yml:5:15: group \"g\", rule 1, \"yolo\": could not parse expression: 1:6: parse "
        "error: expected type range vector in call to function \"rate\", got instant vector");
}

TEST_CASE("a recording rule has no for, keep_firing_for or annotations") {
  CHECK(rule_error(one_rule("      - record: Hello\n        expr: 1\n        for: 1m\n")) ==
        "rules.yml:4:17: group \"g\", rule 1, \"Hello\": invalid field 'for' in recording rule");
  CHECK(rule_error(
            one_rule("      - record: Hello\n        expr: 1\n        keep_firing_for: 1m\n")) ==
        "rules.yml:4:17: group \"g\", rule 1, \"Hello\": invalid field 'keep_firing_for' in "
        "recording rule");
  CHECK(rule_error(one_rule("      - record: Hello\n        expr: 1\n        annotations: {a: "
                            "b}\n")) ==
        "rules.yml:4:17: group \"g\", rule 1, \"Hello\": invalid field 'annotations' in "
        "recording rule");
  // Zero durations are what an unset field reads as, so Prometheus lets them pass.
  CHECK(rule_errors(one_rule("      - record: Hello\n        expr: 1\n        for: 0s\n")).empty());
}

TEST_CASE("a recording rule's name is a metric name without braces") {
  CHECK(rule_error(one_rule("      - record: strawberry{flavor=\"sweet\"}\n        expr: 1\n")) ==
        "rules.yml:4:17: group \"g\", rule 1, \"strawberry{flavor=\"sweet\"}\": braces present "
        "in the recording rule name; should it be in expr?: strawberry{flavor=\"sweet\"}");
  CHECK(rule_errors(one_rule("      - record: promql-experimental\n        expr: 1\n")).empty());
  CHECK(rule_error(one_rule("      - record: promql-experimental\n        expr: 1\n"), kLegacy) ==
        "rules.yml:4:17: group \"g\", rule 1, \"promql-experimental\": invalid recording rule "
        "name: promql-experimental");
  CHECK(rule_errors(one_rule("      - record: job:up:sum\n        expr: 1\n"), kLegacy).empty());
}

TEST_CASE("label names are valid and never __name__, annotation names are valid") {
  CHECK(rule_error(one_rule("      - record: hola\n        expr: 1\n        labels:\n"
                            "          __name__: anything\n")) ==
        "rules.yml:7:11: group \"g\", rule 1, \"hola\": invalid label name: __name__");
  CHECK(rule_errors(one_rule("      - record: hola\n        expr: 1\n        labels:\n"
                             "          ins-tance: localhost\n"))
            .empty());
  CHECK(rule_error(one_rule("      - record: hola\n        expr: 1\n        labels:\n"
                            "          ins-tance: localhost\n"),
                   kLegacy) ==
        "rules.yml:7:11: group \"g\", rule 1, \"hola\": invalid label name: ins-tance");
  CHECK(rule_error(one_rule("      - alert: hola\n        expr: 1\n        labels:\n"
                            "          '': x\n")) ==
        "rules.yml:7:11: group \"g\", rule 1, \"hola\": invalid label name: ");
  CHECK(rule_errors(one_rule("      - alert: hola\n        expr: 1\n        annotations:\n"
                             "          ins-tance: localhost\n"))
            .empty());
  CHECK(rule_error(one_rule("      - alert: hola\n        expr: 1\n        annotations:\n"
                            "          ins-tance: localhost\n"),
                   kLegacy) ==
        "rules.yml:7:11: group \"g\", rule 1, \"hola\": invalid annotation name: ins-tance");
}

TEST_CASE("an alerting rule's label and annotation templates must parse") {
  CHECK(rule_error(one_rule("      - alert: InstanceDown\n        expr: up == 0\n"
                            "        annotations:\n"
                            "          summary: \"Instance {{ $label.foo }} down\"\n")) ==
        "rules.yml:7:11: group \"g\", rule 1, \"InstanceDown\": annotation \"summary\": template: "
        "__alert_InstanceDown:1: undefined variable \"$label\"");
  CHECK(rule_error(one_rule("      - alert: InstanceDown\n        expr: up == 0\n"
                            "        labels:\n"
                            "          severity: \"{{$this_is_wrong}}\"\n")) ==
        "rules.yml:7:11: group \"g\", rule 1, \"InstanceDown\": label \"severity\": template: "
        "__alert_InstanceDown:1: undefined variable \"$this_is_wrong\"");
  CHECK(rule_errors(one_rule("      - alert: InstanceDown\n        expr: up == 0\n"
                             "        annotations:\n"
                             "          description: \"{{$labels.quantile * 100}}\"\n"))
            .size() == 1);
  CHECK(rule_errors(
            one_rule("      - alert: Fine\n        expr: up == 0\n        annotations:\n"
                     "          a: \"{{ $labels.instance }} at {{ $value | humanize }}\"\n"
                     "          b: \"{{ $externalLabels.cluster }} {{ $externalURL }}\"\n"
                     "          c: \"{{ humanizeDuration 90 }} {{ humanizePercentage 0.5 }}\"\n"))
            .empty());
  // Recording rules' labels are not templates.
  CHECK(rule_errors(one_rule("      - record: r\n        expr: up\n        labels:\n"
                             "          a: \"{{ $nope }}\"\n"))
            .empty());
}

TEST_CASE("every check of one rule is reported, in file order") {
  std::vector<std::string> errors =
      rule_errors(one_rule("      - record: a{b}\n        expr: up +\n        for: 1m\n"
                           "        labels: {__name__: x}\n"));
  REQUIRE(errors.size() == 4);
  CHECK(errors[0].find("invalid field 'for'") != std::string::npos);
  CHECK(errors[1].find("braces present") != std::string::npos);
  CHECK(errors[2].starts_with("rules.yml:5:15:"));
  CHECK(errors[3].starts_with("rules.yml:7:18:"));
}
