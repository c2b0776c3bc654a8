#include "alerts/notify/silence.h"

namespace vitals::notify {

std::string_view to_string(SilenceState state) {
  switch (state) {
    case SilenceState::Pending:
      return "pending";
    case SilenceState::Active:
      return "active";
    case SilenceState::Expired:
      return "expired";
  }
  return "expired";
}

SilenceState silence_state(const Silence& silence, std::int64_t now_ms) {
  if (now_ms < silence.starts_at_ms) return SilenceState::Pending;
  if (now_ms < silence.ends_at_ms) return SilenceState::Active;
  return SilenceState::Expired;
}

}  // namespace vitals::notify
