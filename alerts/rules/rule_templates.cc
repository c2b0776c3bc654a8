#include "alerts/rules/rule_templates.h"

#include "alerts/template/template.h"

namespace vitals::rules::detail {

std::optional<std::string> template_problem(const std::string& alert_name,
                                            const std::string& text) {
  auto parsed = alert_template::Template::parse_alert(alert_name, text);
  if (parsed) return std::nullopt;
  return parsed.error().message;
}

}  // namespace vitals::rules::detail
