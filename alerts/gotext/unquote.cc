// strconv.Unquote and UnquoteChar (strconv.h).
#include "alerts/gotext/strconv.h"
#include "alerts/gotext/utf8.h"

namespace vitals::gotext {
namespace {

// strconv's unhex; -1 for a byte that is no hexadecimal digit.
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The escape sequence at s, which starts with a backslash: \n and the like, \xFF, \u00e9,
// \U0001F600, \377, and the quote character.
std::optional<UnquotedChar> unquote_escape(std::string_view s, char quote_char) {
  char e = s[1];
  switch (e) {
    case 'a':
      return UnquotedChar{'\a', false, 2};
    case 'b':
      return UnquotedChar{'\b', false, 2};
    case 'f':
      return UnquotedChar{'\f', false, 2};
    case 'n':
      return UnquotedChar{'\n', false, 2};
    case 'r':
      return UnquotedChar{'\r', false, 2};
    case 't':
      return UnquotedChar{'\t', false, 2};
    case 'v':
      return UnquotedChar{'\v', false, 2};
    case '\\':
      return UnquotedChar{'\\', false, 2};
    case '\'':
    case '"':
      if (e != quote_char) return std::nullopt;
      return UnquotedChar{static_cast<char32_t>(e), false, 2};
    default:
      break;
  }
  if (e == 'x' || e == 'u' || e == 'U') {
    std::size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
    if (s.size() < 2 + n) return std::nullopt;
    char32_t v = 0;
    for (std::size_t j = 0; j < n; ++j) {
      int x = hex_value(s[2 + j]);
      if (x < 0) return std::nullopt;
      v = (v << 4) | static_cast<char32_t>(x);
    }
    if (e == 'x') return UnquotedChar{v, false, 2 + n};  // a byte, possibly not UTF-8
    if (!valid_rune(v)) return std::nullopt;
    return UnquotedChar{v, true, 2 + n};
  }
  if (e < '0' || e > '7' || s.size() < 4) return std::nullopt;
  char32_t v = 0;
  for (std::size_t j = 1; j < 4; ++j) {
    if (s[j] < '0' || s[j] > '7') return std::nullopt;
    v = (v << 3) | static_cast<char32_t>(s[j] - '0');
  }
  if (v > 255) return std::nullopt;
  return UnquotedChar{v, false, 4};
}

}  // namespace

std::optional<UnquotedChar> unquote_char(std::string_view s, char quote_char) {
  if (s.empty()) return std::nullopt;
  auto c = static_cast<unsigned char>(s[0]);
  if (c == static_cast<unsigned char>(quote_char) && (quote_char == '\'' || quote_char == '"')) {
    return std::nullopt;
  }
  if (c >= 0x80) {
    DecodedRune d = decode_rune(s, 0);
    return UnquotedChar{d.rune, true, d.width};
  }
  if (c != '\\') return UnquotedChar{c, false, 1};
  if (s.size() <= 1) return std::nullopt;
  return unquote_escape(s, quote_char);
}

std::optional<std::string> unquote(std::string_view in) {
  if (in.size() < 2) return std::nullopt;
  char q = in[0];
  std::size_t end = in.find(q, 1);
  if (end == std::string_view::npos) return std::nullopt;
  if (q == '`') {
    if (end + 1 != in.size()) return std::nullopt;
    std::string out;
    for (char c : in.substr(1, end - 1)) {
      if (c != '\r') out += c;
    }
    return out;
  }
  if (q != '"' && q != '\'') return std::nullopt;
  std::string out;
  std::string_view rest = in.substr(1);
  while (!rest.empty() && rest[0] != q) {
    auto c = unquote_char(rest, q);
    if (rest[0] == '\n' || !c) return std::nullopt;
    rest.remove_prefix(c->used);
    if (c->rune < 0x80 || !c->multibyte) {
      out += static_cast<char>(c->rune);
    } else {
      append_rune(out, c->rune);
    }
    if (q == '\'') break;  // a rune literal holds exactly one rune
  }
  if (rest.empty() || rest[0] != q || rest.size() != 1) return std::nullopt;
  return out;
}

}  // namespace vitals::gotext
