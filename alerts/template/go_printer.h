// fmt's printer state (fmt/print.go's pp and fmt/format.go's fmt): the buffer and the flags of
// the verb being printed, and how each basic Go type prints under each verb (go_printer.cc),
// composite values (go_format.cc) and format strings (go_printf.cc). One per Sprint/Sprintf.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "alerts/template/value.h"

namespace vitals::alert_template::detail {

inline constexpr char kLowerDigits[] = "0123456789abcdefx";
inline constexpr char kUpperDigits[] = "0123456789ABCDEFX";

struct Flags {
  bool plus = false;
  bool minus = false;
  bool sharp = false;
  bool space = false;
  bool zero = false;
  bool plus_v = false;   // %+v
  bool sharp_v = false;  // %#v
  bool wid_present = false;
  bool prec_present = false;
  int wid = 0;
  int prec = 0;
};

class Printer {
 public:
  std::string buf;
  Flags f;
  bool erroring = false;  // printing a bad verb's operand: no methods, as fmt does

  // printArg: one operand under one verb (go_format.cc).
  void print_arg(const Value& arg, char32_t verb);
  // doPrintf (go_format.cc).
  void do_printf(std::string_view format, const std::vector<Value>& args);

 private:
  // Padding and the formatting of numbers and strings (go_printer.cc).
  void write_padding(int n) {
    if (n > 0) buf.append(static_cast<std::size_t>(n), f.zero ? '0' : ' ');
  }
  void pad(std::string_view s);
  void fmt_boolean(bool v) { pad(v ? "true" : "false"); }
  void fmt_integer(std::uint64_t u, int base, bool is_signed, char32_t verb, const char* digits);
  void fmt_unicode(std::uint64_t u);
  void fmt_float(double v, char verb, int prec);
  void fmt_s(std::string_view s) { pad(truncate(s)); }
  void fmt_q(std::string_view s);
  void fmt_sx(std::string_view s, const char* digits);
  std::string_view truncate(std::string_view s) const;
  // "%!verb(type=value)", or "%!verb(<nil>)" without an argument.
  void bad_verb(char32_t verb, const Value* arg);

  // The verbs of each type (go_printer.cc). Each takes the argument too, for bad_verb.
  void print_bool(const Value& arg, char32_t verb);
  void print_integer(const Value& arg, std::uint64_t v, bool is_signed, char32_t verb);
  void print_float(const Value& arg, double v, char32_t verb);
  void print_complex(const Value& arg, char32_t verb);
  void print_string(const Value& arg, std::string_view v, char32_t verb);

  // Composite values and methods (go_format.cc).
  void print_value(const Value& v, char32_t verb, int depth);
  void print_map(const Value& v, char32_t verb, int depth);
  void print_struct(const Value& v, char32_t verb, int depth);
  void print_time_fields(const Value& v, char32_t verb, int depth);
  bool handle_methods(const Value& v, char32_t verb);

  // doPrintf's pieces (go_format.cc).
  struct PrintfState;
  void parse_flags(std::string_view format, std::size_t& i);
  bool parse_arg_number(PrintfState& st, std::size_t& i);
  void parse_width_and_precision(PrintfState& st, std::size_t& i);
  void print_verb(PrintfState& st, char32_t verb);
  void print_extra_args(const PrintfState& st);
};

}  // namespace vitals::alert_template::detail
