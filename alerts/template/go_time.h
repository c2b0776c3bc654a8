// Go's time.Time as alert templates see it (humanizeTimestamp, toTime): always UTC, printed
// with Go's reference-time layouts ("2006-01-02 15:04:05.999999999 -0700 MST"), with the few
// methods a template may call on it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "alerts/template/value.h"

namespace vitals::alert_template::detail {

// A time's calendar date and clock in UTC.
struct CivilTime {
  std::int64_t year = 0;
  int month = 1;  // 1..12
  int day = 1;
  int yday = 1;     // 1..366
  int weekday = 0;  // 0 = Sunday
  int hour = 0;
  int minute = 0;
  int second = 0;
};
CivilTime civil_time(const GoTime& t);

// time.Unix(sec, nsec).UTC(): nanoseconds outside [0, 1e9) carry into the seconds.
GoTime unix_time(std::int64_t seconds, std::int64_t nanos);

// time.Time.Format(layout).
std::string format_layout(const GoTime& t, std::string_view layout);
// time.Time.String().
std::string format_time(const GoTime& t);
// time.Time.GoString(): "time.Date(2015, time.June, 23, 13, 19, 44, 128000000, time.UTC)".
std::string go_string(const GoTime& t);

// A method of time.Time (time_methods.cc) (Format, Unix, UnixMilli, UnixNano, Year, YearDay, Day,
// Hour, Minute, Second, Nanosecond, UTC, String, IsZero) bound to its receiver; nullopt for other
// names.
std::optional<Callable> find_time_method(const Value& receiver, std::string_view name);

}  // namespace vitals::alert_template::detail
