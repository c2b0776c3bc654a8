// The notification log's rows as the agent's API shows them (`/api/v1/notifications`, say):
// RFC 3339 times, null for times that have not happened, no body and no secret. Pure;
// thread-safe.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "alerts/notify/delivery/outbox_row.h"

namespace vitals::notify {

nlohmann::ordered_json outbox_entry_json(const OutboxEntry& entry);
nlohmann::ordered_json outbox_entries_json(const std::vector<OutboxEntry>& entries);

}  // namespace vitals::notify
