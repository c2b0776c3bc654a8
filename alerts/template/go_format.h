// Go's fmt over template values: Sprint, Sprintln and Sprintf with Go's verbs, flags and error
// spellings ("%!d(float64=3.5)", "%!d(MISSING)", "%!(EXTRA int=2)"), and %v, which is what an
// action like {{ $value }} prints: floats as strconv.FormatFloat(v, 'g', -1, 64) ("1e+06",
// "+Inf"), maps as "map[k:v k2:v2]" with sorted keys.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "alerts/template/value.h"

namespace vitals::alert_template::detail {

std::string sprint(const std::vector<Value>& args);
std::string sprintln(const std::vector<Value>& args);
std::string sprintf(std::string_view format, const std::vector<Value>& args);

// fmt.Sprint(v) of one value; Nil is "<nil>".
std::string format_value(const Value& v);

}  // namespace vitals::alert_template::detail
