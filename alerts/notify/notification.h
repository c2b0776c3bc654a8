// What the notifier hands to the outbox: one message for one receiver about one aggregation
// group, in Alertmanager's terms. The dispatcher (routing, grouping, inhibition, silences) makes
// these; the receivers' encoders turn them into webhook / PagerDuty / Slack bodies.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "agent/store/label_set.h"

namespace vitals::notify {

// One alert as a notification carries it (Alertmanager's webhook "alerts" entry).
struct NotifiedAlert {
  LabelPairs labels{};       // sorted by name; alertname included
  LabelPairs annotations{};  // sorted by name
  bool firing{true};         // false: resolved
  std::int64_t starts_at_ms{0};
  std::int64_t ends_at_ms{0};  // 0 while firing with no known end
  std::string generator_url{};
  std::string fingerprint{};  // 16 hex digits, stable for the label set (see fingerprint())
};

// One group's message to one receiver. `alerts` lists the group's firing alerts first, then its
// resolved ones, each part sorted by labels, as Alertmanager sends them.
struct Notification {
  std::string receiver{};
  std::string group_key{};  // Alertmanager's `{route path}:{group labels}`, stable across restarts
  LabelPairs group_labels{};  // the group_by labels' values (sorted by name)
  std::vector<NotifiedAlert> alerts{};
  std::int64_t created_ms{0};  // wall time the dispatcher flushed the group
};

}  // namespace vitals::notify
