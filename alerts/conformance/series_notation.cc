#include "alerts/conformance/series_notation.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <utility>

#include "agent/store/xor_chunk.h"
#include "alerts/gotext/utf8.h"

namespace vitals::conformance {
namespace {

tl::unexpected<Error> invalid(std::string message) {
  return make_error(ErrorCode::InvalidArgument, std::move(message));
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_name_char(char c) {
  return is_alpha(c) || is_digit(c) || c == ':';
}

std::string_view trim_left(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  return s;
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// `count` hex digits at s[i…]; -1 when any is missing or not hex.
std::int64_t read_hex(std::string_view s, std::size_t i, std::size_t count) {
  if (i + count > s.size()) return -1;
  std::int64_t v = 0;
  for (std::size_t k = 0; k < count; ++k) {
    const int d = hex_digit(s[i + k]);
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

// One escape after the backslash at body[i]; advances i past it.
Result<void> unescape(std::string_view body, std::size_t& i, std::string& out) {
  if (i + 1 >= body.size()) return invalid("unterminated escape in string");
  const char c = body[i + 1];
  i += 2;
  static constexpr std::array<std::pair<char, char>, 11> kSimple{{{'a', '\a'},
                                                                  {'b', '\b'},
                                                                  {'f', '\f'},
                                                                  {'n', '\n'},
                                                                  {'r', '\r'},
                                                                  {'t', '\t'},
                                                                  {'v', '\v'},
                                                                  {'\\', '\\'},
                                                                  {'\'', '\''},
                                                                  {'"', '"'},
                                                                  {'`', '`'}}};
  for (auto [escape, value] : kSimple) {
    if (c == escape) {
      out += value;
      return {};
    }
  }
  if (c == 'x' || c == 'u' || c == 'U') {
    const std::size_t digits = c == 'x' ? 2 : c == 'u' ? 4 : 8;
    const std::int64_t v = read_hex(body, i, digits);
    if (v < 0) return invalid(std::string("invalid \\") + c + " escape in string");
    i += digits;
    if (c == 'x') {
      out += static_cast<char>(v);
    } else if (v > 0x10FFFF || (v >= 0xD800 && v < 0xE000)) {
      return invalid("invalid Unicode escape in string");
    } else {
      gotext::append_rune(out, static_cast<char32_t>(v));
    }
    return {};
  }
  if (c >= '0' && c <= '7') {
    if (i + 2 > body.size()) return invalid("invalid octal escape in string");
    int v = c - '0';
    for (int k = 0; k < 2; ++k, ++i) {
      if (body[i] < '0' || body[i] > '7') return invalid("invalid octal escape in string");
      v = v * 8 + (body[i] - '0');
    }
    if (v > 255) return invalid("invalid octal escape in string");
    out += static_cast<char>(v);
    return {};
  }
  return invalid(std::string("unknown escape \\") + c + " in string");
}

// The length of the quoted literal at the start of s (quotes included); 0 when unterminated.
std::size_t quoted_length(std::string_view s) {
  const char quote = s.front();
  for (std::size_t i = 1; i < s.size(); ++i) {
    if (s[i] == '\\' && quote != '`') {
      ++i;
    } else if (s[i] == quote) {
      return i + 1;
    }
  }
  return 0;
}

// An unsigned number at the start of s: digits with an optional fraction and exponent, or
// Inf / NaN in any case. Returns the value and the characters used (0: none).
std::pair<double, std::size_t> scan_unsigned(std::string_view s) {
  if (starts_with_nocase(s, "inf")) return {std::numeric_limits<double>::infinity(), 3};
  if (starts_with_nocase(s, "nan")) return {std::numeric_limits<double>::quiet_NaN(), 3};
  std::size_t i = 0;
  std::size_t digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  }
  if (digits == 0) return {0, 0};
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    std::size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    if (j < s.size() && is_digit(s[j])) {
      while (j < s.size() && is_digit(s[j])) ++j;
      i = j;
    }
  }
  double value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + i, value);
  if (ec == std::errc::result_out_of_range) {
    value = std::strtod(std::string(s.substr(0, i)).c_str(), nullptr);  // ±Inf or 0, as Go
  } else if (ec != std::errc() || end != s.data() + i) {
    return {0, 0};
  }
  return {value, i};
}

std::pair<double, std::size_t> scan_signed(std::string_view s) {
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    auto [value, used] = scan_unsigned(s.substr(1));
    if (used == 0) return {0, 0};
    return {s.front() == '-' ? -value : value, used + 1};
  }
  return scan_unsigned(s);
}

Result<std::uint64_t> parse_repeat(std::string_view s, std::string_view item) {
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) {
    return invalid("invalid repetition in series values: \"" + std::string(item) + "\"");
  }
  if (n > 10'000'000) return invalid("repetition too large in \"" + std::string(item) + "\"");
  return n;
}

Result<void> expand_item(std::string_view item, SeriesValues& out) {
  if (item == "_") {
    out.push_back({});
    return {};
  }
  if (item.starts_with("_x")) {
    auto n = parse_repeat(item.substr(2), item);
    if (!n) return tl::unexpected(n.error());
    out.insert(out.end(), *n, SeriesValue{});
    return {};
  }
  if (item == "stale") {
    out.push_back({.kind = SeriesValue::Kind::Stale});
    return {};
  }
  auto [start, used] = scan_signed(item);
  if (used == 0) {
    return invalid("unexpected \"" + std::string(item) +
                   "\" in series values, expected number or \"stale\"");
  }
  std::string_view rest = item.substr(used);
  double increment = 0;
  if (!rest.empty() && (rest.front() == '+' || rest.front() == '-')) {
    auto [step, step_used] = scan_unsigned(rest.substr(1));
    if (step_used == 0 || rest.size() <= step_used + 1 || rest[step_used + 1] != 'x') {
      return invalid("invalid series item \"" + std::string(item) + "\", expected a+bxn");
    }
    increment = rest.front() == '-' ? -step : step;
    rest.remove_prefix(step_used + 1);
  }
  if (rest.empty()) {
    out.push_back(SeriesValue::number(start));
    return {};
  }
  if (rest.front() != 'x') return invalid("invalid series item \"" + std::string(item) + "\"");
  auto n = parse_repeat(rest.substr(1), item);
  if (!n) return tl::unexpected(n.error());
  // Accumulated, as Prometheus does, so float steps round the same way.
  double v = start;
  for (std::uint64_t k = 0; k <= *n; ++k, v += increment) out.push_back(SeriesValue::number(v));
  return {};
}

// `{{…}}`, `{{…}}xn` or `{{…}}+{{…}}xn` at the start of s; the characters used.
Result<std::size_t> expand_histogram(std::string_view s, SeriesValues& out) {
  std::size_t close = s.find("}}");
  if (close == std::string_view::npos) return invalid("unterminated native histogram \"{{\"");
  std::size_t i = close + 2;
  if (i + 2 < s.size() && (s[i] == '+' || s[i] == '-') && s.substr(i + 1, 2) == "{{") {
    close = s.find("}}", i + 3);
    if (close == std::string_view::npos) return invalid("unterminated native histogram \"{{\"");
    i = close + 2;
  }
  std::uint64_t n = 0;
  if (i < s.size() && s[i] == 'x') {
    std::size_t j = i + 1;
    while (j < s.size() && is_digit(s[j])) ++j;
    auto repeat = parse_repeat(s.substr(i + 1, j - i - 1), s.substr(0, j));
    if (!repeat) return tl::unexpected(repeat.error());
    n = *repeat;
    i = j;
  }
  out.insert(out.end(), n + 1, SeriesValue{.kind = SeriesValue::Kind::Histogram});
  return i;
}

struct LabelItem {
  std::string name{};
  std::optional<std::string> value{};  // none: a quoted metric name alone
};

// One `name="value"` (or a quoted metric name) at the start of s; advances s.
Result<LabelItem> parse_label_item(std::string_view& s) {
  LabelItem item;
  if (!s.empty() && (s.front() == '"' || s.front() == '\'' || s.front() == '`')) {
    const std::size_t n = quoted_length(s);
    if (n == 0) return invalid("unterminated quoted label name");
    auto name = unquote(s.substr(0, n));
    if (!name) return tl::unexpected(name.error());
    item.name = std::move(*name);
    s.remove_prefix(n);
  } else {
    std::size_t n = 0;
    while (n < s.size() && is_name_char(s[n])) ++n;
    if (n == 0 || is_digit(s.front())) return invalid("expected a label name in label set");
    item.name = std::string(s.substr(0, n));
    s.remove_prefix(n);
  }
  s = trim_left(s);
  if (s.empty() || s.front() != '=') return item;
  s = trim_left(s.substr(1));
  if (s.empty() || (s.front() != '"' && s.front() != '\'' && s.front() != '`')) {
    return invalid("expected a quoted value for label \"" + item.name + "\"");
  }
  const std::size_t n = quoted_length(s);
  if (n == 0) return invalid("unterminated value for label \"" + item.name + "\"");
  auto value = unquote(s.substr(0, n));
  if (!value) return tl::unexpected(value.error());
  item.value = std::move(*value);
  s.remove_prefix(n);
  return item;
}

Result<void> add_label(LabelPairs& labels, std::string name, std::string value) {
  for (const LabelPair& pair : labels) {
    if (pair.name == name) return invalid("label name \"" + name + "\" is repeated");
  }
  labels.push_back({std::move(name), std::move(value)});
  return {};
}

Result<void> parse_label_set(std::string_view& s, LabelPairs& labels) {
  s.remove_prefix(1);  // '{'
  for (;;) {
    s = trim_left(s);
    if (s.empty()) return invalid("unterminated label set, expected \"}\"");
    if (s.front() == '}') break;
    const bool quoted = s.front() == '"' || s.front() == '\'' || s.front() == '`';
    auto item = parse_label_item(s);
    if (!item) return tl::unexpected(item.error());
    Result<void> added = item->value ? add_label(labels, std::move(item->name), *item->value)
                         : quoted    ? add_label(labels, "__name__", std::move(item->name))
                                     : invalid("expected \"=\" after label \"" + item->name + "\"");
    if (!added) return added;
    s = trim_left(s);
    if (!s.empty() && s.front() == ',') {
      s.remove_prefix(1);
    } else if (s.empty() || s.front() != '}') {
      return invalid("expected \",\" or \"}\" in label set");
    }
  }
  s.remove_prefix(1);
  return {};
}

}  // namespace

bool SeriesDescription::has_histograms() const {
  return std::any_of(values.begin(), values.end(),
                     [](const SeriesValue& v) { return v.kind == SeriesValue::Kind::Histogram; });
}

Result<LabelPairs> parse_metric(std::string_view text, std::string_view* rest) {
  std::string_view s = trim_left(text);
  LabelPairs labels;
  std::size_t n = 0;
  while (n < s.size() && is_name_char(s[n])) ++n;
  if (n > 0) {
    if (is_digit(s.front())) return invalid("a metric name cannot start with a digit");
    labels.push_back({"__name__", std::string(s.substr(0, n))});
    s.remove_prefix(n);
  }
  if (!s.empty() && s.front() == '{') {
    auto parsed = parse_label_set(s, labels);
    if (!parsed) return tl::unexpected(parsed.error());
  } else if (n == 0) {
    return invalid("expected a metric name or \"{\"");
  }
  // An empty value means "no such label", as in Prometheus' label sets.
  std::erase_if(labels, [](const LabelPair& label) { return label.value.empty(); });
  std::sort(labels.begin(), labels.end());
  if (rest != nullptr) *rest = s;
  return labels;
}

Result<SeriesValues> parse_series_values(std::string_view text) {
  SeriesValues out;
  std::string_view s = trim_left(text);
  while (!s.empty()) {
    if (s.starts_with("{{")) {
      auto used = expand_histogram(s, out);
      if (!used) return tl::unexpected(used.error());
      s.remove_prefix(*used);
    } else {
      std::size_t n = 0;
      while (n < s.size() && !is_space(s[n])) ++n;
      auto expanded = expand_item(s.substr(0, n), out);
      if (!expanded) return tl::unexpected(expanded.error());
      s.remove_prefix(n);
    }
    if (!s.empty() && !is_space(s.front()))
      return invalid("expected a space between series values");
    s = trim_left(s);
  }
  return out;
}

Result<SeriesDescription> parse_series_description(std::string_view line) {
  std::string_view rest;
  auto labels = parse_metric(line, &rest);
  if (!labels) return tl::unexpected(labels.error());
  if (!rest.empty() && !is_space(rest.front())) {
    return invalid("expected a space after the series' labels, got \"" + std::string(rest) + "\"");
  }
  auto values = parse_series_values(rest);
  if (!values) return tl::unexpected(values.error());
  return SeriesDescription{.labels = std::move(*labels), .values = std::move(*values)};
}

Result<std::string> unquote(std::string_view literal) {
  if (literal.size() < 2 || literal.front() != literal.back()) {
    return invalid("invalid string literal " + std::string(literal));
  }
  const char quote = literal.front();
  const std::string_view body = literal.substr(1, literal.size() - 2);
  if (quote == '`') {
    if (body.find('`') != std::string_view::npos) return invalid("invalid raw string literal");
    return std::string(body);
  }
  if (quote != '"' && quote != '\'')
    return invalid("invalid string literal " + std::string(literal));
  std::string out;
  for (std::size_t i = 0; i < body.size();) {
    const char c = body[i];
    if (c == quote || c == '\n') return invalid("invalid string literal " + std::string(literal));
    if (c != '\\') {
      out += c;
      ++i;
      continue;
    }
    auto escaped = unescape(body, i, out);
    if (!escaped) return tl::unexpected(escaped.error());
  }
  return out;
}

Result<double> parse_number(std::string_view text) {
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  // Go's ParseInt with base 0 first: 0x…, 0o…, 0b…, and a leading 0 for octal.
  int base = 10;
  std::string_view digits = s;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16, digits = s.substr(2);
  } else if (s.size() > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'O')) {
    base = 8, digits = s.substr(2);
  } else if (s.size() > 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
    base = 2, digits = s.substr(2);
  } else if (s.size() > 1 && s[0] == '0') {
    base = 8, digits = s.substr(1);
  }
  std::int64_t integer = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), integer, base);
  if (!digits.empty() && ec == std::errc() && end == digits.data() + digits.size()) {
    const double v = static_cast<double>(integer);
    return negative ? -v : v;
  }
  if (starts_with_nocase(s, "infinity") && s.size() == 8) {
    return negative ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
  }
  auto [value, used] = scan_unsigned(s);
  if (used == 0 || used != s.size()) return invalid("invalid number \"" + std::string(text) + "\"");
  return negative ? -value : value;
}

Result<std::int64_t> parse_duration_ms(std::string_view text) {
  std::string_view s = text;
  const bool negative = !s.empty() && s.front() == '-';
  if (negative) s.remove_prefix(1);
  if (s.empty()) return invalid("empty duration");
  auto [seconds, used] = scan_unsigned(s);
  if (used == s.size() && std::isfinite(seconds)) {
    const auto ms = static_cast<std::int64_t>(std::llround(seconds * 1000));
    return negative ? -ms : ms;
  }
  struct Unit {
    std::string_view name;
    std::int64_t ms;
  };
  static constexpr std::array<Unit, 7> kUnits{{{"y", 365LL * 86'400'000},
                                               {"w", 7LL * 86'400'000},
                                               {"d", 86'400'000},
                                               {"h", 3'600'000},
                                               {"ms", 1},
                                               {"m", 60'000},
                                               {"s", 1'000}}};
  // Prometheus' order: y w d h m s ms, each at most once ("ms" is tried before "m").
  static constexpr std::array<int, 7> kRank{0, 1, 2, 3, 6, 4, 5};
  std::int64_t total = 0;
  int last_rank = -1;
  while (!s.empty()) {
    std::size_t n = 0;
    while (n < s.size() && is_digit(s[n])) ++n;
    std::int64_t count = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + n, count);
    if (n == 0 || ec != std::errc())
      return invalid("invalid duration \"" + std::string(text) + "\"");
    s.remove_prefix(n);
    std::size_t unit = kUnits.size();
    for (std::size_t u = 0; u < kUnits.size(); ++u) {
      if (s.starts_with(kUnits[u].name)) {
        unit = u;
        break;
      }
    }
    if (unit == kUnits.size() || kRank[unit] <= last_rank) {
      return invalid("invalid duration \"" + std::string(text) + "\"");
    }
    last_rank = kRank[unit];
    total += count * kUnits[unit].ms;
    s.remove_prefix(kUnits[unit].name.size());
  }
  return negative ? -total : total;
}

std::string format_labels(const LabelPairs& labels) {
  std::string name;
  std::string body;
  for (const LabelPair& pair : labels) {
    if (pair.name == "__name__") {
      name = pair.value;
      continue;
    }
    if (!body.empty()) body += ", ";
    body += pair.name + "=\"";
    for (char c : pair.value) {
      if (c == '"' || c == '\\') body += '\\';
      if (c == '\n') {
        body += "\\n";
        continue;
      }
      body += c;
    }
    body += '"';
  }
  if (!name.empty() && body.empty()) return name;
  return name + "{" + body + "}";
}

std::string format_value(double value) {
  if (is_stale_nan(value)) return "stale";
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  std::array<char, 32> buffer{};
  auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return ec == std::errc() ? std::string(buffer.data(), end) : std::string("?");
}

std::string format_value(const SeriesValue& value) {
  switch (value.kind) {
    case SeriesValue::Kind::Missing:
      return "_";
    case SeriesValue::Kind::Stale:
      return "stale";
    case SeriesValue::Kind::Histogram:
      return "{{…}}";
    case SeriesValue::Kind::Number:
      break;
  }
  return format_value(value.value);
}

}  // namespace vitals::conformance
