// Alertmanager's matcher syntax (`severity="page"`, `service=~"card-.*"`), used by routes,
// inhibit rules and status page components. The config keeps matchers as written; this parses
// one so the config can be checked and the notifier can build real matchers from it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vitals/common/error.h"
#include "vitals/common/match_op.h"

namespace vitals {

struct ParsedMatcher {
  std::string name{};
  MatchOp op{MatchOp::Equal};
  std::string value{};  // unescaped; for Regex/NotRegex an RE2 pattern, to match whole values
};

// Parses `name op value` with op one of = != =~ !~; the value is either double-quoted (with \"
// \\ \n escapes) or bare, as Alertmanager allows. Regex values must compile with RE2. Errors are
// InvalidArgument without a location; the caller knows where the text came from.
Result<ParsedMatcher> parse_label_matcher(std::string_view text);

}  // namespace vitals
