// The methods of time.Time a template may call on what toTime returns.
#include "alerts/template/go_time.h"

#include <functional>

namespace vitals::alert_template::detail {

namespace {

Result<Value> int_result(std::int64_t v, GoType type = GoType::Int) {
  return Value::integer(v, type);
}

}  // namespace

std::optional<Callable> find_time_method(const Value& receiver, std::string_view name) {
  const GoTime t = receiver.time;
  auto niladic = [](std::function<Result<Value>()> fn) {
    return Callable{
        {}, false, [fn = std::move(fn)](std::vector<Value>&, const CallContext&) { return fn(); }};
  };
  if (name == "Format") {
    return Callable{{ParamType::String},
                    false,
                    [t](std::vector<Value>& args, const CallContext&) -> Result<Value> {
                      return Value::string(format_layout(t, args[0].s));
                    }};
  }
  const CivilTime d = civil_time(t);
  if (name == "Unix") return niladic([t] { return int_result(t.seconds, GoType::Int64); });
  if (name == "UnixMilli") {
    return niladic([t] { return int_result(t.seconds * 1000 + t.nanos / 1000000, GoType::Int64); });
  }
  if (name == "UnixNano") {
    return niladic([t] { return int_result(t.seconds * 1000000000 + t.nanos, GoType::Int64); });
  }
  if (name == "Year") return niladic([d] { return int_result(d.year); });
  if (name == "YearDay") return niladic([d] { return int_result(d.yday); });
  if (name == "Day") return niladic([d] { return int_result(d.day); });
  if (name == "Hour") return niladic([d] { return int_result(d.hour); });
  if (name == "Minute") return niladic([d] { return int_result(d.minute); });
  if (name == "Second") return niladic([d] { return int_result(d.second); });
  if (name == "Nanosecond") return niladic([t] { return int_result(t.nanos); });
  if (name == "UTC") {
    return niladic([t]() -> Result<Value> { return Value::time_value(t, false); });
  }
  if (name == "String") {
    return niladic([t]() -> Result<Value> { return Value::string(format_time(t)); });
  }
  if (name == "IsZero") {
    // The zero time.Time is January 1, year 1, 00:00:00 UTC.
    return niladic([t]() -> Result<Value> {
      return Value::boolean(t.seconds == -62135596800LL && t.nanos == 0);
    });
  }
  return std::nullopt;
}

}  // namespace vitals::alert_template::detail
