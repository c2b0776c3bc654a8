#include "alerts/rules/rule_checks.h"

#include <optional>

#include "alerts/promql/parser.h"
#include "alerts/rules/rule_templates.h"

namespace vitals::rules::detail {
namespace {

// Collects one rule's problems, each prefixed with the rule's group, number and name.
class RuleProblems {
 public:
  RuleProblems(const RuleFields& rule, const std::string& group, std::size_t index) {
    const std::string& name = rule.alert.empty() ? rule.record : rule.alert;
    prefix_ = "group \"" + group + "\", rule " + std::to_string(index) + ", \"" + name + "\": ";
  }

  void add(const SourceLocation& at, const std::string& message) {
    errors_.push_back(Error{ErrorCode::InvalidArgument, prefix_ + message, at});
  }

  std::vector<Error> take() { return std::move(errors_); }

 private:
  std::string prefix_;
  std::vector<Error> errors_;
};

const SourceLocation& location_of(const std::map<std::string, SourceLocation>& places,
                                  const std::string& name, const SourceLocation& fallback) {
  auto found = places.find(name);
  return found == places.end() ? fallback : found->second;
}

void check_expression(const RuleFields& rule, RuleProblems& problems, promql::ExprPtr& parsed) {
  if (rule.expr.empty()) {
    problems.add(rule.expr_at, "field 'expr' must be set in rule");
    return;
  }
  auto expr = promql::parse(rule.expr);
  if (!expr) {
    problems.add(rule.expr_at, "could not parse expression: " + expr.error().message);
    return;
  }
  parsed = std::move(*expr);
}

void check_recording(const RuleFields& rule, NameValidation names, RuleProblems& problems) {
  if (!rule.annotations.empty()) {
    problems.add(rule.record_at, "invalid field 'annotations' in recording rule");
  }
  if (rule.for_duration != Duration::zero()) {
    problems.add(rule.record_at, "invalid field 'for' in recording rule");
  }
  if (rule.keep_firing_for != Duration::zero()) {
    problems.add(rule.record_at, "invalid field 'keep_firing_for' in recording rule");
  }
  if (!is_valid_metric_name(rule.record, names)) {
    problems.add(rule.record_at, "invalid recording rule name: " + rule.record);
  }
  // Any UTF-8 name is valid, but braces are most often a selector written where `expr` goes.
  if (rule.record.find_first_of("{}") != std::string::npos) {
    problems.add(
        rule.record_at,
        "braces present in the recording rule name; should it be in expr?: " + rule.record);
  }
}

void check_labels(const RuleFields& rule, NameValidation names, RuleProblems& problems) {
  for (const auto& [name, value] : rule.labels) {
    const SourceLocation& at = location_of(rule.label_at, name, rule.where);
    if (!is_valid_label_name(name, names) || name == "__name__") {
      problems.add(at, "invalid label name: " + name);
    }
    if (!is_valid_utf8(value)) problems.add(at, "invalid label value: " + value);
  }
  for (const auto& [name, value] : rule.annotations) {
    if (is_valid_label_name(name, names)) continue;
    problems.add(location_of(rule.annotation_at, name, rule.where),
                 "invalid annotation name: " + name);
  }
}

// Prometheus parses an alerting rule's templates when it loads the file, so a template that
// cannot run is refused then rather than at the first alert.
void check_templates(const RuleFields& rule, RuleProblems& problems) {
  for (const auto& [name, text] : rule.labels) {
    if (auto problem = template_problem(rule.alert, text)) {
      problems.add(location_of(rule.label_at, name, rule.where),
                   "label \"" + name + "\": " + *problem);
    }
  }
  for (const auto& [name, text] : rule.annotations) {
    if (auto problem = template_problem(rule.alert, text)) {
      problems.add(location_of(rule.annotation_at, name, rule.where),
                   "annotation \"" + name + "\": " + *problem);
    }
  }
}

}  // namespace

std::vector<Error> check_rule(const RuleFields& rule, const std::string& group, std::size_t index,
                              NameValidation names, promql::ExprPtr& parsed) {
  RuleProblems problems(rule, group, index);
  if (!rule.record.empty() && !rule.alert.empty()) {
    problems.add(rule.record_at, "only one of 'record' and 'alert' must be set");
  }
  if (rule.record.empty() && rule.alert.empty()) {
    problems.add(rule.where, "one of 'record' or 'alert' must be set");
  }
  check_expression(rule, problems, parsed);
  if (!rule.record.empty()) check_recording(rule, names, problems);
  if (!rule.alert.empty() && !is_valid_utf8(rule.alert)) {
    problems.add(rule.alert_at, "invalid alert name: " + rule.alert);
  }
  check_labels(rule, names, problems);
  if (!rule.alert.empty()) check_templates(rule, problems);
  return problems.take();
}

std::vector<Error> check_group_labels(const std::map<std::string, std::string>& labels,
                                      const std::map<std::string, SourceLocation>& label_at,
                                      const std::string& group, const SourceLocation& group_at,
                                      NameValidation names) {
  std::vector<Error> errors;
  auto add = [&](const std::string& name, const std::string& message) {
    errors.push_back(Error{ErrorCode::InvalidArgument, "group \"" + group + "\": " + message,
                           location_of(label_at, name, group_at)});
  };
  for (const auto& [name, value] : labels) {
    if (!is_valid_label_name(name, names) || name == "__name__") {
      add(name, "invalid label name: " + name);
    }
    if (!is_valid_utf8(value)) add(name, "invalid label value: " + value);
  }
  return errors;
}

}  // namespace vitals::rules::detail
