// Go's strconv, as Prometheus' PromQL parser and the alert templates (text/template, fmt) use it:
// quoting (quote.cc), unquoting (unquote.cc), number parsing (parse_number.cc) and FormatFloat
// (format_float.cc). Prometheus writes strconv's output and error texts into query errors, API
// responses and annotations, so these reproduce Go byte for byte, errors included
// ("strconv.ParseFloat: parsing \"x\": invalid syntax").
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "vitals/common/error.h"

namespace vitals::gotext {

// strconv.Quote: "…" with Go's escapes; a rune unicode.IsPrint refuses as \a, \x01, \u00a0 or
// \U000e0001, a byte that is not UTF-8 as \xff. It is fmt's %q, which Prometheus' errors use.
std::string quote(std::string_view s);
// strconv.QuoteToASCII: as quote, but every rune past ASCII as \u or \U (fmt's %+q).
std::string quote_to_ascii(std::string_view s);
// strconv.QuoteRune and QuoteRuneToASCII: 'a', '\n', '\''; an invalid rune as '�'.
std::string quote_rune(char32_t r, bool ascii_only = false);
// strconv.CanBackquote: whether s can be written as a `raw` string (fmt's %#q).
bool can_backquote(std::string_view s);

// strconv.Unquote for "…", `…` (carriage returns dropped) and '…' (exactly one rune); nullopt
// where Go reports "invalid syntax".
std::optional<std::string> unquote(std::string_view s);
// strconv.UnquoteChar on the start of s, where `quote` is the enclosing quote character (an
// escaped one is allowed, a bare one refused): the rune, whether it must be written as UTF-8
// (false for \x and octal escapes, which stand for one byte), and the bytes it used.
struct UnquotedChar {
  char32_t rune = 0;
  bool multibyte = false;
  std::size_t used = 0;
};
std::optional<UnquotedChar> unquote_char(std::string_view s, char quote);

// strconv.ParseFloat(s, 64): decimal and hexadecimal syntax, underscores, "Inf"/"NaN", and Go's
// error message, including "value out of range" for an overflow (an underflow is no error).
Result<double> parse_float(std::string_view s);
// strconv.ParseInt(s, 0, 64) and ParseUint(s, 0, 64): base prefixes, a leading 0 for octal,
// underscores. nullopt on any error: Prometheus' callers only ask whether the parse worked before
// they try ParseFloat.
std::optional<std::int64_t> parse_int(std::string_view s);
std::optional<std::uint64_t> parse_uint(std::string_view s);

// strconv.FormatFloat(v, fmt, prec, 64) for fmt in b e E f g G x X; prec < 0 is the shortest
// form that reads back to v. Infinities are "+Inf" and "-Inf", NaN is "NaN", as Go writes them.
std::string format_float(double v, char fmt, int prec);

}  // namespace vitals::gotext
