// What the dispatcher knows, for the API: every alert with the reasons it is or is not being
// notified, and the aggregation groups. Immutable snapshots (see Dispatcher::status()).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/store/label_set.h"
#include "alerts/notify/notification.h"

namespace vitals::notify {

struct AlertStatus {
  NotifiedAlert alert{};  // as a notification would carry it now (firing or resolved)
  std::vector<std::string> silenced_by{};   // ids of active silences matching it
  std::vector<std::string> inhibited_by{};  // fingerprints of the firing alerts inhibiting it
  std::optional<std::string> dependency{};  // why a dependency suppresses it, while it does
  bool acked{false};                        // repeats stopped until it resolves or re-fires
  std::vector<std::string> receivers{};     // of the routes it matches, in route order

  bool suppressed() const {
    return !silenced_by.empty() || !inhibited_by.empty() || dependency.has_value();
  }
  // Alertmanager's status.state: "suppressed" or "active".
  std::string_view state() const { return suppressed() ? "suppressed" : "active"; }
};

struct GroupStatus {
  std::string group_key{};
  std::string receiver{};
  LabelPairs labels{};                      // the group_by labels' values
  std::vector<std::string> fingerprints{};  // its alerts, sorted
};

struct DispatchStatus {
  std::int64_t updated_at_ms{0};
  std::vector<AlertStatus> alerts{};  // sorted by labels
  std::vector<GroupStatus> groups{};  // sorted by group key, then receiver
};

}  // namespace vitals::notify
