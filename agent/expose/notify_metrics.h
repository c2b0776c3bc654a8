// The notifier's own series on /metrics: what the outbox delivered, how far behind it is, and
// the pushes to Alertmanagers.
#pragma once

#include <map>
#include <string>

#include "agent/expose/exposition.h"
#include "alerts/notify/delivery/alertmanager_pusher.h"
#include "alerts/notify/delivery/outbox.h"

namespace vitals {

// vitals_notifications_{sent,failed,retried}_total{receiver}, vitals_outbox_depth,
// vitals_outbox_oldest_pending_seconds, vitals_notification_latency_seconds (a summary without
// quantiles: _sum and _count from enqueue to 2xx), vitals_outbox_write_errors_total and
// vitals_alertmanager_pushes_total{alertmanager,result}.
void write_notify_metrics(Exposition& out, const notify::OutboxStats& outbox,
                          const std::map<std::string, notify::PushCounts>& pushes);

}  // namespace vitals
