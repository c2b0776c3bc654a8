#include "alerts/notify/rule_alerts.h"

#include "alerts/template/functions.h"

namespace vitals::notify {

AlertUpdate update_from(const rules::DueAlert& due, std::string_view external_url) {
  const rules::Alert& alert = due.alert;
  const bool resolved = alert.resolved_at_ms != 0;
  return AlertUpdate{
      .labels = alert.labels,
      .annotations = alert.annotations,
      .starts_at_ms = alert.fired_at_ms != 0 ? alert.fired_at_ms : alert.active_at_ms,
      .ends_at_ms = resolved ? alert.resolved_at_ms : alert.valid_until_ms,
      .generator_url = std::string(external_url) + "/graph?g0.expr=" +
                       alert_template::detail::query_escape(due.expr) + "&g0.tab=1",
      .resolved = resolved};
}

std::vector<AlertUpdate> updates_from(const std::vector<rules::DueAlert>& due,
                                      std::string_view external_url) {
  std::vector<AlertUpdate> out;
  out.reserve(due.size());
  for (const rules::DueAlert& one : due) out.push_back(update_from(one, external_url));
  return out;
}

}  // namespace vitals::notify
