// strconv.Quote, QuoteToASCII, QuoteRune and CanBackquote (strconv.h).
#include "alerts/gotext/strconv.h"
#include "alerts/gotext/unicode.h"
#include "alerts/gotext/utf8.h"

namespace vitals::gotext {
namespace {

constexpr char kLowerHex[] = "0123456789abcdef";

void append_hex(std::string& out, std::uint32_t value, int digits) {
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4)
    out += kLowerHex[(value >> shift) & 0xF];
}

// strconv's appendEscapedRune.
void append_escaped_rune(std::string& out, char32_t r, char quote_char, bool ascii_only) {
  if (r == static_cast<char32_t>(quote_char) || r == '\\') {
    out += '\\';
    append_rune(out, r);
    return;
  }
  if (ascii_only) {
    if (r < 0x80 && is_print(r)) {
      out += static_cast<char>(r);
      return;
    }
  } else if (is_print(r)) {
    append_rune(out, r);
    return;
  }
  switch (r) {
    case '\a':
      out += "\\a";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\v':
      out += "\\v";
      return;
    default:
      break;
  }
  if (r < ' ' || r == 0x7F) {
    out += "\\x";
    append_hex(out, r, 2);
  } else if (!valid_rune(r) || r < 0x10000) {
    out += "\\u";
    append_hex(out, valid_rune(r) ? r : kRuneError, 4);
  } else {
    out += "\\U";
    append_hex(out, r, 8);
  }
}

std::string quote_with(std::string_view s, bool ascii_only) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size();) {
    DecodedRune d = decode_rune(s, i);
    if (d.invalid()) {
      out += "\\x";
      append_hex(out, static_cast<unsigned char>(s[i]), 2);
    } else {
      append_escaped_rune(out, d.rune, '"', ascii_only);
    }
    i += d.width;
  }
  out += '"';
  return out;
}

}  // namespace

std::string quote(std::string_view s) {
  return quote_with(s, false);
}

std::string quote_to_ascii(std::string_view s) {
  return quote_with(s, true);
}

std::string quote_rune(char32_t r, bool ascii_only) {
  if (!valid_rune(r)) r = kRuneError;
  std::string out = "'";
  append_escaped_rune(out, r, '\'', ascii_only);
  out += '\'';
  return out;
}

bool can_backquote(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    DecodedRune d = decode_rune(s, i);
    i += d.width;
    if (d.width > 1) {
      if (d.rune == 0xFEFF) return false;
      continue;
    }
    if (d.rune == kRuneError) return false;
    if ((d.rune < ' ' && d.rune != '\t') || d.rune == '`' || d.rune == 0x7F) return false;
  }
  return true;
}

}  // namespace vitals::gotext
