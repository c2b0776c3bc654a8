// strconv.ParseFloat, ParseInt and ParseUint (strconv.h), with Go's syntax rules and messages.
#include <locale.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "alerts/gotext/strconv.h"

namespace vitals::gotext {
namespace {

// strconv's lower: an ASCII letter to lower case by setting the 0x20 bit, as Go compares them.
char lower(char c) {
  return static_cast<char>(c | ('x' - 'X'));
}

// strconv's underscoreOK: underscores only between digits or after a base prefix.
bool underscore_ok(std::string_view s) {
  char saw = '^';
  std::size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' &&
      (lower(s[1]) == 'b' || lower(s[1]) == 'o' || lower(s[1]) == 'x')) {
    i = 2;
    saw = '0';
    hex = lower(s[1]) == 'x';
  }
  for (; i < s.size(); ++i) {
    char c = s[i];
    if ((c >= '0' && c <= '9') || (hex && lower(c) >= 'a' && lower(c) <= 'f')) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

bool equal_fold_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::optional<double> special_float(std::string_view s) {
  if (s.empty()) return std::nullopt;
  const double inf = HUGE_VAL;
  switch (s[0]) {
    case '+':
      if (equal_fold_ascii(s, "+inf") || equal_fold_ascii(s, "+infinity")) return inf;
      break;
    case '-':
      if (equal_fold_ascii(s, "-inf") || equal_fold_ascii(s, "-infinity")) return -inf;
      break;
    case 'n':
    case 'N':
      if (equal_fold_ascii(s, "nan")) return std::nan("");
      break;
    case 'i':
    case 'I':
      if (equal_fold_ascii(s, "inf") || equal_fold_ascii(s, "infinity")) return inf;
      break;
    default:
      break;
  }
  return std::nullopt;
}

// strconv's readFloat, reduced to the syntax check: decimal or hexadecimal (with a mandatory
// p exponent) mantissa, optional exponent, underscores as Go allows them.
bool float_syntax_ok(std::string_view s) {
  std::size_t i = 0;
  bool underscores = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  bool hex = false;
  char exp_char = 'e';
  if (i + 2 < s.size() && s[i] == '0' && lower(s[i + 1]) == 'x') {
    hex = true;
    exp_char = 'p';
    i += 2;
  }
  bool saw_dot = false;
  bool saw_digits = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '_') {
      underscores = true;
    } else if (c == '.') {
      if (saw_dot) return false;
      saw_dot = true;
    } else if ((c >= '0' && c <= '9') || (hex && lower(c) >= 'a' && lower(c) <= 'f')) {
      saw_digits = true;
    } else {
      break;
    }
  }
  if (!saw_digits) return false;
  if (i < s.size() && lower(s[i]) == exp_char) {
    ++i;
    if (i >= s.size()) return false;
    if (s[i] == '+' || s[i] == '-') ++i;
    if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
    for (; i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_'); ++i) {
      if (s[i] == '_') underscores = true;
    }
  } else if (hex) {
    return false;
  }
  if (i != s.size()) return false;
  return !underscores || underscore_ok(s);
}

std::string num_error(std::string_view fn, std::string_view input, std::string_view why) {
  return "strconv." + std::string(fn) + ": parsing " + quote(input) + ": " + std::string(why);
}

}  // namespace

Result<double> parse_float(std::string_view s) {
  if (auto special = special_float(s)) return *special;
  if (!float_syntax_ok(s)) {
    return make_error(ErrorCode::InvalidArgument, num_error("ParseFloat", s, "invalid syntax"));
  }
  std::string cleaned;
  for (char c : s) {
    if (c != '_') cleaned += c;
  }
  static const locale_t c_locale = newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(0));
  errno = 0;
  double value = strtod_l(cleaned.c_str(), nullptr, c_locale);
  if (std::isinf(value)) {
    return make_error(ErrorCode::InvalidArgument, num_error("ParseFloat", s, "value out of range"));
  }
  return value;
}

std::optional<std::uint64_t> parse_uint(std::string_view s0) {
  if (s0.empty()) return std::nullopt;
  std::string_view s = s0;
  unsigned base = 10;
  if (s[0] == '0') {
    if (s.size() >= 3 && lower(s[1]) == 'b') {
      base = 2, s.remove_prefix(2);
    } else if (s.size() >= 3 && lower(s[1]) == 'o') {
      base = 8, s.remove_prefix(2);
    } else if (s.size() >= 3 && lower(s[1]) == 'x') {
      base = 16, s.remove_prefix(2);
    } else {
      base = 8, s.remove_prefix(1);
    }
  }
  std::uint64_t n = 0;
  bool underscores = false;
  for (char c : s) {
    unsigned d = 0;
    if (c == '_') {
      underscores = true;
      continue;
    }
    if (c >= '0' && c <= '9') {
      d = static_cast<unsigned>(c - '0');
    } else if (lower(c) >= 'a' && lower(c) <= 'z') {
      d = static_cast<unsigned>(lower(c) - 'a' + 10);
    } else {
      return std::nullopt;
    }
    if (d >= base) return std::nullopt;
    if (n > (UINT64_MAX - d) / base) return std::nullopt;
    n = n * base + d;
  }
  if (underscores && !underscore_ok(s0)) return std::nullopt;
  return n;
}

std::optional<std::int64_t> parse_int(std::string_view s) {
  if (s.empty()) return std::nullopt;
  bool neg = false;
  std::string_view body = s;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    body.remove_prefix(1);
  }
  auto un = parse_uint(body);
  if (!un) return std::nullopt;
  constexpr std::uint64_t kCutoff = std::uint64_t{1} << 63;
  if (!neg && *un >= kCutoff) return std::nullopt;
  if (neg && *un > kCutoff) return std::nullopt;
  if (neg) return static_cast<std::int64_t>(~*un + 1);
  return static_cast<std::int64_t>(*un);
}

}  // namespace vitals::gotext
