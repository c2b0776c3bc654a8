#include "alerts/template/go_time.h"

#include <array>
#include <optional>

namespace vitals::alert_template::detail {

namespace {

constexpr std::array<const char*, 12> kMonths = {"January",   "February", "March",    "April",
                                                 "May",       "June",     "July",     "August",
                                                 "September", "October",  "November", "December"};
constexpr std::array<const char*, 7> kDays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                              "Thursday", "Friday", "Saturday"};

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

bool is_leap(std::int64_t y) {
  return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

// Go's appendInt: the decimal of x, zero-padded to width digits, a '-' before the padding.
void append_int(std::string& out, std::int64_t x, int width) {
  if (x < 0) {
    out += '-';
    x = -x;
  }
  std::string digits = std::to_string(x);
  for (int k = static_cast<int>(digits.size()); k < width; ++k) out += '0';
  out += digits;
}

enum class Std {
  None,
  Month,
  LongMonth,
  NumMonth,
  ZeroMonth,
  WeekDay,
  LongWeekDay,
  Day,
  UnderDay,
  ZeroDay,
  UnderYearDay,
  ZeroYearDay,
  Hour,
  Hour12,
  ZeroHour12,
  Minute,
  ZeroMinute,
  Second,
  ZeroSecond,
  LongYear,
  Year,
  PM,
  pm,
  TZ,
  ISO8601TZ,
  ISO8601SecondsTZ,
  ISO8601ShortTZ,
  ISO8601ColonTZ,
  ISO8601ColonSecondsTZ,
  NumTZ,
  NumSecondsTz,
  NumShortTZ,
  NumColonTZ,
  NumColonSecondsTZ,
  FracSecond0,
  FracSecond9,
};

struct Chunk {
  std::size_t prefix_end = 0;  // layout[:prefix_end] is literal
  Std std = Std::None;
  std::size_t suffix_begin = 0;
  int frac_digits = 0;
  char frac_separator = '.';
};

bool starts_with(std::string_view s, std::size_t at, std::string_view what) {
  return s.substr(at, what.size()) == what;
}

bool starts_with_lower(std::string_view s, std::size_t at) {
  return at < s.size() && s[at] >= 'a' && s[at] <= 'z';
}

// The layout elements, grouped by first character in the order Go's nextStdChunk tries them.
struct StdToken {
  std::string_view text;
  Std std;
  bool not_before_lower = false;  // "Jan" and "Mon" are not the start of a longer word
};

constexpr StdToken kStdTokens[] = {
    {"January", Std::LongMonth},
    {"Jan", Std::Month, true},
    {"Monday", Std::LongWeekDay},
    {"Mon", Std::WeekDay, true},
    {"MST", Std::TZ},
    {"01", Std::ZeroMonth},
    {"02", Std::ZeroDay},
    {"03", Std::ZeroHour12},
    {"04", Std::ZeroMinute},
    {"05", Std::ZeroSecond},
    {"06", Std::Year},
    {"002", Std::ZeroYearDay},
    {"15", Std::Hour},
    {"1", Std::NumMonth},
    {"2006", Std::LongYear},
    {"2", Std::Day},
    {"_2", Std::UnderDay},
    {"__2", Std::UnderYearDay},
    {"3", Std::Hour12},
    {"4", Std::Minute},
    {"5", Std::Second},
    {"PM", Std::PM},
    {"pm", Std::pm},
    {"-070000", Std::NumSecondsTz},
    {"-07:00:00", Std::NumColonSecondsTZ},
    {"-0700", Std::NumTZ},
    {"-07:00", Std::NumColonTZ},
    {"-07", Std::NumShortTZ},
    {"Z070000", Std::ISO8601SecondsTZ},
    {"Z07:00:00", Std::ISO8601ColonSecondsTZ},
    {"Z0700", Std::ISO8601TZ},
    {"Z07:00", Std::ISO8601ColonTZ},
    {"Z07", Std::ISO8601ShortTZ},
};

// ".000" or ",999": fractional seconds, if the run of 0s or 9s is not followed by a digit.
std::optional<Chunk> fraction_chunk(std::string_view l, std::size_t i) {
  if (i + 1 >= l.size() || (l[i + 1] != '0' && l[i + 1] != '9')) return std::nullopt;
  char ch = l[i + 1];
  std::size_t j = i + 1;
  while (j < l.size() && l[j] == ch) ++j;
  if (j < l.size() && l[j] >= '0' && l[j] <= '9') return std::nullopt;
  Chunk c{i, ch == '0' ? Std::FracSecond0 : Std::FracSecond9, j};
  c.frac_digits = static_cast<int>(j - (i + 1));
  c.frac_separator = l[i];
  return c;
}

// Go's nextStdChunk: the first layout element in l.
Chunk next_chunk(std::string_view l) {
  for (std::size_t i = 0; i < l.size(); ++i) {
    if (l[i] == '.' || l[i] == ',') {
      if (auto c = fraction_chunk(l, i)) return *c;
      continue;
    }
    // "_2006" is a literal underscore before the year.
    if (starts_with(l, i, "_2006")) return Chunk{i + 1, Std::LongYear, i + 5};
    for (const StdToken& token : kStdTokens) {
      if (!starts_with(l, i, token.text)) continue;
      if (token.not_before_lower && starts_with_lower(l, i + token.text.size())) continue;
      return Chunk{i, token.std, i + token.text.size()};
    }
  }
  return Chunk{l.size(), Std::None, l.size()};
}

void append_nano(std::string& out, std::int64_t nanos, const Chunk& c) {
  bool trim = c.std == Std::FracSecond9;
  if (trim && (c.frac_digits == 0 || nanos == 0)) return;
  std::size_t start = out.size();
  out += c.frac_separator;
  append_int(out, nanos, 9);
  if (c.frac_digits < 9) out.resize(out.size() - static_cast<std::size_t>(9 - c.frac_digits));
  if (trim) {
    while (out.size() > start && out.back() == '0') out.pop_back();
    if (out.size() == start + 1) out.pop_back();
  }
}

// The date elements: year, month, weekday, day.
bool append_date(std::string& out, Std std, const CivilTime& d) {
  auto month = static_cast<std::size_t>(d.month - 1);
  auto weekday = static_cast<std::size_t>(d.weekday);
  switch (std) {
    case Std::Year:
      append_int(out, (d.year < 0 ? -d.year : d.year) % 100, 2);
      return true;
    case Std::LongYear:
      append_int(out, d.year, 4);
      return true;
    case Std::Month:
      out += std::string_view(kMonths[month], 3);
      return true;
    case Std::LongMonth:
      out += kMonths[month];
      return true;
    case Std::NumMonth:
      append_int(out, d.month, 0);
      return true;
    case Std::ZeroMonth:
      append_int(out, d.month, 2);
      return true;
    case Std::WeekDay:
      out += std::string_view(kDays[weekday], 3);
      return true;
    case Std::LongWeekDay:
      out += kDays[weekday];
      return true;
    case Std::Day:
      append_int(out, d.day, 0);
      return true;
    case Std::UnderDay:
      if (d.day < 10) out += ' ';
      append_int(out, d.day, 0);
      return true;
    case Std::ZeroDay:
      append_int(out, d.day, 2);
      return true;
    case Std::UnderYearDay:
      if (d.yday < 100) out += ' ';
      if (d.yday < 10) out += ' ';
      append_int(out, d.yday, 0);
      return true;
    case Std::ZeroYearDay:
      append_int(out, d.yday, 3);
      return true;
    default:
      return false;
  }
}

// The clock elements: hours, minutes, seconds, AM/PM.
bool append_clock(std::string& out, Std std, const CivilTime& d) {
  int hour12 = d.hour % 12 == 0 ? 12 : d.hour % 12;
  switch (std) {
    case Std::Hour:
      append_int(out, d.hour, 2);
      return true;
    case Std::Hour12:
      append_int(out, hour12, 0);
      return true;
    case Std::ZeroHour12:
      append_int(out, hour12, 2);
      return true;
    case Std::Minute:
      append_int(out, d.minute, 0);
      return true;
    case Std::ZeroMinute:
      append_int(out, d.minute, 2);
      return true;
    case Std::Second:
      append_int(out, d.second, 0);
      return true;
    case Std::ZeroSecond:
      append_int(out, d.second, 2);
      return true;
    case Std::PM:
      out += d.hour >= 12 ? "PM" : "AM";
      return true;
    case Std::pm:
      out += d.hour >= 12 ? "pm" : "am";
      return true;
    default:
      return false;
  }
}

// The zone elements, always for UTC.
void append_zone(std::string& out, Std std) {
  switch (std) {
    case Std::NumTZ:
      out += "+0000";
      return;
    case Std::NumSecondsTz:
      out += "+000000";
      return;
    case Std::NumShortTZ:
      out += "+00";
      return;
    case Std::NumColonTZ:
      out += "+00:00";
      return;
    case Std::NumColonSecondsTZ:
      out += "+00:00:00";
      return;
    case Std::TZ:
      out += "UTC";
      return;
    default:
      out += 'Z';
      return;  // the ISO 8601 forms
  }
}

void append_std(std::string& out, const Chunk& c, const CivilTime& d, const GoTime& t) {
  if (c.std == Std::None || append_date(out, c.std, d) || append_clock(out, c.std, d)) return;
  if (c.std == Std::FracSecond0 || c.std == Std::FracSecond9) {
    append_nano(out, t.nanos, c);
    return;
  }
  append_zone(out, c.std);
}

}  // namespace

// Howard Hinnant's civil_from_days.
CivilTime civil_time(const GoTime& t) {
  CivilTime c;
  std::int64_t days = floor_div(t.seconds, 86400);
  std::int64_t rem = t.seconds - days * 86400;
  c.hour = static_cast<int>(rem / 3600);
  c.minute = static_cast<int>(rem % 3600 / 60);
  c.second = static_cast<int>(rem % 60);
  c.weekday = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  std::int64_t z = days + 719468;
  std::int64_t era = floor_div(z, 146097);
  std::int64_t doe = z - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = yoe + era * 400 + (c.month <= 2 ? 1 : 0);
  static constexpr std::array<int, 12> kBefore = {0,   31,  59,  90,  120, 151,
                                                  181, 212, 243, 273, 304, 334};
  c.yday = kBefore[static_cast<std::size_t>(c.month - 1)] + c.day +
           (c.month > 2 && is_leap(c.year) ? 1 : 0);
  return c;
}

GoTime unix_time(std::int64_t seconds, std::int64_t nanos) {
  if (nanos < 0 || nanos >= 1000000000) {
    std::int64_t carry = floor_div(nanos, 1000000000);
    seconds += carry;
    nanos -= carry * 1000000000;
  }
  return GoTime{seconds, nanos};
}

std::string format_layout(const GoTime& t, std::string_view layout) {
  CivilTime d = civil_time(t);
  std::string out;
  while (!layout.empty()) {
    Chunk c = next_chunk(layout);
    out += layout.substr(0, c.prefix_end);
    if (c.std == Std::None) break;
    append_std(out, c, d, t);
    layout.remove_prefix(c.suffix_begin);
  }
  return out;
}

std::string format_time(const GoTime& t) {
  return format_layout(t, "2006-01-02 15:04:05.999999999 -0700 MST");
}

std::string go_string(const GoTime& t) {
  CivilTime d = civil_time(t);
  std::string out = "time.Date(";
  append_int(out, d.year, 0);
  out += ", time.";
  out += kMonths[static_cast<std::size_t>(d.month - 1)];
  for (std::int64_t part : {std::int64_t{d.day}, std::int64_t{d.hour}, std::int64_t{d.minute},
                            std::int64_t{d.second}, t.nanos}) {
    out += ", ";
    append_int(out, part, 0);
  }
  out += ", time.UTC)";
  return out;
}

}  // namespace vitals::alert_template::detail
