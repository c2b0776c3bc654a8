#include "alerts/notify/delivery/receivers/webhook_payload.h"

#include <cstdint>

namespace vitals::notify {

std::string quote_meta(std::string_view text) {
  static constexpr std::string_view kSpecial = R"(\.+*?()|[]{}^$)";
  std::string out;
  for (char c : text) {
    if (kSpecial.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

nlohmann::ordered_json webhook_alert_json(const NotifiedAlert& alert) {
  return {{"status", alert.firing ? "firing" : "resolved"},
          {"labels", kv_json(alert.labels)},
          {"annotations", kv_json(alert.annotations)},
          {"startsAt", go_time(alert.starts_at_ms)},
          {"endsAt", go_time(alert.ends_at_ms)},
          {"generatorURL", alert.generator_url},
          {"fingerprint", alert.fingerprint}};
}

nlohmann::ordered_json webhook_payload(const Notification& notification,
                                       const WebhookConfig& config, const PayloadOptions& options) {
  std::vector<NotifiedAlert> sent = notification.alerts;
  std::uint64_t truncated = 0;
  if (config.max_alerts > 0 && sent.size() > static_cast<std::size_t>(config.max_alerts)) {
    truncated = sent.size() - static_cast<std::size_t>(config.max_alerts);
    sent.resize(static_cast<std::size_t>(config.max_alerts));
  }
  nlohmann::ordered_json alerts = nlohmann::ordered_json::array();
  for (const NotifiedAlert& alert : sent) alerts.push_back(webhook_alert_json(alert));
  // Field order as Go marshals Alertmanager's Message: the embedded template data first.
  return {{"receiver", quote_meta(notification.receiver)},
          {"status", group_status(sent)},
          {"alerts", std::move(alerts)},
          {"groupLabels", kv_json(notification.group_labels)},
          {"commonLabels", kv_json(common_labels(sent))},
          {"commonAnnotations", kv_json(common_annotations(sent))},
          {"externalURL", options.external_url},
          {"version", "4"},
          {"groupKey", notification.group_key},
          {"truncatedAlerts", truncated}};
}

}  // namespace vitals::notify
