#include "alerts/template/humanize.h"

#include <array>
#include <cmath>
#include <limits>

#include "alerts/gotext/strconv.h"
#include "alerts/template/go_format.h"
#include "alerts/template/go_time.h"

namespace vitals::alert_template::detail {

namespace {

constexpr std::array<const char*, 8> kSmallPrefixes = {"m", "u", "n", "p", "f", "a", "z", "y"};

// fmt.Sprintf("%.4g", v).
std::string g4(double v) {
  return sprintf("%.4g", {Value::float64(v)});
}

// Scales |v| < 1 up by thousands, naming the prefix: 0.0012 → (1.2, "m").
std::string small_prefix(double& v) {
  std::string prefix;
  for (const char* p : kSmallPrefixes) {
    if (std::fabs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return prefix;
}

}  // namespace

std::int64_t go_float_to_int64(double v) {
  constexpr double kTwo63 = 9223372036854775808.0;
  if (std::isnan(v) || v >= kTwo63 || v < -kTwo63) return std::numeric_limits<std::int64_t>::min();
  return static_cast<std::int64_t>(v);
}

Result<double> convert_to_float(const Value& v) {
  switch (v.type) {
    case GoType::Float64:
      return v.f;
    case GoType::String:
      return gotext::parse_float(v.s);
    case GoType::Int:
    case GoType::Int64:
      return static_cast<double>(v.i);
    default:
      return make_error(ErrorCode::InvalidArgument,
                        "can't convert " + type_name(v.type) + " to float");
  }
}

std::string humanize(double v) {
  if (v == 0 || std::isnan(v) || std::isinf(v)) return g4(v);
  if (std::fabs(v) >= 1) {
    std::string prefix;
    for (const char* p : {"k", "M", "G", "T", "P", "E", "Z", "Y"}) {
      if (std::fabs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return g4(v) + prefix;
  }
  std::string prefix = small_prefix(v);
  return g4(v) + prefix;
}

std::string humanize1024(double v) {
  if (std::fabs(v) <= 1 || std::isnan(v) || std::isinf(v)) return g4(v);
  std::string prefix;
  for (const char* p : {"ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"}) {
    if (std::fabs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return g4(v) + prefix;
}

std::string humanize_duration(double v) {
  if (std::isnan(v) || std::isinf(v)) return g4(v);
  if (v == 0) return g4(v) + "s";
  if (std::fabs(v) >= 1) {
    std::string sign;
    if (v < 0) {
      sign = "-";
      v = -v;
    }
    std::int64_t duration = go_float_to_int64(v);
    std::int64_t seconds = duration % 60;
    std::int64_t minutes = (duration / 60) % 60;
    std::int64_t hours = (duration / 60 / 60) % 24;
    std::int64_t days = duration / 60 / 60 / 24;
    auto n = [](std::int64_t x) { return std::to_string(x); };
    if (days != 0) {
      return sign + n(days) + "d " + n(hours) + "h " + n(minutes) + "m " + n(seconds) + "s";
    }
    if (hours != 0) return sign + n(hours) + "h " + n(minutes) + "m " + n(seconds) + "s";
    if (minutes != 0) return sign + n(minutes) + "m " + n(seconds) + "s";
    return sign + g4(v) + "s";
  }
  std::string prefix = small_prefix(v);
  return g4(v) + prefix + "s";
}

std::string humanize_percentage(double v) {
  return g4(v * 100) + "%";
}

Result<GoTime> float_to_time(double v) {
  if (std::isnan(v) || std::isinf(v)) {
    return make_error(ErrorCode::InvalidArgument, "value is NaN or Inf");
  }
  double timestamp = v * 1e9;
  constexpr double kMax = 9223372036854775807.0;  // math.MaxInt64 as a float64: 2^63
  constexpr double kMin = -9223372036854775808.0;
  if (timestamp > kMax || timestamp < kMin) {
    return make_error(ErrorCode::InvalidArgument,
                      format_value(Value::float64(v)) +
                          " cannot be represented as a nanoseconds timestamp since it overflows "
                          "int64");
  }
  std::int64_t ms = go_float_to_int64(timestamp) / 1000000;
  return unix_time(ms / 1000, (ms % 1000) * 1000000);
}

Result<std::string> humanize_timestamp(double v) {
  if (std::isnan(v) || std::isinf(v)) return g4(v);
  auto t = float_to_time(v);
  if (!t) return tl::unexpected(t.error());
  return format_time(*t);
}

}  // namespace vitals::alert_template::detail
