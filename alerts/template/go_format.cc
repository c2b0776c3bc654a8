#include "alerts/template/go_format.h"

#include "alerts/gotext/utf8.h"
#include "alerts/template/go_printer.h"
#include "alerts/template/go_time.h"

namespace vitals::alert_template::detail {

namespace {

// Seconds from January 1, year 1 to the Unix epoch: time.Time keeps its seconds from there.
constexpr std::int64_t kUnixToInternal = 62135596800;

}  // namespace

// fmt's handleMethods for the one type with methods, time.Time: GoString for %#v, String for
// the string verbs.
bool Printer::handle_methods(const Value& v, char32_t verb) {
  if (erroring || (v.type != GoType::Time && v.type != GoType::TimePtr)) return false;
  if (f.sharp_v) {
    fmt_s(go_string(v.time));
    return true;
  }
  if (verb != 'v' && verb != 's' && verb != 'x' && verb != 'X' && verb != 'q') return false;
  print_string(v, format_time(v.time), verb);
  return true;
}

// A time.Time under a verb its String does not serve: its fields {wall ext loc}, which for a
// UTC time without a monotonic reading are the nanoseconds, the seconds since year 1 and nil.
void Printer::print_time_fields(const Value& v, char32_t verb, int depth) {
  if (v.type == GoType::TimePtr && depth == 0) buf += '&';
  buf += '{';
  Value wall;
  wall.type = GoType::Uint64;
  wall.u = static_cast<std::uint64_t>(v.time.nanos);
  print_integer(wall, wall.u, false, verb);
  buf += ' ';
  Value ext = Value::integer(v.time.seconds + kUnixToInternal, GoType::Int64);
  print_integer(ext, static_cast<std::uint64_t>(ext.i), true, verb);
  buf += ' ';
  switch (verb) {  // the nil *time.Location, as fmt's fmtPointer prints it
    case 'v':
      if (f.sharp_v) {
        buf += "(*time.Location)(nil)";
      } else {
        pad("<nil>");
      }
      break;
    case 'p': {
      bool sharp = f.sharp;
      f.sharp = !sharp;
      fmt_integer(0, 16, false, 'v', kLowerDigits);
      f.sharp = sharp;
      break;
    }
    case 'b':
      fmt_integer(0, 2, false, verb, kLowerDigits);
      break;
    case 'o':
      fmt_integer(0, 8, false, verb, kLowerDigits);
      break;
    case 'd':
      fmt_integer(0, 10, false, verb, kLowerDigits);
      break;
    case 'x':
      fmt_integer(0, 16, false, verb, kLowerDigits);
      break;
    case 'X':
      fmt_integer(0, 16, false, verb, kUpperDigits);
      break;
    default:
      buf += "%!";
      gotext::append_rune(buf, verb);
      buf += "(*time.Location=<nil>)";
  }
  buf += '}';
}

void Printer::print_map(const Value& v, char32_t verb, int depth) {
  if (f.sharp_v) {
    buf += type_name(v.type);
    buf += '{';
  } else {
    buf += "map[";
  }
  bool first = true;
  for (const auto& [key, elem] : *v.map) {
    if (!first) buf += f.sharp_v ? ", " : " ";
    first = false;
    print_value(Value::string(key), verb, depth + 1);
    buf += ':';
    print_value(elem, verb, depth + 1);
  }
  buf += f.sharp_v ? '}' : ']';
}

void Printer::print_struct(const Value& v, char32_t verb, int depth) {
  if (f.sharp_v) buf += type_name(v.type);
  buf += '{';
  const AlertFields& a = *v.alert;
  const std::pair<const char*, Value> fields[] = {
      {"Labels", Value::string_map(a.labels)},
      {"ExternalLabels", Value::string_map(a.external_labels)},
      {"ExternalURL", Value::string(a.external_url)},
      {"Value", Value::float64(a.value)},
  };
  bool first = true;
  for (const auto& [name, field] : fields) {
    if (!first) buf += f.sharp_v ? ", " : " ";
    first = false;
    if (f.plus_v || f.sharp_v) {
      buf += name;
      buf += ':';
    }
    print_value(field, verb, depth + 1);
  }
  buf += '}';
}

// fmt's printValue: composite values, element by element under the same verb.
void Printer::print_value(const Value& v, char32_t verb, int depth) {
  if (depth > 0 && !v.is_nil() && handle_methods(v, verb)) return;
  switch (v.type) {
    case GoType::Nil:
      if (depth == 0) {
        buf += "<invalid reflect.Value>";
      } else if (v.boxed) {
        buf += f.sharp_v ? "interface {}(nil)" : "<nil>";
      } else if (verb == 'v') {
        buf += "<nil>";
      } else {
        bad_verb(verb, nullptr);
      }
      return;
    case GoType::StringMap:
    case GoType::AnyMap:
      print_map(v, verb, depth);
      return;
    case GoType::AlertData:
      print_struct(v, verb, depth);
      return;
    case GoType::Time:
    case GoType::TimePtr:
      print_time_fields(v, verb, depth);
      return;
    default:
      print_arg(v, verb);
      return;
  }
}

// fmt's printArg.
void Printer::print_arg(const Value& arg, char32_t verb) {
  if (arg.is_nil()) {
    if (verb == 'T' || verb == 'v') {
      pad("<nil>");
    } else {
      bad_verb(verb, nullptr);
    }
    return;
  }
  if (verb == 'T') {
    fmt_s(type_name(arg.type));
    return;
  }
  // %w is only for fmt.Errorf; %p would print an address, which no template needs.
  if (verb == 'w' || verb == 'p') {
    bad_verb(verb, &arg);
    return;
  }
  switch (arg.type) {
    case GoType::Bool:
      print_bool(arg, verb);
      return;
    case GoType::Int:
    case GoType::Int64:
      print_integer(arg, static_cast<std::uint64_t>(arg.i), true, verb);
      return;
    case GoType::Uint8:
    case GoType::Uint64:
      print_integer(arg, arg.u, false, verb);
      return;
    case GoType::Float64:
      print_float(arg, arg.f, verb);
      return;
    case GoType::Complex128:
      print_complex(arg, verb);
      return;
    case GoType::String:
    case GoType::Html:
      print_string(arg, arg.s, verb);
      return;
    default:
      if (!handle_methods(arg, verb)) print_value(arg, verb, 0);
      return;
  }
}

std::string sprint(const std::vector<Value>& args) {
  Printer p;
  bool prev_string = false;
  for (std::size_t k = 0; k < args.size(); ++k) {
    bool is_string = args[k].type == GoType::String || args[k].type == GoType::Html;
    if (k > 0 && !is_string && !prev_string) p.buf += ' ';
    p.f = Flags{};
    p.print_arg(args[k], 'v');
    prev_string = is_string;
  }
  return std::move(p.buf);
}

std::string sprintln(const std::vector<Value>& args) {
  Printer p;
  for (std::size_t k = 0; k < args.size(); ++k) {
    if (k > 0) p.buf += ' ';
    p.f = Flags{};
    p.print_arg(args[k], 'v');
  }
  p.buf += '\n';
  return std::move(p.buf);
}

std::string sprintf(std::string_view format, const std::vector<Value>& args) {
  Printer p;
  p.do_printf(format, args);
  return std::move(p.buf);
}

std::string format_value(const Value& v) {
  return sprint({v});
}

}  // namespace vitals::alert_template::detail