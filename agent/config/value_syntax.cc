#include "agent/config/value_syntax.h"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>

#include <re2/re2.h>

namespace vitals::detail {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_port(std::string_view text, int& port) {
  if (text.empty() || text.size() > 5) return false;
  for (char c : text) {
    if (!is_digit(c)) return false;
  }
  auto value = parse_int(text);
  if (!value || *value < 1 || *value > 65535) return false;
  port = static_cast<int>(*value);
  return true;
}

// A host as it may appear before ":port" or in a URL: a name or IPv4 address without spaces,
// slashes or other URL delimiters. IPv6 literals are handled by the callers (brackets).
bool is_host(std::string_view host) {
  if (host.empty()) return false;
  for (char c : host) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-' ||
              c == '.' || c == '_' || c == '%';
    if (!ok) return false;
  }
  return true;
}

bool is_ipv6_literal(std::string_view inside) {
  if (inside.empty()) return false;
  for (char c : inside) {
    bool ok = is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
              c == '.' || c == '%';
    if (!ok) return false;
  }
  return inside.find(':') != std::string_view::npos;
}

}  // namespace

std::optional<std::int64_t> parse_int(std::string_view text) {
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

std::optional<double> parse_double(std::string_view text) {
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::optional<bool> parse_bool(std::string_view text) {
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  return std::nullopt;
}

std::optional<std::uint64_t> parse_byte_size(std::string_view text) {
  struct Unit {
    std::string_view suffix;
    int shift;
  };
  static constexpr std::array<Unit, 13> kUnits{{{"KiB", 10},
                                                {"MiB", 20},
                                                {"GiB", 30},
                                                {"TiB", 40},
                                                {"PiB", 50},
                                                {"EiB", 60},
                                                {"KB", 10},
                                                {"MB", 20},
                                                {"GB", 30},
                                                {"TB", 40},
                                                {"PB", 50},
                                                {"EB", 60},
                                                {"B", 0}}};
  std::size_t digits = 0;
  while (digits < text.size() && is_digit(text[digits])) ++digits;
  if (digits == 0) return std::nullopt;
  std::uint64_t amount = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + digits, amount);
  if (ec != std::errc()) return std::nullopt;
  std::string_view suffix = text.substr(digits);
  if (suffix.empty()) return amount;
  for (const Unit& unit : kUnits) {
    if (suffix != unit.suffix) continue;
    if (amount > (std::numeric_limits<std::uint64_t>::max() >> unit.shift)) return std::nullopt;
    return amount << unit.shift;
  }
  return std::nullopt;
}

std::optional<std::string> url_problem(std::string_view url) {
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return "it contains a space";
  }
  std::string_view rest;
  if (url.substr(0, 7) == "http://") {
    rest = url.substr(7);
  } else if (url.substr(0, 8) == "https://") {
    rest = url.substr(8);
  } else {
    return "want an http:// or https:// URL";
  }
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority = authority.substr(at + 1);  // user:password@ is allowed, as in Prometheus
  }
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return "it has an unclosed [";
    host = authority.substr(1, close - 1);
    if (!is_ipv6_literal(host)) return "it has a bad IPv6 address";
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return "it has a bad host";
    if (!after.empty()) port = after.substr(1);
    if (!after.empty() && port.empty()) return "it has an empty port";
  } else {
    if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
      if (port.empty()) return "it has an empty port";
    }
    if (host.empty()) return "it has no host";
    if (!is_host(host)) return "it has a bad host";
  }
  int unused = 0;
  if (!port.empty() && !is_port(port, unused)) return "it has a bad port";
  return std::nullopt;
}

std::optional<HostPort> parse_host_port(std::string_view text) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view host = text.substr(0, colon);
  HostPort result;
  if (!is_port(text.substr(colon + 1), result.port)) return std::nullopt;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
    if (!is_ipv6_literal(host)) return std::nullopt;
  } else if (!is_host(host)) {
    return std::nullopt;
  }
  result.host = std::string(host);
  return result;
}

bool is_label_name(std::string_view name) {
  if (name.empty() || is_digit(name.front())) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::optional<std::string> regex_problem(const std::string& pattern) {
  RE2::Options options;
  options.set_log_errors(false);  // the caller reports the error with its file position
  RE2 re(pattern, options);
  if (re.ok()) return std::nullopt;
  return re.error();
}

}  // namespace vitals::detail
