// Go's unicode/utf8 (utf8.h).
#include "alerts/gotext/utf8.h"

namespace vitals::gotext {

DecodedRune decode_rune(std::string_view s, std::size_t at) {
  if (at >= s.size()) return {kRuneError, 0};
  auto b0 = static_cast<unsigned char>(s[at]);
  if (b0 < 0x80) return {b0, 1};
  std::size_t need = 0;
  char32_t r = 0;
  char32_t min = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 1, r = b0 & 0x1F, min = 0x80;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 2, r = b0 & 0x0F, min = 0x800;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 3, r = b0 & 0x07, min = 0x10000;
  } else {
    return {kRuneError, 1};
  }
  if (at + need >= s.size()) return {kRuneError, 1};
  for (std::size_t k = 1; k <= need; ++k) {
    auto b = static_cast<unsigned char>(s[at + k]);
    if ((b & 0xC0) != 0x80) return {kRuneError, 1};
    r = (r << 6) | (b & 0x3F);
  }
  // Overlong forms and surrogates decode as errors, as in Go.
  if (r < min || !valid_rune(r)) return {kRuneError, 1};
  return {r, need + 1};
}

DecodedRune decode_last_rune(std::string_view s, std::size_t end) {
  if (end == 0) return {kRuneError, 0};
  std::size_t start = end - 1;
  std::size_t limit = end >= 4 ? end - 4 : 0;
  while (start > limit && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
  DecodedRune d = decode_rune(s.substr(0, end), start);
  if (start + d.width != end) return {kRuneError, 1};
  return d;
}

void append_rune(std::string& out, char32_t r) {
  if (!valid_rune(r)) r = kRuneError;
  if (r < 0x80) {
    out += static_cast<char>(r);
  } else if (r < 0x800) {
    out += static_cast<char>(0xC0 | (r >> 6));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else if (r < 0x10000) {
    out += static_cast<char>(0xE0 | (r >> 12));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (r >> 18));
    out += static_cast<char>(0x80 | ((r >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  }
}

std::size_t rune_count(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); i += decode_rune(s, i).width) ++n;
  return n;
}

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    DecodedRune d = decode_rune(s, i);
    if (d.invalid()) return false;
    i += d.width;
  }
  return true;
}

}  // namespace vitals::gotext
