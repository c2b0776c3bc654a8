#include "alerts/template/functions.h"

#include <arpa/inet.h>

#include <algorithm>
#include <map>

#include <re2/re2.h>

#include "alerts/gotext/strconv.h"
#include "alerts/gotext/unicode.h"
#include "alerts/gotext/utf8.h"
#include "alerts/template/go_regexp.h"
#include "alerts/template/humanize.h"

namespace vitals::alert_template::detail {

namespace {

using P = ParamType;
using Args = std::vector<Value>;

Result<Value> fail(std::string message) {
  return make_error(ErrorCode::InvalidArgument, std::move(message));
}

Result<Value> string_result(std::string s) {
  return Value::string(std::move(s));
}

// What Go prints when Prometheus dereferences its missing external URL (promtool has none).
constexpr std::string_view kNilDereference =
    "runtime error: invalid memory address or nil pointer dereference";

// strings.Map: f applied to every rune, invalid UTF-8 becoming U+FFFD.
template <class F>
std::string map_runes(std::string_view s, F f) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    gotext::DecodedRune d = gotext::decode_rune(s, i);
    gotext::append_rune(out, f(d.rune));
    i += d.width;
  }
  return out;
}

// strings.Title: the first letter after a separator upper-cased.
std::string title(std::string_view s) {
  auto is_separator = [](char32_t r) {
    if (r <= 0x7F) return !(gotext::is_digit(r) || gotext::is_letter(r) || r == '_');
    if (gotext::is_letter(r)) return false;
    return r == 0x85 || r == 0xA0 || r == 0x1680 || (r >= 0x2000 && r <= 0x200A) || r == 0x2028 ||
           r == 0x2029 || r == 0x202F || r == 0x205F || r == 0x3000;
  };
  // unicode.ToTitle: upper case, except the title-case forms of the four Latin digraphs.
  auto to_title = [](char32_t r) -> char32_t {
    if (r >= 0x01C4 && r <= 0x01CC) return 0x01C5 + (r - 0x01C4) / 3 * 3;
    if (r >= 0x01F1 && r <= 0x01F3) return 0x01F2;
    return gotext::to_upper(r);
  };
  char32_t prev = ' ';
  return map_runes(s, [&](char32_t r) {
    bool first = is_separator(prev);
    prev = r;
    return first ? to_title(r) : r;
  });
}

struct HostPort {
  std::string_view host;
  std::string_view port;
};

// net.SplitHostPort; nullopt where Go reports an error.
std::optional<HostPort> split_host_port(std::string_view hp) {
  std::size_t i = hp.rfind(':');
  if (i == std::string_view::npos) return std::nullopt;
  std::size_t j = 0;
  std::size_t k = 0;
  std::string_view host;
  if (hp[0] == '[') {
    std::size_t end = hp.find(']');
    if (end == std::string_view::npos || end + 1 != i) return std::nullopt;
    host = hp.substr(1, end - 1);
    j = 1;
    k = end + 1;
  } else {
    host = hp.substr(0, i);
    if (host.find(':') != std::string_view::npos) return std::nullopt;
  }
  if (hp.find('[', j) != std::string_view::npos) return std::nullopt;
  if (hp.find(']', k) != std::string_view::npos) return std::nullopt;
  return HostPort{host, hp.substr(i + 1)};
}

// net.ParseIP(s) != nil.
bool is_ip(std::string_view s) {
  std::string text(s);
  unsigned char buf[16];
  return inet_pton(AF_INET, text.c_str(), buf) == 1 || inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

std::string strip_domain(std::string_view host_port) {
  std::string_view host = host_port;
  std::string_view port;
  if (auto hp = split_host_port(host_port)) {
    host = hp->host;
    port = hp->port;
  }
  if (is_ip(host)) return std::string(host_port);
  host = host.substr(0, host.find('.'));
  if (port.empty()) return std::string(host);
  // net.JoinHostPort
  if (host.find(':') != std::string_view::npos) {
    return "[" + std::string(host) + "]:" + std::string(port);
  }
  return std::string(host) + ":" + std::string(port);
}

// url.URL.Path of the external URL: its path, percent-decoded.
std::string url_path(std::string_view url) {
  std::size_t start = 0;
  if (std::size_t scheme = url.find("://"); scheme != std::string_view::npos) {
    start = url.find_first_of("/?#", scheme + 3);
    if (start == std::string_view::npos || url[start] != '/') return "";
  }
  std::string_view path = url.substr(start, url.find_first_of("?#", start) - start);
  std::string out;
  for (std::size_t i = 0; i < path.size(); ++i) {
    auto hex = [](char c) {
      return c >= '0' && c <= '9'                     ? c - '0'
             : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10
                                                      : -1;
    };
    if (path[i] == '%' && i + 2 < path.size() && hex(path[i + 1]) >= 0 && hex(path[i + 2]) >= 0) {
      out += static_cast<char>(hex(path[i + 1]) * 16 + hex(path[i + 2]));
      i += 2;
    } else {
      out += path[i];
    }
  }
  return out;
}

// model.ParseDuration (Prometheus' common, as of 2.42), in seconds.
Result<Value> parse_duration(std::string_view s) {
  if (s == "0") return Value::float64(0);
  if (s.empty()) return fail("empty duration string");
  static const re2::RE2 kDuration(
      "^(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$");
  std::array<std::string, 14> groups;
  std::array<re2::RE2::Arg, 14> args;
  std::array<const re2::RE2::Arg*, 14> arg_ptrs{};
  for (std::size_t i = 0; i < groups.size(); ++i) {
    args[i] = &groups[i];
    arg_ptrs[i] = &args[i];
  }
  if (!re2::RE2::FullMatchN(re2::StringPiece(s.data(), s.size()), kDuration, arg_ptrs.data(), 14)) {
    return fail("not a valid duration string: " + gotext::quote(s));
  }
  constexpr std::int64_t kMillisPer[] = {1000LL * 60 * 60 * 24 * 365,
                                         1000LL * 60 * 60 * 24 * 7,
                                         1000LL * 60 * 60 * 24,
                                         1000LL * 60 * 60,
                                         1000LL * 60,
                                         1000,
                                         1};
  std::uint64_t total_ns = 0;  // wraps like Go's int64 arithmetic; checked below
  bool overflow = false;
  for (std::size_t unit = 0; unit < 7; ++unit) {
    const std::string& digits = groups[unit * 2 + 1];
    if (digits.empty()) continue;
    auto n = gotext::parse_int(digits);
    std::int64_t value = n ? *n : INT64_MAX;  // strconv.Atoi saturates on overflow
    if (value > INT64_MAX / kMillisPer[unit] / 1000000) overflow = true;
    total_ns +=
        static_cast<std::uint64_t>(value) * 1000000u * static_cast<std::uint64_t>(kMillisPer[unit]);
    if (static_cast<std::int64_t>(total_ns) < 0) overflow = true;
  }
  if (overflow) return fail("duration out of range");
  return Value::float64(static_cast<double>(static_cast<std::int64_t>(total_ns)) / 1e9);
}

template <class F>
Callable::Fn with_float(F f) {
  return [f](Args& args, const CallContext&) -> Result<Value> {
    auto v = convert_to_float(args[0]);
    if (!v) return tl::unexpected(v.error());
    return f(*v);
  };
}

Callable::Fn not_supported(std::string_view name) {
  std::string message = "function " + gotext::quote(name) + " not supported";
  return [message](Args&, const CallContext&) -> Result<Value> { return fail(message); };
}

using Table = std::vector<std::pair<std::string_view, Function>>;

void add(Table& out, std::string_view name, std::vector<P> params, Callable::Fn fn,
         bool variadic = false) {
  out.push_back({name, Function{Callable{std::move(params), variadic, std::move(fn)}, false}});
}

void add_query_functions(Table& out) {
  add(out, "query", {P::String}, not_supported("query"));
  add(out, "first", {P::QueryResult}, not_supported("first"));
  add(out, "label", {P::String, P::SamplePtr}, not_supported("label"));
  add(out, "value", {P::SamplePtr}, not_supported("value"));
  add(out, "strvalue", {P::SamplePtr}, not_supported("strvalue"));
  add(out, "sortByLabel", {P::String, P::QueryResult}, not_supported("sortByLabel"));
}

void add_number_functions(Table& out) {
  add(out, "humanize", {P::Any}, with_float([](double v) { return string_result(humanize(v)); }));
  add(out, "humanize1024", {P::Any},
      with_float([](double v) { return string_result(humanize1024(v)); }));
  add(out, "humanizeDuration", {P::Any},
      with_float([](double v) { return string_result(humanize_duration(v)); }));
  add(out, "humanizePercentage", {P::Any},
      with_float([](double v) { return string_result(humanize_percentage(v)); }));
  add(out, "humanizeTimestamp", {P::Any}, with_float([](double v) -> Result<Value> {
        auto text = humanize_timestamp(v);
        if (!text) return tl::unexpected(text.error());
        return Value::string(*text);
      }));
  add(out, "toTime", {P::Any}, with_float([](double v) -> Result<Value> {
        auto t = float_to_time(v);
        if (!t) return tl::unexpected(t.error());
        return Value::time_value(*t, true);
      }));
  add(out, "parseDuration", {P::String},
      [](Args& args, const CallContext&) { return parse_duration(args[0].s); });
}

void add_text_functions(Table& out) {
  add(out, "reReplaceAll", {P::String, P::String, P::String}, [](Args& args, const CallContext&) {
    auto re = GoRegexp::compile(args[0].s);
    if (!re) return fail(must_compile_message(args[0].s, re.error()));
    return string_result(re->replace_all(args[2].s, args[1].s));
  });
  add(out, "match", {P::String, P::String}, [](Args& args, const CallContext&) -> Result<Value> {
    auto re = GoRegexp::compile(args[0].s);
    if (!re) return tl::unexpected(re.error());
    return Value::boolean(re->match(args[1].s));
  });
  add(out, "title", {P::String},
      [](Args& args, const CallContext&) { return string_result(title(args[0].s)); });
  add(out, "toUpper", {P::String}, [](Args& args, const CallContext&) {
    return string_result(map_runes(args[0].s, gotext::to_upper));
  });
  add(out, "toLower", {P::String}, [](Args& args, const CallContext&) {
    return string_result(map_runes(args[0].s, gotext::to_lower));
  });
  add(out, "safeHtml", {P::String}, [](Args& args, const CallContext&) -> Result<Value> {
    return Value::string(args[0].s, GoType::Html);
  });
  add(
      out, "args", {P::Any},
      [](Args& args, const CallContext&) -> Result<Value> {
        auto map = std::make_shared<ValueMap>();
        for (std::size_t i = 0; i < args.size(); ++i) {
          Value v = args[i].unboxed();
          v.boxed = true;
          (*map)["arg" + std::to_string(i)] = std::move(v);
        }
        return Value::any_map(std::move(map));
      },
      true);
}

void add_address_functions(Table& out) {
  add(out, "stripPort", {P::String}, [](Args& args, const CallContext&) {
    auto hp = split_host_port(args[0].s);
    return string_result(hp ? std::string(hp->host) : args[0].s);
  });
  add(out, "stripDomain", {P::String},
      [](Args& args, const CallContext&) { return string_result(strip_domain(args[0].s)); });
  add(out, "graphLink", {P::String}, [](Args& args, const CallContext&) {
    return string_result("/graph?g0.expr=" + query_escape(args[0].s) + "&g0.tab=0");
  });
  add(out, "tableLink", {P::String}, [](Args& args, const CallContext&) {
    return string_result("/graph?g0.expr=" + query_escape(args[0].s) + "&g0.tab=1");
  });
  add(out, "pathPrefix", {}, [](Args&, const CallContext& ctx) -> Result<Value> {
    if (ctx.external_url.empty()) return fail(std::string(kNilDereference));
    return Value::string(url_path(ctx.external_url));
  });
  add(out, "externalURL", {}, [](Args&, const CallContext& ctx) -> Result<Value> {
    if (ctx.external_url.empty()) return fail(std::string(kNilDereference));
    return Value::string(std::string(ctx.external_url));
  });
}

}  // namespace

const Function* find_function(std::string_view name) {
  static const std::map<std::string, Function, std::less<>> kTable = [] {
    std::map<std::string, Function, std::less<>> table;
    // Prometheus' functions first: Go looks in the template's own map before the builtins.
    Table all;
    add_query_functions(all);
    add_number_functions(all);
    add_text_functions(all);
    add_address_functions(all);
    add_builtins(all);
    for (auto& [fn_name, fn] : all) table.emplace(fn_name, std::move(fn));
    return table;
  }();
  auto it = kTable.find(name);
  return it == kTable.end() ? nullptr : &it->second;
}

}  // namespace vitals::alert_template::detail
