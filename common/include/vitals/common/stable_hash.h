// A hash that is the same in every process and build (FNV-1a, 64 bit), unlike std::hash: for
// anything that must not move across restarts, such as a target's phase or shard.
#pragma once

#include <cstdint>
#include <string_view>

namespace vitals {

constexpr std::uint64_t stable_hash(std::string_view text) {
  std::uint64_t hash = 1469598103934665603ull;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

}  // namespace vitals
