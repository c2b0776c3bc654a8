// A silence as Alertmanager has it: matchers that mute every alert they all match between
// starts_at and ends_at. Plain value; the store (silence_store.h) validates and keeps them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vitals::notify {

struct Silence {
  std::string id{};                     // UUID-like, given by the store
  std::vector<std::string> matchers{};  // Alertmanager syntax, as written (`service="card"`)
  std::int64_t starts_at_ms{0};         // Unix milliseconds
  std::int64_t ends_at_ms{0};
  std::string created_by{};
  std::string comment{};
  std::int64_t updated_at_ms{0};
};

enum class SilenceState : std::uint8_t { Pending, Active, Expired };
std::string_view to_string(SilenceState state);  // "pending", "active", "expired"

// Pending before starts_at, active in [starts_at, ends_at), expired from ends_at on.
SilenceState silence_state(const Silence& silence, std::int64_t now_ms);

}  // namespace vitals::notify
