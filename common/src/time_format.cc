#include "vitals/common/time_format.h"

#include <cstdio>
#include <ctime>

namespace vitals {

std::string format_rfc3339(WallTime t) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  long long ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  long long seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;  // floor, also before 1970
  int millis = static_cast<int>(ms - seconds * 1000);
  std::time_t as_time_t = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&as_time_t, &utc);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &utc);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", date, millis);
  return out;
}

}  // namespace vitals
