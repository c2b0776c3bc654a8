#include "alerts/template/go_printer.h"

#include <cmath>

#include "alerts/gotext/strconv.h"
#include "alerts/gotext/unicode.h"
#include "alerts/gotext/utf8.h"

namespace vitals::alert_template::detail {

void Printer::pad(std::string_view s) {
  if (!f.wid_present || f.wid == 0) {
    buf += s;
    return;
  }
  int width = f.wid - static_cast<int>(gotext::rune_count(s));
  if (!f.minus) {
    write_padding(width);
    buf += s;
  } else {
    buf += s;
    write_padding(width);
  }
}

std::string_view Printer::truncate(std::string_view s) const {
  if (!f.prec_present) return s;
  int n = f.prec;
  for (std::size_t i = 0; i < s.size(); i += gotext::decode_rune(s, i).width) {
    if (--n < 0) return s.substr(0, i);
  }
  return s;
}

void Printer::fmt_integer(std::uint64_t u, int base, bool is_signed, char32_t verb,
                          const char* digits) {
  bool negative = is_signed && static_cast<std::int64_t>(u) < 0;
  if (negative) u = ~u + 1;
  int prec = 0;
  if (f.prec_present) {
    prec = f.prec;
    if (prec == 0 && u == 0) {
      bool old_zero = f.zero;
      f.zero = false;
      write_padding(f.wid);
      f.zero = old_zero;
      return;
    }
  } else if (f.zero && f.wid_present) {
    prec = f.wid;
    if (negative || f.plus || f.space) --prec;
  }
  std::string out;  // built right to left, reversed at the end
  do {
    out += digits[u % static_cast<unsigned>(base)];
    u /= static_cast<unsigned>(base);
  } while (u != 0);
  while (static_cast<int>(out.size()) < prec) out += '0';
  if (f.sharp) {
    if (base == 2) {
      out += "b0";
    } else if (base == 8 && out.back() != '0') {
      out += '0';
    } else if (base == 16) {
      out += digits[16];
      out += '0';
    }
  }
  if (verb == 'O') out += "o0";
  if (negative) {
    out += '-';
  } else if (f.plus) {
    out += '+';
  } else if (f.space) {
    out += ' ';
  }
  std::string forward(out.rbegin(), out.rend());
  bool old_zero = f.zero;
  f.zero = false;
  pad(forward);
  f.zero = old_zero;
}

void Printer::fmt_unicode(std::uint64_t u) {
  int prec = 4;
  if (f.prec_present && f.prec > 4) prec = f.prec;
  std::string hex;
  std::uint64_t rest = u;
  do {
    hex.insert(hex.begin(), kUpperDigits[rest & 0xF]);
    rest >>= 4;
  } while (rest != 0);
  while (static_cast<int>(hex.size()) < prec) hex.insert(hex.begin(), '0');
  std::string out = "U+" + hex;
  if (f.sharp && u <= gotext::kMaxRune && gotext::is_print(static_cast<char32_t>(u))) {
    out += " '";
    gotext::append_rune(out, static_cast<char32_t>(u));
    out += '\'';
  }
  bool old_zero = f.zero;
  f.zero = false;
  pad(out);
  f.zero = old_zero;
}

// fmt's fmtFloat: strconv's digits, then sign, padding and the # flag as fmt applies them.
void Printer::fmt_float(double v, char verb, int prec) {
  if (f.prec_present) prec = f.prec;
  std::string num = gotext::format_float(v, verb, prec);
  if (num[0] == '-' || num[0] == '+') {
    // keep the sign
  } else {
    num.insert(num.begin(), '+');
  }
  if (f.space && num[0] == '+' && !f.plus) num[0] = ' ';
  if (num[1] == 'I' || num[1] == 'N') {
    bool old_zero = f.zero;
    f.zero = false;
    if (num[1] == 'N' && !f.space && !f.plus) num.erase(0, 1);
    pad(num);
    f.zero = old_zero;
    return;
  }
  if (f.sharp && verb != 'b') {
    int digits = 0;
    if (verb == 'v' || verb == 'g' || verb == 'G' || verb == 'x') digits = prec < 0 ? 6 : prec;
    std::string tail;
    bool has_dot = false;
    bool saw_nonzero = false;
    for (std::size_t i = 1; i < num.size(); ++i) {
      char c = num[i];
      if (c == '.') {
        has_dot = true;
      } else if (c == 'p' || c == 'P' || ((c == 'e' || c == 'E') && verb != 'x' && verb != 'X')) {
        tail = num.substr(i);
        num.resize(i);
        break;
      } else {
        if (c != '0') saw_nonzero = true;
        if (saw_nonzero) --digits;
      }
    }
    if (!has_dot) {
      if (num.size() == 2 && num[1] == '0') --digits;
      num += '.';
    }
    for (; digits > 0; --digits) num += '0';
    num += tail;
  }
  if (f.plus || num[0] != '+') {
    if (f.zero && f.wid_present && f.wid > static_cast<int>(num.size())) {
      buf += num[0];
      write_padding(f.wid - static_cast<int>(num.size()));
      buf.append(num, 1);
      return;
    }
    pad(num);
    return;
  }
  pad(std::string_view(num).substr(1));
}

void Printer::fmt_q(std::string_view s) {
  s = truncate(s);
  if (f.sharp && gotext::can_backquote(s)) {
    pad("`" + std::string(s) + "`");
    return;
  }
  pad(f.plus ? gotext::quote_to_ascii(s) : gotext::quote(s));
}

void Printer::fmt_sx(std::string_view s, const char* digits) {
  int length = static_cast<int>(s.size());
  if (f.prec_present && f.prec < length) length = f.prec;
  int width = 2 * length;
  if (width > 0) {
    if (f.space) {
      if (f.sharp) width *= 2;
      width += length - 1;
    } else if (f.sharp) {
      width += 2;
    }
  } else {
    if (f.wid_present) write_padding(f.wid);
    return;
  }
  if (f.wid_present && f.wid > width && !f.minus) write_padding(f.wid - width);
  if (f.sharp) {
    buf += '0';
    buf += digits[16];
  }
  for (int i = 0; i < length; ++i) {
    if (f.space && i > 0) {
      buf += ' ';
      if (f.sharp) {
        buf += '0';
        buf += digits[16];
      }
    }
    auto c = static_cast<unsigned char>(s[static_cast<std::size_t>(i)]);
    buf += digits[c >> 4];
    buf += digits[c & 0xF];
  }
  if (f.wid_present && f.wid > width && f.minus) write_padding(f.wid - width);
}

void Printer::bad_verb(char32_t verb, const Value* arg) {
  erroring = true;
  buf += "%!";
  gotext::append_rune(buf, verb);
  buf += '(';
  if (arg && !arg->is_nil()) {
    buf += type_name(arg->type);
    buf += '=';
    print_arg(*arg, 'v');
  } else {
    buf += "<nil>";
  }
  buf += ')';
  erroring = false;
}

void Printer::print_bool(const Value& arg, char32_t verb) {
  if (verb == 't' || verb == 'v') {
    fmt_boolean(arg.b);
  } else {
    bad_verb(verb, &arg);
  }
}

void Printer::print_integer(const Value& arg, std::uint64_t v, bool is_signed, char32_t verb) {
  switch (verb) {
    case 'v':
      if (f.sharp_v && !is_signed) {
        bool old_sharp = f.sharp;
        f.sharp = true;
        fmt_integer(v, 16, false, verb, kLowerDigits);
        f.sharp = old_sharp;
      } else {
        fmt_integer(v, 10, is_signed, verb, kLowerDigits);
      }
      return;
    case 'd':
      fmt_integer(v, 10, is_signed, verb, kLowerDigits);
      return;
    case 'b':
      fmt_integer(v, 2, is_signed, verb, kLowerDigits);
      return;
    case 'o':
    case 'O':
      fmt_integer(v, 8, is_signed, verb, kLowerDigits);
      return;
    case 'x':
      fmt_integer(v, 16, is_signed, verb, kLowerDigits);
      return;
    case 'X':
      fmt_integer(v, 16, is_signed, verb, kUpperDigits);
      return;
    case 'c': {
      std::string out;
      gotext::append_rune(out,
                          v > gotext::kMaxRune ? gotext::kRuneError : static_cast<char32_t>(v));
      pad(out);
      return;
    }
    case 'q':
      pad(gotext::quote_rune(v > gotext::kMaxRune ? gotext::kRuneError : static_cast<char32_t>(v),
                             f.plus));
      return;
    case 'U':
      fmt_unicode(v);
      return;
    default:
      bad_verb(verb, &arg);
  }
}

void Printer::print_float(const Value& arg, double v, char32_t verb) {
  switch (verb) {
    case 'v':
      fmt_float(v, 'g', -1);
      return;
    case 'b':
    case 'g':
    case 'G':
    case 'x':
    case 'X':
      fmt_float(v, static_cast<char>(verb), -1);
      return;
    case 'f':
    case 'F':
      fmt_float(v, 'f', 6);
      return;
    case 'e':
    case 'E':
      fmt_float(v, static_cast<char>(verb), 6);
      return;
    default:
      bad_verb(verb, &arg);
  }
}

void Printer::print_complex(const Value& arg, char32_t verb) {
  switch (verb) {
    case 'v':
    case 'b':
    case 'g':
    case 'G':
    case 'x':
    case 'X':
    case 'f':
    case 'F':
    case 'e':
    case 'E': {
      bool old_plus = f.plus;
      buf += '(';
      print_float(arg, arg.f, verb);
      f.plus = true;
      print_float(arg, arg.imag, verb);
      buf += "i)";
      f.plus = old_plus;
      return;
    }
    default:
      bad_verb(verb, &arg);
  }
}

void Printer::print_string(const Value& arg, std::string_view v, char32_t verb) {
  switch (verb) {
    case 'v':
      if (f.sharp_v) {
        fmt_q(v);
      } else {
        fmt_s(v);
      }
      return;
    case 's':
      fmt_s(v);
      return;
    case 'x':
      fmt_sx(v, kLowerDigits);
      return;
    case 'X':
      fmt_sx(v, kUpperDigits);
      return;
    case 'q':
      fmt_q(v);
      return;
    default:
      bad_verb(verb, &arg);
  }
}

}  // namespace vitals::alert_template::detail
