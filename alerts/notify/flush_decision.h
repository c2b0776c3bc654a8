// Whether a group's flush sends a notification to one receiver: Alertmanager's DedupStage
// (needsUpdate) over the notification log, plus what vitals adds: acknowledged alerts do not
// make repeats, and resolutions of dependency-suppressed alerts count. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "alerts/notify/notification_log.h"

namespace vitals::notify {

struct FlushState {
  const LogEntry* last{nullptr};        // the last notification; null: none yet
  std::vector<std::string> firing{};    // fingerprints (sorted) of firing alerts not muted
  std::vector<std::string> resolved{};  // fingerprints (sorted) of resolutions worth sending
  bool any_unacked{false};              // some alert of `firing` is not acknowledged
  bool send_resolved{true};             // the receiver wants resolutions
  std::int64_t now_ms{0};
  std::int64_t repeat_interval_ms{0};
};

// Sends when: nothing was sent yet and something fires (or a resolution is worth sending); a
// firing alert is new since the last notification; everything resolved after the last
// notification had firing alerts; the receiver wants resolutions and there are new ones; or
// repeat_interval has passed since the last notification and an unacknowledged alert fires.
bool needs_update(const FlushState& state);

}  // namespace vitals::notify
