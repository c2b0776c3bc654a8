// PagerDuty Events API v2: a `trigger` while any alert of the group fires, a `resolve` once all
// have resolved, under one dedup_key per group so PagerDuty keeps one incident per group.
// The routing key is a secret and is not part of this body: the sender adds it at send time
// (add_routing_key), so it is never stored in the outbox. Pure; thread-safe.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "alerts/notify/delivery/receivers/payload_common.h"
#include "alerts/notify/notification.h"
#include "vitals/common/error.h"

namespace vitals::notify {

// PagerDuty refuses summaries longer than this.
inline constexpr std::size_t kPagerDutySummaryMax = 1024;

// The event without `routing_key`.
nlohmann::ordered_json pagerduty_event(const Notification& notification,
                                       const PayloadOptions& options);

// Alertmanager's dedup key: the SHA-256 of the group key, in hex.
std::string pagerduty_dedup_key(const std::string& group_key);

// `stored_body` (a pagerduty_event, as text) with `routing_key` set; InvalidArgument when the
// body is not a JSON object.
Result<std::string> add_routing_key(const std::string& stored_body, const std::string& routing_key);

}  // namespace vitals::notify
