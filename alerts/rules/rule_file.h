// Prometheus rule files (`groups:` of recording and alerting rules) read and checked the way
// `promtool check rules` does: the YAML's shape (unknown keys and wrong types refused), group
// names, durations, rule names, label and annotation names, each `expr` parsed as PromQL and each
// alerting rule's label and annotation templates parsed. Every problem is found, not only the
// first, each with file:line:col.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "alerts/promql/ast.h"
#include "alerts/rules/alerting_rule.h"
#include "alerts/rules/rule_names.h"
#include "vitals/common/error.h"

namespace vitals::rules {

struct RecordingRuleSpec {
  std::string record{};  // the metric name the result is stored under
  std::string expr{};    // as written
  std::map<std::string, std::string> labels{};
};

struct RuleSpec {
  std::variant<AlertingRuleSpec, RecordingRuleSpec> rule{};
  std::shared_ptr<const promql::Expr> parsed{};  // `expr`, parsed
  SourceLocation where{};  // where the rule's mapping starts: its first key (or its &anchor)
};

struct GroupSpec {
  std::string file{};  // as given
  std::string name{};
  std::int64_t interval_ms = 0;  // 0: the configuration's evaluation_interval applies
  std::int64_t query_offset_ms = 0;
  std::size_t limit = 0;  // 0: no limit (a negative limit in the file also means none)
  // Group labels (Prometheus 3): the evaluator adds them to each rule's labels; a rule's own
  // label of the same name wins. Rules' `labels` here are as written, without these.
  std::map<std::string, std::string> labels{};
  std::vector<RuleSpec> rules{};
  SourceLocation where{};  // where the group's mapping starts
};

struct RuleFileOptions {
  NameValidation names = NameValidation::Utf8;  // Prometheus 3's default
};

// Every problem in one file, in file order. `groups` holds what could be read; it is only
// complete when `errors` is empty.
struct RuleFileReport {
  std::vector<GroupSpec> groups{};
  std::vector<Error> errors{};  // InvalidArgument, each with `where` when the place is known
};

// The checker's form: every error as its own value (what `check rules` prints, one per line).
RuleFileReport check_rule_file_text(std::string_view text, const std::string& name,
                                    const RuleFileOptions& options = {});
// Reads `path` first: NotFound or Unavailable (naming the path) when it cannot be read.
RuleFileReport check_rule_file(const std::string& path, const RuleFileOptions& options = {});

// The rule engine's form: the groups, or one Error whose `where` and message are the first
// problem's and whose message goes on with the others, one "file:line:col: message" per line,
// so to_string() of it lists them all.
Result<std::vector<GroupSpec>> load_rule_file(const std::string& path,
                                              const RuleFileOptions& options = {});
Result<std::vector<GroupSpec>> parse_rule_file(std::string_view text, const std::string& name,
                                               const RuleFileOptions& options = {});

// Several errors as one, as load_rule_file returns them. `errors` must not be empty.
Error combine_errors(const std::vector<Error>& errors);

// Rules that share their name (alertname or record) and labels with an earlier rule anywhere in
// the groups: promtool's `duplicate-rules` lint. Warnings, not errors: Prometheus loads such a
// file, but the rules' series may clash.
struct DuplicateRule {
  std::string name{};
  std::map<std::string, std::string> labels{};
  std::vector<SourceLocation> where{};  // every rule with that name and labels, in file order
};
std::vector<DuplicateRule> find_duplicate_rules(const std::vector<GroupSpec>& groups);

// The name an alerting rule alerts as or a recording rule records, and its labels.
const std::string& rule_name(const RuleSpec& rule);
const std::map<std::string, std::string>& rule_labels(const RuleSpec& rule);

}  // namespace vitals::rules
