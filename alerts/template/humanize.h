// Prometheus' humanize* template functions (template/template.go and common's
// helpers/templates): SI and binary prefixes, durations, percentages and timestamps, all
// printed through Go's "%.4g".
#pragma once

#include <string>

#include "alerts/template/value.h"
#include "vitals/common/error.h"

namespace vitals::alert_template::detail {

// convertToFloat: float64, int and int64 as they are, strings through strconv.ParseFloat;
// anything else is "can't convert TYPE to float".
Result<double> convert_to_float(const Value& v);

// 1234567 → "1.235M", 0.001234 → "1.234m", 0 → "0".
std::string humanize(double v);
// 1048576 → "1Mi"; |v| <= 1 is printed as it is.
std::string humanize1024(double v);
// 90061 → "1d 1h 1m 1s", 1.5 → "1.5s", 0.5 → "500ms", -60 → "-1m 0s".
std::string humanize_duration(double v);
// 0.959 → "95.9%".
std::string humanize_percentage(double v);

// floatToTime: Unix seconds to a time at millisecond precision, as model.TimeFromUnixNano;
// errors for NaN and infinities ("value is NaN or Inf") and beyond int64 nanoseconds.
Result<GoTime> float_to_time(double v);
// "2015-06-23 13:19:44.128 +0000 UTC"; NaN and infinities as "%.4g".
Result<std::string> humanize_timestamp(double v);

// Go's float64 → int64 conversion on amd64: out of range (and NaN) gives the minimum int64.
std::int64_t go_float_to_int64(double v);

}  // namespace vitals::alert_template::detail
