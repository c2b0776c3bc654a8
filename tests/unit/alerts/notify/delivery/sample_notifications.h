// Notifications for the delivery tests: a group of alerts with realistic labels, built in one
// line, so each test shows only what it is about.
#pragma once

#include <string>
#include <vector>

#include "alerts/notify/notification.h"

namespace vitals::notify::testing {

// 2026-01-01T00:00:00Z, the fake clock's start.
inline constexpr std::int64_t kStartMs = 1767225600000;

inline NotifiedAlert sample_alert(std::string instance, bool firing = true) {
  NotifiedAlert alert{
      .labels = {{"alertname", "HighLatency"},
                 {"instance", std::move(instance)},
                 {"service", "card-service"},
                 {"severity", "page"}},
      .annotations = {{"runbook", "https://runbooks/latency"}, {"summary", "p99 above 1s"}},
      .firing = firing,
      .starts_at_ms = kStartMs - 60'000,
      .ends_at_ms = firing ? 0 : kStartMs,
      .generator_url = "http://agent:9464/graph?g0.expr=latency",
      .fingerprint = "0123456789abcdef"};
  return alert;
}

inline Notification sample_notification(std::string group_key = "{}:{alertname=\"HighLatency\"}",
                                        std::vector<NotifiedAlert> alerts = {sample_alert("a:1"),
                                                                             sample_alert("b:1")}) {
  return Notification{.receiver = "oncall",
                      .group_key = std::move(group_key),
                      .group_labels = {{"alertname", "HighLatency"}},
                      .alerts = std::move(alerts),
                      .created_ms = kStartMs};
}

}  // namespace vitals::notify::testing
