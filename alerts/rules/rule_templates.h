// Whether an alerting rule's label or annotation template parses, as Prometheus checks when it
// loads a rule file. Internal to alerts/rules.
#pragma once

#include <optional>
#include <string>

namespace vitals::rules::detail {

// nullopt when `text` parses as a template of alert `alert_name` (with $labels, $value,
// $externalLabels and $externalURL defined); otherwise the template library's reason, e.g.
// `template: __alert_X:1: undefined variable "$label"`.
std::optional<std::string> template_problem(const std::string& alert_name, const std::string& text);

}  // namespace vitals::rules::detail
