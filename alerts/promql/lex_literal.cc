// The literals of Lexer (lexer.h): numbers and durations as Go's scanNumber and Prometheus'
// duration rule read them, and strings with Go's escapes, checked as go/scanner checks them.
#include "alerts/gotext/utf8.h"
#include "alerts/promql/lexer.h"
#include "alerts/promql/quoting.h"

namespace vitals::promql {
namespace {

using detail::is_alnum;

constexpr std::string_view kDigits = "0123456789";
constexpr std::string_view kHexDigits = "0123456789abcdefABCDEF";

// A digit's value in bases up to 16; 16 for anything else.
int digit_value(char32_t c) {
  if (c >= '0' && c <= '9') return static_cast<int>(c - '0');
  if (c >= 'a' && c <= 'f') return static_cast<int>(c - 'a' + 10);
  if (c >= 'A' && c <= 'F') return static_cast<int>(c - 'A' + 10);
  return 16;
}

}  // namespace

// Go's scanNumber: decimal, hex, octal and float syntax, underscores between digits. A number
// must not run into a letter, which is how "5m" becomes a duration instead.
bool Lexer::scan_number() {
  const std::size_t initial = pos_;
  std::string_view digits = kDigits;
  if (accept("0") && accept("xX")) {
    accept("_");
    digits = kHexDigits;
  }
  accept(".");
  accept(digits);
  bool dot_seen = false;
  bool exponent_seen = false;
  std::string pattern = std::string(digits) + "._eE";
  while (is(pattern)) {
    if (is(".") && dot_seen) {
      accept(".");
      return false;
    }
    if (is("eE") && exponent_seen) {
      accept("eE");
      return false;
    }
    if (accept(".")) {
      dot_seen = true;
      if (accept("_.")) return false;
      if (digits.size() > kDigits.size()) return false;  // no hexadecimal fractions
      continue;
    }
    if (accept("eE")) {
      exponent_seen = true;
      accept("+-");
      if (accept("._eE") || at_end()) return false;
      continue;
    }
    if (accept("_")) {
      if (accept("._eE") || at_end()) return false;
      continue;
    }
    while (accept(digits)) {
    }
  }
  if (pos_ == initial) return false;
  return at_end() || !is_alnum(peek_char());
}

// Units after a number: "5m", "1h30m", "1s500ms". Bad combinations such as "5y1hs" pass here
// and fail when the duration is parsed, as in Prometheus.
bool Lexer::accept_remaining_duration() {
  if (!accept("smhdwy")) return false;
  accept("s");
  while (accept(kDigits)) {
    while (accept(kDigits)) {
    }
    if (!accept("smhdw")) return false;
    accept("s");
  }
  if (at_end()) return true;
  // Go reads one more rune here and puts it back on success; on failure it stays in the token.
  const std::size_t length = gotext::decode_rune(input_, pos_).width;
  if (is_alnum(input_[pos_])) {
    pos_ += length;
    return false;
  }
  return true;
}

Token Lexer::number_or_duration() {
  if (scan_number()) return emit(TokenKind::Number);
  if (accept_remaining_duration()) return emit(TokenKind::Duration);
  return fail("bad number or duration syntax: " + go_quote(input_.substr(start_, pos_ - start_)));
}

Token Lexer::string_literal(char quote) {
  for (;;) {
    if (at_end()) return fail("unterminated quoted string");
    const gotext::DecodedRune r = gotext::decode_rune(input_, pos_);
    if (r.invalid()) return fail("invalid UTF-8 rune");
    pos_ += r.width;
    if (r.rune == '\\') {
      std::string error;
      if (!escape(quote, error)) return fail(error);
    } else if (r.rune == '\n') {
      return fail("unterminated quoted string");
    } else if (r.rune == static_cast<char32_t>(quote)) {
      return emit(TokenKind::String);
    }
  }
}

Token Lexer::raw_string() {
  for (;;) {
    if (at_end()) return fail("unterminated raw string");
    const gotext::DecodedRune r = gotext::decode_rune(input_, pos_);
    if (r.invalid()) return fail("invalid UTF-8 rune");
    pos_ += r.width;
    if (r.rune == '`') return emit(TokenKind::String);
  }
}

// Go's escapes after a backslash, checked as go/scanner checks them.
bool Lexer::escape(char quote, std::string& error) {
  if (at_end()) {
    error = "escape sequence not terminated";
    return false;
  }
  gotext::DecodedRune r = gotext::decode_rune(input_, pos_);
  pos_ += r.width;
  int count = 0;
  int base = 0;
  char32_t max = 0;
  switch (r.rune) {
    case 'a':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't':
    case 'v':
    case '\\':
      return true;
    case 'x':
      count = 2, base = 16, max = 255;
      break;
    case 'u':
      count = 4, base = 16, max = 0x10FFFF;
      break;
    case 'U':
      count = 8, base = 16, max = 0x10FFFF;
      break;
    default:
      if (r.rune == static_cast<char32_t>(quote)) return true;
      if (r.rune >= '0' && r.rune <= '7') {
        count = 3, base = 8, max = 255;
        pos_ -= r.width;  // the first digit counts
        break;
      }
      error = "unknown escape sequence " + go_rune_name(r.rune);
      return false;
  }
  char32_t value = 0;
  for (; count > 0; --count) {
    if (at_end()) {
      error = "escape sequence not terminated";
      return false;
    }
    r = gotext::decode_rune(input_, pos_);
    const int digit = digit_value(r.rune);
    if (digit >= base) {
      error = "illegal character " + go_rune_name(r.rune) + " in escape sequence";
      return false;
    }
    pos_ += r.width;
    value = value * base + digit;
  }
  if (value > max || (value >= 0xD800 && value < 0xE000)) {
    error = "escape sequence is an invalid Unicode code point";
    return false;
  }
  return true;
}

}  // namespace vitals::promql
