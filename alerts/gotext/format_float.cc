// strconv.FormatFloat (strconv.h): shortest round-trip digits from std::to_chars laid out as Go
// lays them out (exponent of at least two digits, "+Inf"), fixed precisions through printf,
// whose rounding of the exact binary value is Go's, and the binary and hexadecimal forms.
#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "alerts/gotext/strconv.h"

namespace vitals::gotext {
namespace {

// Shortest round-trip digits of a finite |v|: digits without a dot and the decimal point
// position (value = 0.DIGITS * 10^dp), as strconv's decimalSlice. Zero has no digits.
struct Digits {
  std::string d;
  int dp = 0;
};

Digits shortest_digits(double v) {
  Digits out;
  if (v == 0) return out;
  std::array<char, 64> buf{};
  auto end = std::to_chars(buf.data(), buf.data() + buf.size(), std::fabs(v),
                           std::chars_format::scientific)
                 .ptr;
  std::string_view text(buf.data(), static_cast<std::size_t>(end - buf.data()));
  std::size_t e = text.find('e');
  for (char c : text.substr(0, e)) {
    if (c != '.') out.d += c;
  }
  int exponent = 0;
  std::string_view exp_text = text.substr(e + 1);
  if (!exp_text.empty() && exp_text[0] == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
  out.dp = exponent + 1;
  return out;
}

void fmt_e(std::string& out, const Digits& d, int prec, char fmt) {
  out += d.d.empty() ? '0' : d.d[0];
  if (prec > 0) {
    out += '.';
    int i = 1;
    int m = std::min(static_cast<int>(d.d.size()), prec + 1);
    for (; i < m; ++i) out += d.d[static_cast<std::size_t>(i)];
    for (; i <= prec; ++i) out += '0';
  }
  out += fmt;
  int exp = d.d.empty() ? 0 : d.dp - 1;
  out += exp < 0 ? '-' : '+';
  exp = std::abs(exp);
  if (exp < 10) out += '0';
  out += std::to_string(exp);
}

void fmt_f(std::string& out, const Digits& d, int prec) {
  int nd = static_cast<int>(d.d.size());
  if (d.dp > 0) {
    int m = std::min(nd, d.dp);
    out.append(d.d, 0, static_cast<std::size_t>(m));
    for (; m < d.dp; ++m) out += '0';
  } else {
    out += '0';
  }
  if (prec > 0) {
    out += '.';
    for (int i = 1; i <= prec; ++i) {
      int j = d.dp + i - 1;
      out += (j >= 0 && j < nd) ? d.d[static_cast<std::size_t>(j)] : '0';
    }
  }
}

// An IEEE 754 double taken apart as strconv's fmtB and fmtX take it: the mantissa with its
// implicit leading bit, and the unbiased exponent of that bit (subnormals read as exponent -1022).
struct Float64Parts {
  bool negative = false;
  std::uint64_t mantissa = 0;
  int exponent = 0;
};

Float64Parts split_float64(double v) {
  auto bits = std::bit_cast<std::uint64_t>(v);
  Float64Parts parts{.negative = (bits >> 63) != 0,
                     .mantissa = bits & ((std::uint64_t{1} << 52) - 1)};
  int biased = static_cast<int>((bits >> 52) & 0x7FF);
  if (biased == 0) {
    ++biased;
  } else {
    parts.mantissa |= std::uint64_t{1} << 52;
  }
  parts.exponent = biased - 1023;
  return parts;
}

// strconv's fmtB: mantissa "p" binary exponent.
std::string format_binary(double v) {
  Float64Parts parts = split_float64(v);
  int exp = parts.exponent - 52;
  std::string out = parts.negative ? "-" : "";
  out += std::to_string(parts.mantissa) + "p" + (exp >= 0 ? "+" : "") + std::to_string(exp);
  return out;
}

// strconv's fmtX: -0x1.yyyyp±dd.
std::string format_hex(double v, int prec, char fmt) {
  Float64Parts parts = split_float64(v);
  std::uint64_t mant = parts.mantissa;
  int exp = mant == 0 ? 0 : parts.exponent;
  mant <<= 60 - 52;
  while (mant != 0 && (mant & (std::uint64_t{1} << 60)) == 0) {
    mant <<= 1;
    --exp;
  }
  if (prec >= 0 && prec < 15) {
    auto shift = static_cast<unsigned>(prec * 4);
    std::uint64_t extra = (mant << shift) & ((std::uint64_t{1} << 60) - 1);
    mant >>= 60 - shift;
    if ((extra | (mant & 1)) > (std::uint64_t{1} << 59)) ++mant;
    mant <<= 60 - shift;
    if (mant & (std::uint64_t{1} << 61)) {
      mant >>= 1;
      ++exp;
    }
  }
  const char* hex = fmt == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out = parts.negative ? "-" : "";
  out += '0';
  out += fmt;
  out += static_cast<char>('0' + ((mant >> 60) & 1));
  mant <<= 4;
  if (prec < 0 && mant != 0) {
    out += '.';
    for (; mant != 0; mant <<= 4) out += hex[(mant >> 60) & 15];
  } else if (prec > 0) {
    out += '.';
    for (int i = 0; i < prec; ++i, mant <<= 4) out += hex[(mant >> 60) & 15];
  }
  out += fmt == 'X' ? 'P' : 'p';
  out += exp < 0 ? '-' : '+';
  exp = std::abs(exp);
  if (exp < 10) out += '0';
  out += std::to_string(exp);
  return out;
}

std::string format_fixed_precision(double v, char fmt, int prec) {
  char spec[] = {'%', '.', '*', fmt, '\0'};
  int n = std::snprintf(nullptr, 0, spec, prec, v);
  std::string out(static_cast<std::size_t>(n) + 1, '\0');
  std::snprintf(out.data(), out.size(), spec, prec, v);
  out.resize(static_cast<std::size_t>(n));
  return out;
}

}  // namespace

std::string format_float(double v, char fmt, int prec) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (fmt == 'b') return format_binary(v);
  if (fmt == 'x' || fmt == 'X') return format_hex(v, prec, fmt);
  if (prec >= 0) return format_fixed_precision(v, fmt, prec);
  Digits d = shortest_digits(v);
  std::string out = std::signbit(v) ? "-" : "";
  int nd = static_cast<int>(d.d.size());
  switch (fmt) {
    case 'e':
    case 'E':
      fmt_e(out, d, nd - 1, fmt);
      break;
    case 'f':
      fmt_f(out, d, std::max(nd - d.dp, 0));
      break;
    default: {
      int exp = d.dp - 1;
      if (exp < -4 || exp >= 6) {
        fmt_e(out, d, nd - 1, fmt == 'G' ? 'E' : 'e');
      } else {
        fmt_f(out, d, std::max(nd - d.dp, 0));
      }
    }
  }
  return out;
}

}  // namespace vitals::gotext
