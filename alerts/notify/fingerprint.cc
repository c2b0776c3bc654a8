#include "alerts/notify/fingerprint.h"

#include <algorithm>
#include <cstdio>

#include "alerts/gotext/strconv.h"

namespace vitals::notify {
namespace {

LabelPairs sorted_by_name(LabelPairs labels) {
  std::sort(labels.begin(), labels.end(),
            [](const LabelPair& a, const LabelPair& b) { return a.name < b.name; });
  return labels;
}

}  // namespace

std::uint64_t label_hash(const LabelPairs& labels) {
  std::string bytes;
  for (const LabelPair& pair : sorted_by_name(labels)) {
    bytes += pair.name;
    bytes += '\xff';  // Prometheus' SeparatorByte: never valid UTF-8, so no two sets collide
    bytes += pair.value;
    bytes += '\xff';
  }
  // FNV-1a 64 as Prometheus' hashNew/hashAdd. Not common's stable_hash(): its offset basis
  // (1469598103934665603) lacks the standard's last digit, so its values are not Prometheus'.
  std::uint64_t hash = 14695981039346656037ULL;
  for (char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

std::string fingerprint(const LabelPairs& labels) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(label_hash(labels)));
  return text;
}

std::string label_set_text(const LabelPairs& labels) {
  std::string out = "{";
  bool first = true;
  for (const LabelPair& pair : sorted_by_name(labels)) {
    if (!first) out += ", ";
    first = false;
    out += pair.name + "=" + gotext::quote(pair.value);
  }
  return out + "}";
}

}  // namespace vitals::notify
