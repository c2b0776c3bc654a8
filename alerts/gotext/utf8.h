// Go's unicode/utf8: decoding that turns each invalid byte into U+FFFD of width 1, encoding,
// and validity. Prometheus decides with these what a label name is and how a string quotes, so
// an overlong form or a surrogate must be refused exactly where Go refuses it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vitals::gotext {

inline constexpr char32_t kRuneError = 0xFFFD;  // utf8.RuneError
inline constexpr char32_t kMaxRune = 0x10FFFF;  // utf8.MaxRune

struct DecodedRune {
  char32_t rune = 0;
  std::size_t width = 0;  // bytes consumed: 0 at the end of the text, 1 for an invalid byte

  // Go's test for a decoding error: RuneError of width 1 (an encoded U+FFFD has width 3).
  bool invalid() const { return rune == kRuneError && width == 1; }
};

// utf8.DecodeRuneInString(s[at:]).
DecodedRune decode_rune(std::string_view s, std::size_t at);
// utf8.DecodeLastRuneInString(s[:end]).
DecodedRune decode_last_rune(std::string_view s, std::size_t end);
// utf8.AppendRune: a rune that is not valid is written as U+FFFD.
void append_rune(std::string& out, char32_t rune);
// utf8.RuneCountInString: each invalid byte counts as one rune.
std::size_t rune_count(std::string_view s);
// utf8.ValidString: no invalid byte, overlong form, surrogate or code point past U+10FFFF.
bool valid_utf8(std::string_view s);

// utf8.ValidRune.
inline bool valid_rune(char32_t r) {
  return r <= kMaxRune && !(r >= 0xD800 && r <= 0xDFFF);
}

}  // namespace vitals::gotext
