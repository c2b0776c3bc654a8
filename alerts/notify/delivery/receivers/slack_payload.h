// A Slack incoming-webhook message: one attachment coloured by status whose title is
// Alertmanager's subject line and whose text lists each alert (its status, alertname, summary
// annotation and labels). The webhook URL is a secret and is not part of the body. Pure;
// thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "agent/config/alerting_config.h"
#include "alerts/notify/delivery/receivers/payload_common.h"
#include "alerts/notify/notification.h"

namespace vitals::notify {

nlohmann::ordered_json slack_message(const Notification& notification, const SlackConfig& config,
                                     const PayloadOptions& options);

}  // namespace vitals::notify
