// What the receivers' payloads share: Go's JSON time format (Alertmanager's bodies are made by
// Go's encoding/json), label maps, a group's status and common labels, and Alertmanager's
// default one-line subject. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "alerts/notify/notification.h"

namespace vitals::notify {

// Settings every encoder may need that the notification does not carry.
struct PayloadOptions {
  std::string external_url{};      // the agent's URL as people reach it ("externalURL")
  std::string source{"vitals"};    // PagerDuty's payload.source and client
  std::string username{"vitals"};  // Slack's username
};

// Go's time.Time in JSON (RFC 3339, UTC, trailing fractional zeros dropped); 0 is Go's zero
// time "0001-01-01T00:00:00Z", which Alertmanager sends for an unknown end.
std::string go_time(std::int64_t unix_ms);

// A label set as a JSON object, keys in sorted order.
nlohmann::ordered_json kv_json(const LabelPairs& pairs);

// "firing" when any alert fires, else "resolved" (Alertmanager's Alerts.Status()).
std::string group_status(const std::vector<NotifiedAlert>& alerts);
std::size_t count_firing(const std::vector<NotifiedAlert>& alerts);

// The labels (or annotations) every alert has with the same value.
LabelPairs common_labels(const std::vector<NotifiedAlert>& alerts);
LabelPairs common_annotations(const std::vector<NotifiedAlert>& alerts);

// The value of `name`, or "" when absent.
std::string_view value_of(const LabelPairs& pairs, std::string_view name);

// Alertmanager's `__subject` template: "[FIRING:2] HighLatency api (page)": the status, the
// group labels' values, then in parentheses the values of common labels that are not group
// labels.
std::string subject_line(const Notification& notification,
                         const std::vector<NotifiedAlert>& alerts);

// `text` cut to at most `max_bytes` bytes on a UTF-8 boundary, ending in "…" when cut.
std::string truncate_utf8(std::string text, std::size_t max_bytes);

}  // namespace vitals::notify
