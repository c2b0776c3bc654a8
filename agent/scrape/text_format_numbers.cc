// Numbers as Prometheus reads them: sample values through Go's strconv.ParseFloat rules,
// text-format timestamps as int64 milliseconds, OpenMetrics timestamps as seconds.
#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <limits>

#include "agent/scrape/text_format_lexer.h"

namespace vitals::detail {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool equals_lowercase(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != lower[i]) return false;
  }
  return true;
}

struct DecimalShape {
  bool valid = false;
  bool exponent = false;
};

// digits ["." digits] [("e"|"E") [sign] digits], with at least one mantissa digit.
DecimalShape decimal_shape(std::string_view text) {
  std::size_t i = 0;
  std::size_t digits = 0;
  for (; i < text.size() && is_digit(text[i]); ++i) ++digits;
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && is_digit(text[i]); ++i) ++digits;
  }
  if (digits == 0) return {};
  DecimalShape shape{.valid = true};
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    shape.exponent = true;
    if (++i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    const std::size_t exponent_start = i;
    while (i < text.size() && is_digit(text[i])) ++i;
    if (i == exponent_start) return {};
  }
  shape.valid = i == text.size();
  return shape;
}

// from_chars says "out of range" for both 1e400 and 1e-400; Go's ParseFloat fails the first
// and returns 0 for the second. The decimal magnitude tells them apart.
bool underflows(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && (text[i] == '0' || text[i] == '.')) ++i;
  const std::size_t point = text.find('.');
  const std::size_t mantissa_end = text.find_first_of("eE");
  const std::size_t int_end = std::min(point, mantissa_end);
  long magnitude =
      i < int_end ? static_cast<long>(int_end - i) - 1 : -static_cast<long>(i - std::min(point, i));
  if (mantissa_end != std::string_view::npos) {
    long exponent = 0;
    std::string_view digits = text.substr(mantissa_end + 1);
    const bool negative = !digits.empty() && digits[0] == '-';
    if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) digits.remove_prefix(1);
    for (char c : digits) exponent = std::min(exponent * 10 + (c - '0'), 1000000L);
    magnitude += negative ? -exponent : exponent;
  }
  return magnitude < 0;
}

std::optional<double> parse_decimal(std::string_view text) {
  // Clinger's fast path: up to 15 digits and no exponent make an exact integer and an exact
  // power of ten, whose quotient is the correctly rounded double, without from_chars.
  static constexpr double kPowersOfTen[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                            1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  if (text.size() <= 16) {
    std::uint64_t mantissa = 0;
    int digits = 0;
    int fraction_digits = -1;  // -1 until the point
    std::size_t i = 0;
    for (; i < text.size(); ++i) {
      const char c = text[i];
      if (is_digit(c)) {
        mantissa = mantissa * 10 + static_cast<std::uint64_t>(c - '0');
        ++digits;
        if (fraction_digits >= 0) ++fraction_digits;
      } else if (c == '.' && fraction_digits < 0) {
        fraction_digits = 0;
      } else {
        break;
      }
    }
    if (i == text.size() && digits > 0 && digits <= 15) {
      const double value = static_cast<double>(mantissa);
      return fraction_digits > 0 ? value / kPowersOfTen[fraction_digits] : value;
    }
  }
  if (!decimal_shape(text).valid) return std::nullopt;
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec == std::errc::result_out_of_range) {
    if (!underflows(text)) return std::nullopt;
    return 0.0;
  }
  if (ec != std::errc{} || ptr != end) return std::nullopt;
  return value;
}

bool split_sign(std::string_view& text) {
  const bool negative = !text.empty() && text[0] == '-';
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) text.remove_prefix(1);
  return negative;
}

}  // namespace

std::optional<double> parse_sample_value(std::string_view text) {
  std::string_view digits = text;
  const bool negative = split_sign(digits);
  if (digits.empty()) return std::nullopt;
  if (!is_digit(digits[0]) && digits[0] != '.') {
    if (equals_lowercase(digits, "inf") || equals_lowercase(digits, "infinity")) {
      return negative ? -std::numeric_limits<double>::infinity()
                      : std::numeric_limits<double>::infinity();
    }
    // Go reads no sign before NaN.
    if (digits.size() == text.size() && equals_lowercase(digits, "nan")) {
      return std::bit_cast<double>(kScrapedNaNBits);
    }
    return std::nullopt;
  }
  const std::optional<double> value = parse_decimal(digits);
  if (!value) return std::nullopt;
  return negative ? -*value : *value;
}

std::optional<std::int64_t> parse_millis_timestamp(std::string_view text) {
  std::string_view digits = text;
  const bool negative = split_sign(digits);
  if (digits.empty()) return std::nullopt;
  for (char c : digits) {
    if (!is_digit(c)) return std::nullopt;
  }
  // from_chars reads the minus sign itself, so an int64's full negative range is accepted.
  if (negative) digits = text;
  std::int64_t millis = 0;
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), millis);
  if (ec != std::errc{} || ptr != digits.data() + digits.size()) return std::nullopt;
  return millis;
}

std::optional<std::int64_t> parse_seconds_timestamp(std::string_view text) {
  std::string_view digits = text;
  const bool negative = split_sign(digits);
  const DecimalShape shape = decimal_shape(digits);
  if (!shape.valid) return std::nullopt;  // NaN and Inf are no times
  if (shape.exponent) {
    const std::optional<double> seconds = parse_sample_value(text);
    if (!seconds) return std::nullopt;
    const double millis = *seconds * 1000;
    if (!(std::fabs(millis) < 9.2e18)) return std::nullopt;
    return std::llround(millis);
  }
  // Exact: the seconds' digits followed by the first three fraction digits, as one integer.
  const std::size_t point = std::min(digits.find('.'), digits.size());
  std::int64_t millis = 0;
  auto append = [&millis](int digit) {
    return !__builtin_mul_overflow(millis, 10, &millis) &&
           !__builtin_add_overflow(millis, digit, &millis);
  };
  for (std::size_t i = 0; i < point; ++i) {
    if (!append(digits[i] - '0')) return std::nullopt;
  }
  for (std::size_t at = point + 1; at <= point + 3; ++at) {
    if (!append(at < digits.size() ? digits[at] - '0' : 0)) return std::nullopt;
  }
  return negative ? -millis : millis;
}

}  // namespace vitals::detail
