// fmt's doPrintf: the verbs of a format with their flags, widths, precisions and argument
// indexes, and the errors for missing, extra and misplaced arguments.
#include "alerts/gotext/utf8.h"
#include "alerts/template/go_printer.h"

namespace vitals::alert_template::detail {

namespace {

// fmt's parsenum over s[i:end]: a decimal number up to 1e6, else "no number".
bool parse_num(std::string_view s, std::size_t& i, std::size_t end, int& num) {
  num = 0;
  bool is_num = false;
  for (; i < end && s[i] >= '0' && s[i] <= '9'; ++i) {
    if (num > 1000000) {
      i = end;
      num = 0;
      return false;
    }
    num = num * 10 + (s[i] - '0');
    is_num = true;
  }
  return is_num;
}

// fmt's intFromArg for a * width or precision.
bool int_from_arg(const std::vector<Value>& args, std::size_t& arg_num, int& num) {
  num = 0;
  if (arg_num >= args.size()) return false;
  const Value& a = args[arg_num++];
  bool is_int = false;
  if (a.type == GoType::Int || a.type == GoType::Int64) {
    is_int = a.i >= -2147483648LL && a.i <= 2147483647LL;
    num = is_int ? static_cast<int>(a.i) : 0;
  } else if (a.type == GoType::Uint8) {
    num = static_cast<int>(a.u);
    is_int = true;
  }
  if (num > 1000000 || num < -1000000) {
    num = 0;
    is_int = false;
  }
  return is_int;
}

}  // namespace

struct Printer::PrintfState {
  std::string_view format;
  const std::vector<Value>& args;
  std::size_t arg_num = 0;
  bool reordered = false;    // an explicit [n] index was used: no EXTRA check
  bool good_arg_num = true;  // false after a bad [n]
  bool after_index = false;  // the previous item was an [n]
};

void Printer::do_printf(std::string_view format, const std::vector<Value>& args) {
  PrintfState st{format, args};
  const std::size_t end = format.size();
  for (std::size_t i = 0; i < end;) {
    st.good_arg_num = true;
    std::size_t literal = i;
    while (i < end && format[i] != '%') ++i;
    buf.append(format.substr(literal, i - literal));
    if (i >= end) break;
    ++i;
    parse_flags(format, i);
    parse_width_and_precision(st, i);
    if (i >= end) {
      buf += "%!(NOVERB)";
      break;
    }
    gotext::DecodedRune verb = gotext::decode_rune(format, i);
    i += verb.width;
    print_verb(st, verb.rune);
  }
  if (!st.reordered && st.arg_num < args.size()) print_extra_args(st);
}

void Printer::parse_flags(std::string_view format, std::size_t& i) {
  f = Flags{};
  for (; i < format.size(); ++i) {
    switch (format[i]) {
      case '#':
        f.sharp = true;
        break;
      case '0':
        f.zero = !f.minus;  // zero padding only on the left
        break;
      case '+':
        f.plus = true;
        break;
      case '-':
        f.minus = true;
        f.zero = false;
        break;
      case ' ':
        f.space = true;
        break;
      default:
        return;
    }
  }
}

// fmt's argNumber: an explicit argument index "[n]" at i, one-based.
bool Printer::parse_arg_number(PrintfState& st, std::size_t& i) {
  if (i >= st.format.size() || st.format[i] != '[') return false;
  st.reordered = true;
  std::string_view rest = st.format.substr(i);
  std::size_t width = 1;
  int index = 0;
  bool ok = false;
  std::size_t close = rest.size() >= 3 ? rest.find(']', 1) : std::string_view::npos;
  if (close != std::string_view::npos) {
    std::size_t k = 1;
    ok = parse_num(rest, k, close, index) && k == close;
    index -= 1;
    width = close + 1;
  }
  i += width;
  if (ok && index >= 0 && static_cast<std::size_t>(index) < st.args.size()) {
    st.arg_num = static_cast<std::size_t>(index);
    return true;
  }
  st.good_arg_num = false;
  return ok;
}

void Printer::parse_width_and_precision(PrintfState& st, std::size_t& i) {
  const std::size_t end = st.format.size();
  st.after_index = parse_arg_number(st, i);
  if (i < end && st.format[i] == '*') {
    ++i;
    f.wid_present = int_from_arg(st.args, st.arg_num, f.wid);
    if (!f.wid_present) buf += "%!(BADWIDTH)";
    if (f.wid < 0) {
      f.wid = -f.wid;
      f.minus = true;
      f.zero = false;
    }
    st.after_index = false;
  } else {
    f.wid_present = parse_num(st.format, i, end, f.wid);
    if (st.after_index && f.wid_present) st.good_arg_num = false;  // "%[3]2d"
  }
  if (i + 1 < end && st.format[i] == '.') {
    ++i;
    if (st.after_index) st.good_arg_num = false;  // "%[3].2d"
    st.after_index = parse_arg_number(st, i);
    if (i < end && st.format[i] == '*') {
      ++i;
      f.prec_present = int_from_arg(st.args, st.arg_num, f.prec);
      if (f.prec < 0) {
        f.prec = 0;
        f.prec_present = false;
      }
      if (!f.prec_present) buf += "%!(BADPREC)";
      st.after_index = false;
    } else {
      f.prec_present = parse_num(st.format, i, end, f.prec);
      if (!f.prec_present) {
        f.prec = 0;
        f.prec_present = true;
      }
    }
  }
  if (!st.after_index) st.after_index = parse_arg_number(st, i);
}

void Printer::print_verb(PrintfState& st, char32_t verb) {
  if (verb == '%') {
    buf += '%';  // takes no operand and ignores width and precision
  } else if (!st.good_arg_num || st.arg_num >= st.args.size()) {
    buf += "%!";
    gotext::append_rune(buf, verb);
    buf += st.good_arg_num ? "(MISSING)" : "(BADINDEX)";
  } else {
    if (verb == 'v') {
      f.sharp_v = f.sharp;
      f.sharp = false;
      f.plus_v = f.plus;
      f.plus = false;
    }
    print_arg(st.args[st.arg_num++], verb);
  }
}

void Printer::print_extra_args(const PrintfState& st) {
  f = Flags{};
  buf += "%!(EXTRA ";
  for (std::size_t k = st.arg_num; k < st.args.size(); ++k) {
    if (k > st.arg_num) buf += ", ";
    if (st.args[k].is_nil()) {
      buf += "<nil>";
    } else {
      buf += type_name(st.args[k].type);
      buf += '=';
      print_arg(st.args[k], 'v');
    }
  }
  buf += ')';
}

}  // namespace vitals::alert_template::detail
