// The four ways a label matcher compares, shared by PromQL selectors (agent/store) and
// Alertmanager's matchers (agent/config, alerts/notify): = != =~ !~.
#pragma once

#include <cstdint>
#include <string_view>

namespace vitals {

enum class MatchOp : std::uint8_t { Equal, NotEqual, Regex, NotRegex };

// "=", "!=", "=~", "!~".
constexpr std::string_view to_string(MatchOp op) {
  switch (op) {
    case MatchOp::Equal:
      return "=";
    case MatchOp::NotEqual:
      return "!=";
    case MatchOp::Regex:
      return "=~";
    case MatchOp::NotRegex:
      return "!~";
  }
  return "=";
}

}  // namespace vitals
