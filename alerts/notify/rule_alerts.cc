#include "alerts/notify/rule_alerts.h"

#include <algorithm>

#include "alerts/template/functions.h"

namespace vitals::notify {

LabelPairs with_external_labels(LabelPairs labels, const ExternalLabels& external_labels) {
  const std::size_t own = labels.size();
  for (const auto& [name, value] : external_labels) {
    auto begin = labels.begin();
    auto end = begin + static_cast<std::ptrdiff_t>(own);
    // An init-capture: clang before 16 cannot capture a structured binding.
    bool taken =
        std::any_of(begin, end, [&wanted = name](const LabelPair& l) { return l.name == wanted; });
    if (!taken) labels.push_back(LabelPair{name, value});
  }
  std::sort(labels.begin(), labels.end(),
            [](const LabelPair& a, const LabelPair& b) { return a.name < b.name; });
  return labels;
}

AlertUpdate update_from(const rules::DueAlert& due, std::string_view external_url,
                        const ExternalLabels& external_labels) {
  const rules::Alert& alert = due.alert;
  const bool resolved = alert.resolved_at_ms != 0;
  return AlertUpdate{
      .labels = with_external_labels(alert.labels, external_labels),
      .annotations = alert.annotations,
      .starts_at_ms = alert.fired_at_ms != 0 ? alert.fired_at_ms : alert.active_at_ms,
      .ends_at_ms = resolved ? alert.resolved_at_ms : alert.valid_until_ms,
      .generator_url = std::string(external_url) + "/graph?g0.expr=" +
                       alert_template::detail::query_escape(due.expr) + "&g0.tab=1",
      .resolved = resolved};
}

std::vector<AlertUpdate> updates_from(const std::vector<rules::DueAlert>& due,
                                      std::string_view external_url,
                                      const ExternalLabels& external_labels) {
  std::vector<AlertUpdate> out;
  out.reserve(due.size());
  for (const rules::DueAlert& one : due) {
    out.push_back(update_from(one, external_url, external_labels));
  }
  return out;
}

}  // namespace vitals::notify
