// Alertmanager's webhook payload, version 4: what a webhook_config receiver gets, so any tool
// written for Alertmanager's webhooks reads ours. Pure; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "agent/config/alerting_config.h"
#include "alerts/notify/delivery/receivers/payload_common.h"
#include "alerts/notify/notification.h"

namespace vitals::notify {

// The body for `notification` (whose alerts have already been filtered for send_resolved).
// With max_alerts > 0 only the first max_alerts alerts are sent, and `truncatedAlerts` counts
// the rest; status and the common labels describe the alerts sent, as in Alertmanager.
nlohmann::ordered_json webhook_payload(const Notification& notification,
                                       const WebhookConfig& config, const PayloadOptions& options);

// One entry of the payload's `alerts` (also Alertmanager's template data for one alert).
nlohmann::ordered_json webhook_alert_json(const NotifiedAlert& alert);

// Go's regexp.QuoteMeta, which Alertmanager applies to the receiver's name in the payload.
std::string quote_meta(std::string_view text);

}  // namespace vitals::notify
