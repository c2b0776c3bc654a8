// The values of number and duration tokens, by the Go rules Prometheus parses them with:
// strconv.ParseInt(s, 0, 64) then strconv.ParseFloat for numbers, model.ParseDuration for
// durations, with the same error texts.
#include <cstdint>
#include <limits>

#include "alerts/gotext/strconv.h"
#include "alerts/promql/expr_parser.h"
#include "alerts/promql/quoting.h"

namespace vitals::promql::detail {
namespace {

struct Unit {
  std::string_view name;
  int order;
  std::uint64_t nanoseconds;
};
constexpr std::uint64_t kSecond = 1'000'000'000;
constexpr Unit kUnits[] = {{"y", 1, 365 * 24 * 3600 * kSecond},
                           {"w", 2, 7 * 24 * 3600 * kSecond},
                           {"d", 3, 24 * 3600 * kSecond},
                           {"h", 4, 3600 * kSecond},
                           {"m", 5, 60 * kSecond},
                           {"s", 6, kSecond},
                           {"ms", 7, 1'000'000}};

}  // namespace

tl::expected<double, std::string> number_from_text(std::string_view text) {
  if (auto integer = gotext::parse_int(text)) return static_cast<double>(*integer);
  auto value = gotext::parse_float(text);
  if (!value) return tl::unexpected("error parsing number: " + value.error().message);
  return *value;
}

tl::expected<std::int64_t, std::string> duration_from_text(std::string_view text) {
  if (text == "0") return 0;
  const std::string invalid = "not a valid duration string: " + go_quote(text);
  if (text.empty()) return tl::unexpected(std::string("empty duration string"));
  std::uint64_t total = 0;
  int last_order = 0;
  for (std::string_view rest = text; !rest.empty();) {
    std::size_t i = 0;
    while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') ++i;
    if (i == 0) return tl::unexpected(invalid);
    std::uint64_t value = 0;
    for (char c : rest.substr(0, i)) {
      if (value > (std::numeric_limits<std::uint64_t>::max() - (c - '0')) / 10) {
        return tl::unexpected(invalid);
      }
      value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    rest.remove_prefix(i);
    std::size_t unit_length = 0;
    while (unit_length < rest.size() && !(rest[unit_length] >= '0' && rest[unit_length] <= '9')) {
      ++unit_length;
    }
    if (unit_length == 0) return tl::unexpected(invalid);
    const std::string_view unit_name = rest.substr(0, unit_length);
    rest.remove_prefix(unit_length);
    const Unit* unit = nullptr;
    for (const Unit& candidate : kUnits) {
      if (candidate.name == unit_name) unit = &candidate;
    }
    if (!unit) {
      return tl::unexpected("unknown unit " + go_quote(unit_name) + " in duration " +
                            go_quote(text));
    }
    if (unit->order <= last_order) return tl::unexpected(invalid);  // biggest unit first
    last_order = unit->order;
    constexpr std::uint64_t kLimit = std::uint64_t{1} << 63;
    if (value > kLimit / unit->nanoseconds)
      return tl::unexpected(std::string("duration out of range"));
    total += value * unit->nanoseconds;
    if (total > kLimit - 1) return tl::unexpected(std::string("duration out of range"));
  }
  return static_cast<std::int64_t>(total / 1'000'000);
}

}  // namespace vitals::promql::detail
