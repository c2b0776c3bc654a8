// promtool's duplicate-rules lint over loaded groups.
#include <map>
#include <utility>

#include "alerts/rules/rule_file.h"

namespace vitals::rules {

const std::string& rule_name(const RuleSpec& rule) {
  if (const auto* alerting = std::get_if<AlertingRuleSpec>(&rule.rule)) return alerting->name;
  return std::get<RecordingRuleSpec>(rule.rule).record;
}

const std::map<std::string, std::string>& rule_labels(const RuleSpec& rule) {
  if (const auto* alerting = std::get_if<AlertingRuleSpec>(&rule.rule)) return alerting->labels;
  return std::get<RecordingRuleSpec>(rule.rule).labels;
}

std::vector<DuplicateRule> find_duplicate_rules(const std::vector<GroupSpec>& groups) {
  // Keyed and so ordered like promtool's report: by name, then labels.
  using Key = std::pair<std::string, std::map<std::string, std::string>>;
  std::map<Key, std::vector<SourceLocation>> seen;
  for (const GroupSpec& group : groups) {
    for (const RuleSpec& rule : group.rules) {
      seen[Key(rule_name(rule), rule_labels(rule))].push_back(rule.where);
    }
  }
  std::vector<DuplicateRule> duplicates;
  for (auto& [key, places] : seen) {
    if (places.size() < 2) continue;
    duplicates.push_back(
        DuplicateRule{.name = key.first, .labels = key.second, .where = std::move(places)});
  }
  return duplicates;
}

}  // namespace vitals::rules
