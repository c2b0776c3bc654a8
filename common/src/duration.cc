#include "vitals/common/duration.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <utility>

namespace vitals {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

struct Unit {
  std::string_view suffix;
  Duration length;
};

// Largest first, as Prometheus requires; "ms" before "m" so the longer suffix wins.
constexpr std::array<Unit, 7> kUnits{{
    {"y", hours(24 * 365)},
    {"w", hours(24 * 7)},
    {"d", hours(24)},
    {"h", hours(1)},
    {"ms", milliseconds(1)},
    {"m", minutes(1)},
    {"s", seconds(1)},
}};

int rank_of(std::string_view suffix) {
  // Order of size for the "largest first" rule: ms is smaller than s.
  static constexpr std::array<std::string_view, 7> kBySize{"y", "w", "d", "h", "m", "s", "ms"};
  for (std::size_t i = 0; i < kBySize.size(); ++i) {
    if (kBySize[i] == suffix) return static_cast<int>(i);
  }
  return -1;
}

const Unit* match_unit(std::string_view rest) {
  for (const Unit& unit : kUnits) {
    if (rest.substr(0, unit.suffix.size()) == unit.suffix) return &unit;
  }
  return nullptr;
}

}  // namespace

Result<Duration> parse_duration(std::string_view text) {
  auto invalid = [&] {
    return make_error(ErrorCode::InvalidArgument, "invalid duration \"" + std::string(text) +
                                                      "\" (want e.g. 500ms, 15s, 1h30m)");
  };
  if (text.empty()) return invalid();
  if (text == "0") return Duration::zero();
  Duration total{0};
  int last_rank = -1;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t digits = pos;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
    if (digits == pos || digits - pos > 12) return invalid();
    long long amount = std::stoll(std::string(text.substr(pos, digits - pos)));
    const Unit* unit = match_unit(text.substr(digits));
    if (unit == nullptr) return invalid();
    int rank = rank_of(unit->suffix);
    if (rank <= last_rank) return invalid();
    last_rank = rank;
    // Duration counts nanoseconds in 64 bits (about 292 years): past that the product or the sum
    // would overflow, so refuse it as Prometheus does ("duration out of range").
    if (amount > Duration::max() / unit->length ||
        total > Duration::max() - amount * unit->length) {
      return make_error(ErrorCode::InvalidArgument,
                        "invalid duration \"" + std::string(text) + "\": out of range");
    }
    total += amount * unit->length;
    pos = digits + unit->suffix.size();
  }
  return total;
}

namespace {

// Go prints fractions without trailing zeros: 1.5s, 1.25ms.
std::string trim_number(double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9f", value);
  std::string s = buf;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

std::string format_duration(Duration d) {
  if (d == Duration::zero()) return "0s";
  std::string sign = d < Duration::zero() ? "-" : "";
  long long ns = std::llabs(d.count());
  if (ns < 1000) return sign + std::to_string(ns) + "ns";
  if (ns < 1000000) return sign + trim_number(ns / 1e3) + "µs";
  if (ns < 1000000000) return sign + trim_number(ns / 1e6) + "ms";
  long long total_seconds = ns / 1000000000;
  long long h = total_seconds / 3600;
  long long m = (total_seconds % 3600) / 60;
  double s = static_cast<double>(total_seconds % 60) + static_cast<double>(ns % 1000000000) / 1e9;
  std::string out = sign;
  if (h > 0) out += std::to_string(h) + "h";
  if (h > 0 || m > 0) out += std::to_string(m) + "m";
  out += trim_number(s) + "s";
  return out;
}

}  // namespace vitals
