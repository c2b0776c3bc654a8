#include "tests/e2e/time_scaled_rules.h"

#include <algorithm>
#include <cctype>

#include "vitals/common/duration.h"

namespace vitals::testing {
namespace {

bool is_duration_char(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) ||
         std::string_view("smhdwy").find(c) != std::string_view::npos;
}

// The length of the duration-looking run at the start of `text`.
std::size_t duration_length(std::string_view text) {
  std::size_t n = 0;
  while (n < text.size() && is_duration_char(text[n])) ++n;
  return n;
}

// Appends `text` scaled when it is a duration, as it was otherwise.
void append_scaled(std::string& out, std::string_view text, std::int64_t factor) {
  auto duration = parse_duration(text);
  if (!duration) {
    out += text;
    return;
  }
  out += format_prometheus_duration(std::max<std::int64_t>(1, to_ms(*duration) / factor));
}

// Appends the duration at the start of `text`, scaled; returns how much of `text` it took.
std::size_t append_duration(std::string& out, std::string_view text, std::int64_t factor) {
  const std::size_t length = duration_length(text);
  append_scaled(out, text.substr(0, length), factor);
  return length;
}

// One line of YAML: a `for:`, `keep_firing_for:` or `interval:` key's value, or the durations
// inside brackets and after `offset` in an expression.
std::string scale_line(std::string_view line, std::int64_t factor) {
  const std::size_t indent = line.find_first_not_of(" -");
  if (indent != std::string_view::npos) {
    std::string_view rest = line.substr(indent);
    for (std::string_view key : {"for:", "keep_firing_for:", "interval:"}) {
      if (!rest.starts_with(key)) continue;
      std::size_t value_at = rest.find_first_not_of(' ', key.size());
      if (value_at == std::string_view::npos) break;
      std::string out(line.substr(0, indent + value_at));
      std::string_view value = rest.substr(value_at);
      if (value.starts_with('"') || value.starts_with('\'')) {
        out += value[0];
        value.remove_prefix(1);
      }
      out += value.substr(append_duration(out, value, factor));
      return out;
    }
  }
  std::string out;
  for (std::size_t i = 0; i < line.size();) {
    const bool bracket = line[i] == '[';
    const bool offset = line.substr(i).starts_with("offset ") && (i == 0 || line[i - 1] == ' ');
    if (!bracket && !offset) {
      out += line[i++];
      continue;
    }
    i += offset ? 7 : 1;
    out += offset ? "offset " : "[";
    i += append_duration(out, line.substr(i), factor);
    // A subquery's resolution: [1h:5m].
    if (bracket && i < line.size() && line[i] == ':') {
      out += line[i++];
      i += append_duration(out, line.substr(i), factor);
    }
  }
  return out;
}

}  // namespace

std::string format_prometheus_duration(std::int64_t ms) {
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

std::string time_scaled_rules(std::string_view rule_file_text, std::int64_t factor) {
  std::string out;
  while (!rule_file_text.empty()) {
    std::size_t end = rule_file_text.find('\n');
    std::string_view line = rule_file_text.substr(0, end);
    out += scale_line(line, factor);
    if (end == std::string_view::npos) break;
    out += '\n';
    rule_file_text.remove_prefix(end + 1);
  }
  return out;
}

}  // namespace vitals::testing
