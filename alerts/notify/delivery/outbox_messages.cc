#include "alerts/notify/delivery/outbox_messages.h"

#include "alerts/notify/delivery/receivers/pagerduty_payload.h"
#include "alerts/notify/delivery/receivers/slack_payload.h"
#include "alerts/notify/delivery/receivers/webhook_payload.h"
#include "alerts/notify/delivery/sha256.h"

namespace vitals::notify {
namespace {

// The notification as this integration sees it, or nullopt when it gets nothing.
std::optional<Notification> filtered(const Notification& notification, bool send_resolved) {
  if (send_resolved) return notification;
  Notification out = notification;
  std::erase_if(out.alerts, [](const NotifiedAlert& alert) { return !alert.firing; });
  if (out.alerts.empty()) return std::nullopt;
  return out;
}

OutboxMessage message_of(const Notification& notification, std::string integration, std::string url,
                         const nlohmann::ordered_json& body, std::string secret_file) {
  OutboxMessage message{.receiver = notification.receiver,
                        .integration = std::move(integration),
                        .group_key = notification.group_key,
                        .url = std::move(url),
                        .body = body.dump(),
                        .secret_file = std::move(secret_file),
                        .created_ms = notification.created_ms};
  message.alerts_firing = static_cast<int>(count_firing(notification.alerts));
  message.alerts_resolved = static_cast<int>(notification.alerts.size()) - message.alerts_firing;
  message.dedup_key = dedup_key_of(message);
  return message;
}

std::string indexed(const char* kind, std::size_t i) {
  return std::string(kind) + "[" + std::to_string(i) + "]";
}

}  // namespace

std::string dedup_key_of(const OutboxMessage& message) {
  std::string identity = message.receiver;
  for (const std::string* part : {&message.integration, &message.group_key, &message.body}) {
    identity += '\0';
    identity += *part;
  }
  identity += '\0' + std::to_string(message.created_ms);
  // 128 bits are plenty for uniqueness and keep the header short.
  return sha256_hex(identity).substr(0, 32);
}

std::vector<OutboxMessage> outbox_messages(const Notification& notification,
                                           const ReceiverConfig& receiver,
                                           const PayloadOptions& options) {
  std::vector<OutboxMessage> out;
  for (std::size_t i = 0; i < receiver.webhook_configs.size(); ++i) {
    const WebhookConfig& config = receiver.webhook_configs[i];
    auto view = filtered(notification, config.send_resolved);
    if (!view) continue;
    out.push_back(message_of(*view, indexed("webhook", i), config.url,
                             webhook_payload(*view, config, options), ""));
  }
  for (std::size_t i = 0; i < receiver.pagerduty_configs.size(); ++i) {
    const PagerDutyConfig& config = receiver.pagerduty_configs[i];
    auto view = filtered(notification, config.send_resolved);
    if (!view) continue;
    out.push_back(message_of(*view, indexed("pagerduty", i), config.url,
                             pagerduty_event(*view, options),
                             config.routing_key_file.value_or("")));
  }
  for (std::size_t i = 0; i < receiver.slack_configs.size(); ++i) {
    const SlackConfig& config = receiver.slack_configs[i];
    auto view = filtered(notification, config.send_resolved);
    if (!view) continue;
    out.push_back(message_of(*view, indexed("slack", i), "", slack_message(*view, config, options),
                             config.url_file.value_or("")));
  }
  return out;
}

}  // namespace vitals::notify
