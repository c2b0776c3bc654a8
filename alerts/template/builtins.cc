// Go's text/template builtins (text/template/funcs.go, as in Go 1.19) over template values.
#include "alerts/template/functions.h"

#include <cstdio>

#include "alerts/gotext/unicode.h"
#include "alerts/gotext/utf8.h"
#include "alerts/template/go_format.h"

namespace vitals::alert_template::detail {

namespace {

using P = ParamType;

Result<Value> fail(std::string message) {
  return make_error(ErrorCode::InvalidArgument, std::move(message));
}

// indexArg: an integer index within [0, cap].
Result<std::size_t> index_arg(const Value& index, std::size_t cap) {
  std::int64_t x = 0;
  if (index.type == GoType::Int || index.type == GoType::Int64) {
    x = index.i;
  } else if (index.type == GoType::Uint8) {
    x = static_cast<std::int64_t>(index.u);
  } else if (index.is_nil()) {
    return tl::unexpected(
        Error{ErrorCode::InvalidArgument, "cannot index slice/array with nil", {}});
  } else {
    return tl::unexpected(Error{ErrorCode::InvalidArgument,
                                "cannot index slice/array with type " + type_name(index.type),
                                {}});
  }
  if (x < 0 || static_cast<std::uint64_t>(x) > cap) {
    return tl::unexpected(
        Error{ErrorCode::InvalidArgument, "index out of range: " + std::to_string(x), {}});
  }
  return static_cast<std::size_t>(x);
}

Result<Value> index(std::vector<Value>& args, const CallContext&) {
  Value item = args[0].unboxed();
  if (item.is_nil()) return fail("index of untyped nil");
  for (std::size_t k = 1; k < args.size(); ++k) {
    Value idx = args[k].unboxed();
    if (item.boxed && item.is_nil()) return fail("index of nil pointer");
    item = item.unboxed();
    if (item.type == GoType::String || item.type == GoType::Html) {
      auto x = index_arg(idx, item.s.size());
      if (!x) return tl::unexpected(x.error());
      if (*x >= item.s.size()) return fail("reflect: string index out of range");
      item = Value::uint8(static_cast<std::uint8_t>(item.s[*x]));
    } else if (item.type == GoType::StringMap || item.type == GoType::AnyMap) {
      if (idx.is_nil()) return fail("value is nil; should be of type string");
      if (idx.type != GoType::String) {
        return fail("value has type " + type_name(idx.type) + "; should be string");
      }
      auto it = item.map->find(idx.s);
      bool any = item.type == GoType::AnyMap;
      item = it != item.map->end() ? it->second : any ? Value{} : Value::string("");
      item.boxed = any;
    } else {
      std::string type = item.type == GoType::TimePtr ? "time.Time" : type_name(item.type);
      return fail("can't index item of type " + type);
    }
  }
  return item;
}

Result<Value> slice(std::vector<Value>& args, const CallContext&) {
  Value item = args[0].unboxed();
  if (item.is_nil()) return fail("slice of untyped nil");
  std::size_t n = args.size() - 1;
  if (n > 3) return fail("too many slice indexes: " + std::to_string(n));
  if (item.type != GoType::String && item.type != GoType::Html) {
    return fail("can't slice item of type " + type_name(item.type));
  }
  if (n == 3) return fail("cannot 3-index slice a string");
  std::size_t idx[2] = {0, item.s.size()};
  for (std::size_t k = 0; k < n; ++k) {
    auto x = index_arg(args[k + 1], item.s.size());
    if (!x) return tl::unexpected(x.error());
    idx[k] = *x;
  }
  if (idx[0] > idx[1]) {
    return fail("invalid slice index: " + std::to_string(idx[0]) + " > " + std::to_string(idx[1]));
  }
  return Value::string(item.s.substr(idx[0], idx[1] - idx[0]), item.type);
}

Result<Value> length(std::vector<Value>& args, const CallContext&) {
  const Value& item = args[0];
  if (item.boxed && item.is_nil()) return fail("len of nil pointer");
  switch (item.type) {
    case GoType::Nil:
      return fail("reflect: call of reflect.Value.Type on zero Value");
    case GoType::String:
    case GoType::Html:
      return Value::integer(static_cast<std::int64_t>(item.s.size()));
    case GoType::StringMap:
    case GoType::AnyMap:
      return Value::integer(static_cast<std::int64_t>(item.map->size()));
    case GoType::TimePtr:
      return fail("len of type time.Time");
    default:
      return fail("len of type " + type_name(item.type));
  }
}

// evalArgs: the arguments as fmt.Sprint prints them, a nil one as "<no value>".
std::string eval_args(const std::vector<Value>& args) {
  if (args.size() == 1 && args[0].type == GoType::String) return args[0].s;
  std::vector<Value> printable;
  for (const Value& a : args) {
    printable.push_back(a.is_nil() ? Value::string("<no value>") : a.unboxed());
  }
  return sprint(printable);
}

std::string html_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '\0':
        out += "\xEF\xBF\xBD";
        break;
      case '"':
        out += "&#34;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string js_escape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      gotext::DecodedRune d = gotext::decode_rune(s, i);
      if (gotext::is_print(d.rune)) {
        out += s.substr(i, d.width);
      } else {
        char buf[16];
        std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(d.rune));
        out += buf;
      }
      i += d.width;
      continue;
    }
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\'':
        out += "\\'";
        break;
      case '"':
        out += "\\\"";
        break;
      case '<':
        out += "\\u003C";
        break;
      case '>':
        out += "\\u003E";
        break;
      case '&':
        out += "\\u0026";
        break;
      case '=':
        out += "\\u003D";
        break;
      default:
        if (c < ' ') {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  return out;
}

}  // namespace

// url.QueryEscape, shared with graphLink and tableLink.
std::string query_escape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += ch;
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

void add_builtins(std::vector<std::pair<std::string_view, Function>>& out) {
  auto add = [&out](std::string_view name, std::vector<P> params, bool variadic, Callable::Fn fn) {
    out.push_back({name, Function{Callable{std::move(params), variadic, std::move(fn)}, true}});
  };
  auto unreachable = [](std::vector<Value>&, const CallContext&) -> Result<Value> {
    return fail("unreachable");  // and, or and call are evaluated by the evaluator
  };
  auto text = [](std::string (*escape)(std::string_view)) {
    return [escape](std::vector<Value>& args, const CallContext&) -> Result<Value> {
      return Value::string(escape(eval_args(args)));
    };
  };
  add("and", {P::ReflectValue, P::ReflectValue}, true, unreachable);
  add("or", {P::ReflectValue, P::ReflectValue}, true, unreachable);
  add("call", {P::ReflectValue, P::ReflectValue}, true, unreachable);
  add("html", {P::Any}, true, text(html_escape));
  add("js", {P::Any}, true, text(js_escape));
  add("urlquery", {P::Any}, true, text(query_escape));
  add("index", {P::ReflectValue, P::ReflectValue}, true, index);
  add("slice", {P::ReflectValue, P::ReflectValue}, true, slice);
  add("len", {P::ReflectValue}, false, length);
  add("not", {P::ReflectValue}, false,
      [](std::vector<Value>& args, const CallContext&) -> Result<Value> {
        return Value::boolean(!is_true(args[0].unboxed()));
      });
  add("print", {P::Any}, true, [](std::vector<Value>& args, const CallContext&) -> Result<Value> {
    return Value::string(sprint(args));
  });
  add("println", {P::Any}, true, [](std::vector<Value>& args, const CallContext&) -> Result<Value> {
    return Value::string(sprintln(args));
  });
  add("printf", {P::String, P::Any}, true,
      [](std::vector<Value>& args, const CallContext&) -> Result<Value> {
        std::string format = args[0].s;
        args.erase(args.begin());
        return Value::string(sprintf(format, args));
      });
  add_comparisons(out);
}

}  // namespace vitals::alert_template::detail
