#include "alerts/notify/flush_decision.h"

#include <algorithm>

namespace vitals::notify {
namespace {

// Both sorted.
bool is_subset(const std::vector<std::string>& subset, const std::vector<std::string>& of) {
  return std::includes(of.begin(), of.end(), subset.begin(), subset.end());
}

}  // namespace

bool needs_update(const FlushState& state) {
  const bool new_resolutions =
      state.send_resolved && !state.resolved.empty() &&
      (state.last == nullptr || !is_subset(state.resolved, state.last->resolved));
  if (state.last == nullptr) return !state.firing.empty() || new_resolutions;
  if (!is_subset(state.firing, state.last->firing)) return true;
  if (state.firing.empty()) {
    // Alertmanager tells the receiver everything resolved even without send_resolved (the
    // integration drops the message), so the log stops listing firing alerts.
    return !state.last->firing.empty() || new_resolutions;
  }
  if (new_resolutions) return true;
  // A repeat is due on the first flush at or after repeat_interval (Alertmanager waits for one
  // strictly after, which on a fake clock delays it by a whole group_interval).
  return state.any_unacked && state.last->timestamp_ms <= state.now_ms - state.repeat_interval_ms;
}

}  // namespace vitals::notify
