// The checks Prometheus' rulefmt makes on one rule once the YAML has been read: which of
// record/alert is set, the expression, names, and (for alerting rules) that templates parse.
// Internal to alerts/rules.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "alerts/promql/ast.h"
#include "alerts/rules/rule_names.h"
#include "vitals/common/clock.h"
#include "vitals/common/error.h"

namespace vitals::rules::detail {

// One rule mapping as the file wrote it, with where each part is (the value's place; the rule's
// place when the part is absent).
struct RuleFields {
  std::string record{};
  std::string alert{};
  std::string expr{};
  Duration for_duration{};
  Duration keep_firing_for{};
  std::map<std::string, std::string> labels{};
  std::map<std::string, std::string> annotations{};
  SourceLocation where{};
  SourceLocation record_at{};
  SourceLocation alert_at{};
  SourceLocation expr_at{};
  std::map<std::string, SourceLocation> label_at{};       // by label name: its key
  std::map<std::string, SourceLocation> annotation_at{};  // by annotation name: its key
};

// Every problem with `rule`, the rule number `index` (1-based) of group `group`, each message
// prefixed like promtool's (`group "g", rule 1, "name": `). The parsed expression goes to
// `parsed` when it parses.
std::vector<Error> check_rule(const RuleFields& rule, const std::string& group, std::size_t index,
                              NameValidation names, promql::ExprPtr& parsed);

// Problems with group labels: names (never __name__) and UTF-8 values.
std::vector<Error> check_group_labels(const std::map<std::string, std::string>& labels,
                                      const std::map<std::string, SourceLocation>& label_at,
                                      const std::string& group, const SourceLocation& group_at,
                                      NameValidation names);

}  // namespace vitals::rules::detail
