#include "alerts/notify/delivery/receivers/payload_common.h"

#include <cstdio>
#include <ctime>

namespace vitals::notify {
namespace {

LabelPairs common_of(const std::vector<NotifiedAlert>& alerts, LabelPairs NotifiedAlert::*member) {
  if (alerts.empty()) return {};
  LabelPairs common = alerts.front().*member;
  for (const NotifiedAlert& alert : alerts) {
    const LabelPairs& pairs = alert.*member;
    std::erase_if(common, [&](const LabelPair& pair) {
      return value_of(pairs, pair.name) != pair.value || pair.value.empty();
    });
  }
  return common;
}

}  // namespace

std::string go_time(std::int64_t unix_ms) {
  if (unix_ms == 0) return "0001-01-01T00:00:00Z";
  std::int64_t seconds = unix_ms >= 0 ? unix_ms / 1000 : (unix_ms - 999) / 1000;
  int millis = static_cast<int>(unix_ms - seconds * 1000);
  std::time_t as_time_t = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&as_time_t, &utc);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &utc);
  std::string out = date;
  if (millis != 0) {
    // RFC3339Nano as Go writes it: only the digits that are not trailing zeros.
    char fraction[8];
    std::snprintf(fraction, sizeof fraction, ".%03d", millis);
    std::string digits = fraction;
    while (digits.back() == '0') digits.pop_back();
    out += digits;
  }
  return out + "Z";
}

nlohmann::ordered_json kv_json(const LabelPairs& pairs) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const LabelPair& pair : pairs) out[pair.name] = pair.value;
  return out;
}

std::size_t count_firing(const std::vector<NotifiedAlert>& alerts) {
  std::size_t n = 0;
  for (const NotifiedAlert& alert : alerts) n += alert.firing ? 1 : 0;
  return n;
}

std::string group_status(const std::vector<NotifiedAlert>& alerts) {
  return count_firing(alerts) > 0 ? "firing" : "resolved";
}

LabelPairs common_labels(const std::vector<NotifiedAlert>& alerts) {
  return common_of(alerts, &NotifiedAlert::labels);
}

LabelPairs common_annotations(const std::vector<NotifiedAlert>& alerts) {
  return common_of(alerts, &NotifiedAlert::annotations);
}

std::string_view value_of(const LabelPairs& pairs, std::string_view name) {
  for (const LabelPair& pair : pairs) {
    if (pair.name == name) return pair.value;
  }
  return {};
}

std::string subject_line(const Notification& notification,
                         const std::vector<NotifiedAlert>& alerts) {
  const std::string status = group_status(alerts);
  std::string out = status == "firing" ? "[FIRING:" + std::to_string(count_firing(alerts)) + "]"
                                       : std::string("[RESOLVED]");
  out += " ";
  for (std::size_t i = 0; i < notification.group_labels.size(); ++i) {
    out += (i > 0 ? " " : "") + notification.group_labels[i].value;
  }
  LabelPairs rest = common_labels(alerts);
  std::erase_if(rest, [&](const LabelPair& pair) {
    return !value_of(notification.group_labels, pair.name).empty();
  });
  if (!rest.empty()) {
    out += " (";
    for (std::size_t i = 0; i < rest.size(); ++i) out += (i > 0 ? " " : "") + rest[i].value;
    out += ")";
  }
  // The template leaves a trailing space when nothing follows the group values; a summary
  // shown to people should not end in one.
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string truncate_utf8(std::string text, std::size_t max_bytes) {
  static constexpr std::string_view kEllipsis = "…";
  if (text.size() <= max_bytes) return text;
  std::size_t cut = max_bytes >= kEllipsis.size() ? max_bytes - kEllipsis.size() : 0;
  // Back up over continuation bytes so no character is split.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
  return text + std::string(kEllipsis);
}

}  // namespace vitals::notify
