// Fuzzes the rule-file loader (alerts/rules/rule_file.h) from text, in both forms: the checker's
// (every problem, as `check rules` reports them, under both name validations) and the rule
// engine's (the groups or one combined error), with the duplicate-rules lint over what loads.
// Each rule's expr goes through the PromQL parser and each template through the template parser.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "alerts/rules/rule_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static const std::string kName = "fuzz.rules.yml";
  using vitals::rules::NameValidation;
  for (NameValidation names : {NameValidation::Utf8, NameValidation::Legacy}) {
    vitals::rules::RuleFileReport report =
        vitals::rules::check_rule_file_text(text, kName, {.names = names});
    for (const vitals::Error& error : report.errors) (void)vitals::to_string(error);
  }
  auto groups = vitals::rules::parse_rule_file(text, kName);
  if (groups) {
    (void)vitals::rules::find_duplicate_rules(*groups);
    for (const vitals::rules::GroupSpec& group : *groups) {
      for (const vitals::rules::RuleSpec& rule : group.rules) {
        (void)vitals::rules::rule_name(rule);
        (void)vitals::rules::rule_labels(rule);
      }
    }
  } else {
    (void)vitals::to_string(groups.error());
  }
  return 0;
}
