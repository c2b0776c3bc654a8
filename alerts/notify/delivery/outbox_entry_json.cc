#include "alerts/notify/delivery/outbox_entry_json.h"

#include "vitals/common/time_format.h"

namespace vitals::notify {
namespace {

nlohmann::ordered_json time_or_null(std::int64_t unix_ms) {
  if (unix_ms == 0) return nullptr;
  return format_rfc3339(WallTime(std::chrono::milliseconds(unix_ms)));
}

}  // namespace

nlohmann::ordered_json outbox_entry_json(const OutboxEntry& entry) {
  nlohmann::ordered_json out = {{"id", entry.id},
                                {"receiver", entry.receiver},
                                {"integration", entry.integration},
                                {"groupKey", entry.group_key},
                                {"dedupKey", entry.dedup_key},
                                {"state", to_string(entry.state)},
                                {"alertsFiring", entry.alerts_firing},
                                {"alertsResolved", entry.alerts_resolved},
                                {"createdAt", time_or_null(entry.created_ms)},
                                {"attempts", entry.attempts},
                                {"nextAttemptAt", time_or_null(entry.next_attempt_ms)},
                                {"doneAt", time_or_null(entry.done_ms)}};
  // Slack's URL is a secret and is not stored: its key is left out rather than shown empty.
  if (!entry.url.empty()) out["url"] = entry.url;
  if (!entry.last_error.empty()) out["lastError"] = entry.last_error;
  return out;
}

nlohmann::ordered_json outbox_entries_json(const std::vector<OutboxEntry>& entries) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const OutboxEntry& entry : entries) out.push_back(outbox_entry_json(entry));
  return out;
}

}  // namespace vitals::notify
