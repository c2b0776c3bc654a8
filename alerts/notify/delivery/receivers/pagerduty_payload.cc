#include "alerts/notify/delivery/receivers/pagerduty_payload.h"

#include <array>

#include "alerts/notify/delivery/sha256.h"

namespace vitals::notify {
namespace {

// Alertmanager's `pagerduty.default.instances` template: each alert's labels and annotations
// as a readable list.
std::string instances(const std::vector<NotifiedAlert>& alerts, bool firing) {
  std::string out;
  for (const NotifiedAlert& alert : alerts) {
    if (alert.firing != firing) continue;
    out += "Labels:\n";
    for (const LabelPair& pair : alert.labels) out += " - " + pair.name + " = " + pair.value + "\n";
    out += "Annotations:\n";
    for (const LabelPair& pair : alert.annotations) {
      out += " - " + pair.name + " = " + pair.value + "\n";
    }
    out += "Source: " + alert.generator_url + "\n";
  }
  return out;
}

// PagerDuty knows four severities; Alertmanager's default is "error". A common `severity`
// label that names one of them is used instead, so a `warning` group does not page as error.
std::string severity_of(const std::vector<NotifiedAlert>& alerts) {
  static constexpr std::array<std::string_view, 4> kKnown = {"critical", "error", "warning",
                                                             "info"};
  const LabelPairs common = common_labels(alerts);
  std::string_view severity = value_of(common, "severity");
  for (std::string_view known : kKnown) {
    if (severity == known) return std::string(known);
  }
  return "error";
}

}  // namespace

std::string pagerduty_dedup_key(const std::string& group_key) {
  return sha256_hex(group_key);
}

nlohmann::ordered_json pagerduty_event(const Notification& notification,
                                       const PayloadOptions& options) {
  const std::vector<NotifiedAlert>& alerts = notification.alerts;
  const std::size_t firing = count_firing(alerts);
  nlohmann::ordered_json details = {{"firing", instances(alerts, true)},
                                    {"resolved", instances(alerts, false)},
                                    {"num_firing", std::to_string(firing)},
                                    {"num_resolved", std::to_string(alerts.size() - firing)}};
  nlohmann::ordered_json event = {
      {"event_action", firing > 0 ? "trigger" : "resolve"},
      {"dedup_key", pagerduty_dedup_key(notification.group_key)},
      {"client", options.source},
      {"payload",
       {{"summary", truncate_utf8(subject_line(notification, alerts), kPagerDutySummaryMax)},
        {"source", options.source},
        {"severity", severity_of(alerts)},
        {"custom_details", std::move(details)}}}};
  if (!options.external_url.empty()) event["client_url"] = options.external_url;
  return event;
}

Result<std::string> add_routing_key(const std::string& stored_body,
                                    const std::string& routing_key) {
  auto event = nlohmann::ordered_json::parse(stored_body, nullptr, /*allow_exceptions=*/false);
  if (!event.is_object()) {
    return make_error(ErrorCode::InvalidArgument, "stored PagerDuty event is not a JSON object");
  }
  nlohmann::ordered_json out = {{"routing_key", routing_key}};
  for (auto& [key, value] : event.items()) out[key] = std::move(value);
  return out.dump();
}

}  // namespace vitals::notify
