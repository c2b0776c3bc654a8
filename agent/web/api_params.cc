#include "agent/web/api_params.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>

namespace vitals::detail {
namespace {

// WallTime counts nanoseconds in 64 bits: about ±292 years around 1970. Stay well inside.
constexpr std::int64_t kMaxUnixSeconds = 9'000'000'000;  // the year 2255

Error bad(std::string_view name, std::string_view text, std::string_view why) {
  return Error{.code = ErrorCode::InvalidArgument,
               .message = "invalid parameter \"" + std::string(name) + "\": cannot parse \"" +
                          std::string(text) + "\" to a valid timestamp: " + std::string(why),
               .where = std::nullopt};
}

// Reads exactly `width` digits at `at`, advancing it.
std::optional<int> digits(std::string_view text, std::size_t& at, std::size_t width) {
  if (at + width > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    char c = text[at + i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  at += width;
  return value;
}

bool expect(std::string_view text, std::size_t& at, std::string_view any_of) {
  if (at >= text.size() || any_of.find(text[at]) == std::string_view::npos) return false;
  ++at;
  return true;
}

std::optional<WallTime> parse_unix_seconds(std::string_view text) {
  double seconds = 0;
  const char* end = text.data() + text.size();
  auto [at, ec] = std::from_chars(text.data(), end, seconds);
  if (ec != std::errc() || at != end || !std::isfinite(seconds)) return std::nullopt;
  if (std::abs(seconds) > static_cast<double>(kMaxUnixSeconds)) return std::nullopt;
  // As Prometheus: whole seconds exactly, the fraction rounded to milliseconds (a double near
  // 1.7e9 cannot hold nanoseconds, and history keeps milliseconds anyway).
  double whole = 0;
  double millis = std::round(std::modf(seconds, &whole) * 1000);
  return WallTime(std::chrono::seconds(static_cast<std::int64_t>(whole)) +
                  std::chrono::milliseconds(static_cast<std::int64_t>(millis)));
}

// The fraction after the seconds: 1 to 9 digits, as nanoseconds.
std::optional<std::chrono::nanoseconds> fraction(std::string_view text, std::size_t& at) {
  std::int64_t nanos = 0;
  std::size_t count = 0;
  for (; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at, ++count) {
    if (count < 9) nanos = nanos * 10 + (text[at] - '0');
  }
  if (count == 0 || count > 9) return std::nullopt;
  for (std::size_t i = count; i < 9; ++i) nanos *= 10;
  return std::chrono::nanoseconds(nanos);
}

// "Z" or ±HH:MM, as the offset to subtract from the local time given.
std::optional<std::chrono::minutes> zone(std::string_view text, std::size_t& at) {
  if (expect(text, at, "Zz")) return std::chrono::minutes(0);
  if (at >= text.size() || (text[at] != '+' && text[at] != '-')) return std::nullopt;
  int sign = text[at++] == '-' ? -1 : 1;
  auto hours = digits(text, at, 2);
  if (!hours || !expect(text, at, ":")) return std::nullopt;
  auto minutes = digits(text, at, 2);
  if (!minutes || *hours > 23 || *minutes > 59) return std::nullopt;
  return std::chrono::minutes(sign * (*hours * 60 + *minutes));
}

std::optional<WallTime> parse_rfc3339(std::string_view text) {
  std::size_t at = 0;
  auto year = digits(text, at, 4);
  if (!year || !expect(text, at, "-")) return std::nullopt;
  auto month = digits(text, at, 2);
  if (!month || !expect(text, at, "-")) return std::nullopt;
  auto day = digits(text, at, 2);
  if (!day || !expect(text, at, "Tt")) return std::nullopt;
  auto hour = digits(text, at, 2);
  if (!hour || !expect(text, at, ":")) return std::nullopt;
  auto minute = digits(text, at, 2);
  if (!minute || !expect(text, at, ":")) return std::nullopt;
  auto second = digits(text, at, 2);
  if (!second) return std::nullopt;
  std::chrono::nanoseconds sub{0};
  if (expect(text, at, ".")) {
    auto f = fraction(text, at);
    if (!f) return std::nullopt;
    sub = *f;
  }
  auto offset = zone(text, at);
  if (!offset || at != text.size()) return std::nullopt;
  std::chrono::year_month_day date{std::chrono::year(*year),
                                   std::chrono::month(static_cast<unsigned>(*month)),
                                   std::chrono::day(static_cast<unsigned>(*day))};
  if (!date.ok() || *hour > 23 || *minute > 59 || *second > 59) return std::nullopt;
  auto utc = std::chrono::sys_days(date) + std::chrono::hours(*hour) +
             std::chrono::minutes(*minute) + std::chrono::seconds(*second) - *offset;
  if (std::abs(utc.time_since_epoch().count()) > kMaxUnixSeconds) return std::nullopt;
  return std::chrono::time_point_cast<WallTime::duration>(utc) + sub;
}

}  // namespace

Result<WallTime> parse_api_time(std::string_view name, std::string_view text) {
  if (auto unix = parse_unix_seconds(text)) return *unix;
  if (auto rfc = parse_rfc3339(text)) return *rfc;
  return tl::unexpected(bad(name, text, "want Unix seconds or RFC 3339"));
}

Result<std::size_t> parse_api_limit(std::string_view name, std::string_view text, std::size_t max) {
  std::size_t value = 0;
  const char* end = text.data() + text.size();
  auto [at, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || at != end || value < 1 || value > max) {
    return make_error(ErrorCode::InvalidArgument,
                      "invalid parameter \"" + std::string(name) + "\": \"" + std::string(text) +
                          "\" is not a whole number from 1 to " + std::to_string(max));
  }
  return value;
}

}  // namespace vitals::detail
