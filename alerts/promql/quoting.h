// PromQL's text conventions on top of Go's strconv (alerts/gotext): error messages quote tokens
// as Go's %q does, string literals unquote by Prometheus' strutil.Unquote (Go's rules, except
// that '…' holds a string and `…` keeps carriage returns), and the printer leaves legacy label
// names bare.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "alerts/gotext/strconv.h"

namespace vitals::promql {

// fmt's %q, which Prometheus' parse and evaluation errors use: strconv.Quote. Named for its
// callers here and in the rule-test runner, which word their messages after Prometheus'.
inline std::string go_quote(std::string_view text) {
  return gotext::quote(text);
}
// fmt's %#U: "U+0063 'c'", or "U+000A" for a rune that does not print.
std::string go_rune_name(char32_t rune);
// fmt's %q with a precision of `max_runes`, then "..." when cut, as Prometheus names long tokens.
std::string go_quote_cut(std::string_view text, std::size_t max_runes);

// The value of a string literal the lexer accepted, by Prometheus' strutil.Unquote: Go's
// escapes in "…" and in '…' alike (Go's own Unquote allows one rune between single quotes), and
// `…` taken as it stands (Go's drops carriage returns).
std::string unquote(std::string_view literal);

// [a-zA-Z_][a-zA-Z0-9_]*: names the printer writes without quotes.
bool is_legacy_label_name(std::string_view name);

}  // namespace vitals::promql
