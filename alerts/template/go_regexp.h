// Go's regexp for match and reReplaceAll, on RE2 (Go's regexp syntax and leftmost-first
// semantics are RE2's): compile errors spelled as Go's regexp/syntax spells them, and
// ReplaceAllString with Go's rules for empty matches and "$1", "${1}", "$name" expansion.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vitals/common/error.h"

namespace re2 {
class RE2;
}

namespace vitals::alert_template::detail {

// Immutable once compiled; safe to share between threads.
class GoRegexp {
 public:
  // regexp.Compile. The error is Go's: "error parsing regexp: missing closing ): `(`".
  static Result<GoRegexp> compile(std::string_view pattern);

  // Regexp.MatchString.
  bool match(std::string_view s) const;
  // Regexp.ReplaceAllString.
  std::string replace_all(std::string_view src, std::string_view repl) const;

 private:
  void expand(std::string& out, std::string_view repl,
              const std::vector<std::string_view>& groups) const;

  std::shared_ptr<const re2::RE2> re_;
  std::vector<std::string> group_names_;  // by group index; "" for unnamed and for group 0
};

// The text regexp.MustCompile panics with: "regexp: Compile(`(`): error parsing regexp: …".
std::string must_compile_message(std::string_view pattern, const Error& error);

}  // namespace vitals::alert_template::detail
