#include "alerts/notify/delivery/outbox_entry_json.h"

#include <doctest/doctest.h>

using namespace vitals::notify;

TEST_CASE("a log row shows RFC 3339 times, null for what has not happened, and no empty URL") {
  OutboxEntry entry{.id = 7,
                    .receiver = "chat",
                    .integration = "slack[0]",
                    .group_key = "{}:{}",
                    .dedup_key = "abc",
                    .state = DeliveryState::Pending,
                    .created_ms = 1767225600123,
                    .attempts = 2,
                    .next_attempt_ms = 1767225601000,
                    .last_error = "HTTP 503",
                    .alerts_firing = 1};
  auto json = outbox_entry_json(entry);
  CHECK(json["id"] == 7);
  CHECK(json["state"] == "pending");
  CHECK(json["createdAt"] == "2026-01-01T00:00:00.123Z");
  CHECK(json["nextAttemptAt"] == "2026-01-01T00:00:01.000Z");
  CHECK(json["doneAt"].is_null());
  CHECK_FALSE(json.contains("url"));
  CHECK(json["lastError"] == "HTTP 503");
  CHECK(json["alertsFiring"] == 1);
  CHECK(outbox_entries_json({entry, entry}).size() == 2);
}
