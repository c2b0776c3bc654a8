// Helpers for the rule-file tests: a file's errors as "file:line:col: message" lines.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "alerts/rules/rule_file.h"

namespace vitals::testing {

// Every error `text` gets, named "rules.yml", as to_string() prints them.
inline std::vector<std::string> rule_errors(std::string_view text,
                                            const rules::RuleFileOptions& options = {}) {
  std::vector<std::string> lines;
  for (const Error& error : rules::check_rule_file_text(text, "rules.yml", options).errors) {
    lines.push_back(to_string(error));
  }
  return lines;
}

// The only error of `text`, or a note that there were none or several.
inline std::string rule_error(std::string_view text, const rules::RuleFileOptions& options = {}) {
  std::vector<std::string> lines = rule_errors(text, options);
  if (lines.size() == 1) return lines.front();
  std::string all = std::to_string(lines.size()) + " errors:";
  for (const std::string& line : lines) all += "\n" + line;
  return all;
}

// A group "g" holding the rule written in `rule_body` (indented by six spaces, at line 4).
inline std::string one_rule(std::string_view rule_body) {
  return "groups:\n  - name: g\n    rules:\n" + std::string(rule_body);
}

}  // namespace vitals::testing
