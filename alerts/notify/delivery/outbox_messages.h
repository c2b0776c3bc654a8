// Turns one notification for a receiver into the outbox messages of its integrations (each
// webhook, PagerDuty and Slack config), encoded and keyed, ready to be written. Pure;
// thread-safe.
#pragma once

#include <vector>

#include "agent/config/alerting_config.h"
#include "alerts/notify/delivery/outbox_row.h"
#include "alerts/notify/delivery/receivers/payload_common.h"
#include "alerts/notify/notification.h"

namespace vitals::notify {

// One message per integration of `receiver`. An integration with send_resolved false is sent
// the firing alerts only, and nothing when none fire (Alertmanager's behaviour). Secrets stay
// out: PagerDuty's routing key and Slack's URL are filled in by the sender.
std::vector<OutboxMessage> outbox_messages(const Notification& notification,
                                           const ReceiverConfig& receiver,
                                           const PayloadOptions& options);

// The message's idempotency key: a hash of what identifies it (receiver, integration, group,
// creation time, body), so the same notification always has the same key.
std::string dedup_key_of(const OutboxMessage& message);

}  // namespace vitals::notify
