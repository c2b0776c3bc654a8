// The values an alert template computes with, modelled on the Go values text/template sees
// under Prometheus: the dot struct, label maps, float64, int, string, bool and a few more. Each
// knows its Go type, because Go's error messages and fmt's %T name it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vitals/common/error.h"

namespace vitals::alert_template::detail {

// Named as Go's reflect prints them (type_name below).
enum class GoType : std::uint8_t {
  Nil,         // an untyped nil: the invalid reflect.Value, printed "<no value>"
  Bool,        // bool
  Int,         // int: number literals, len
  Int64,       // int64: time's Unix
  Uint8,       // uint8: index of a string
  Uint64,      // uint64: only inside a printed time.Time
  Float64,     // float64: $value, float literals
  Complex128,  // complex128: complex literals
  String,      // string
  Html,        // template.HTML: safeHtml
  StringMap,   // map[string]string: $labels, $externalLabels
  AnyMap,      // map[string]interface {}: args
  AlertData,   // the struct Prometheus passes as dot
  TimePtr,     // *time.Time: toTime
  Time,        // time.Time: (toTime x).UTC
};

struct Value;
using ValueMap = std::map<std::string, Value>;

// A Unix time in UTC with nanoseconds in [0, 1e9).
struct GoTime {
  std::int64_t seconds = 0;
  std::int64_t nanos = 0;
};

// The fields of Prometheus' template data struct.
struct AlertFields;

struct Value {
  GoType type = GoType::Nil;
  // Held in an interface{} (the struct's Value field, an element of args' map). A boxed Nil is
  // a nil interface value, which Go treats differently from an invalid value in a few errors.
  bool boxed = false;
  bool b = false;
  std::int64_t i = 0;                        // Int, Int64
  std::uint64_t u = 0;                       // Uint8
  double f = 0;                              // Float64; the real part of Complex128
  double imag = 0;                           // Complex128
  std::string s;                             // String, Html
  std::shared_ptr<const ValueMap> map;       // StringMap, AnyMap
  std::shared_ptr<const AlertFields> alert;  // AlertData
  GoTime time;                               // TimePtr, Time

  static Value boolean(bool v);
  static Value integer(std::int64_t v, GoType type = GoType::Int);
  static Value uint8(std::uint8_t v);
  static Value float64(double v);
  static Value complex(double re, double im);
  static Value string(std::string v, GoType type = GoType::String);
  static Value string_map(std::shared_ptr<const ValueMap> map);
  static Value any_map(std::shared_ptr<const ValueMap> map);
  static Value time_value(GoTime t, bool pointer);

  bool is_nil() const { return type == GoType::Nil; }
  // The value with its interface box removed, as Go's indirectInterface.
  Value unboxed() const;
};

struct AlertFields {
  std::shared_ptr<const ValueMap> labels;
  std::shared_ptr<const ValueMap> external_labels;
  std::string external_url;
  double value = 0;
};

// reflect.Type.String() of the value's dynamic type: "float64", "map[string]string", …;
// "<nil>" for Nil.
std::string type_name(GoType type);
// The static type text/template reports for a receiver: "interface {}" when boxed.
std::string static_type_name(const Value& v);

// text/template's isTrue: false, 0, "", empty maps and nil are false.
bool is_true(const Value& v);

// Go kinds as text/template's comparison functions group them.
enum class BasicKind : std::uint8_t { Invalid, Bool, Complex, Int, Float, String, Uint };
BasicKind basic_kind(const Value& v);

// How a function parameter receives its argument, which decides both the conversions
// text/template applies to constants and the type errors it reports.
enum class ParamType : std::uint8_t {
  Any,           // interface{}
  ReflectValue,  // reflect.Value: Go's builtins
  String,        // string
  Float64,       // float64
  QueryResult,   // template.queryResult: nothing here is one
  SamplePtr,     // *template.sample: nothing here is one
};
std::string param_type_name(ParamType type);

// What functions may read besides their arguments.
struct CallContext {
  std::string_view external_url;  // Prometheus' --web.external-url; empty when there is none
};

// A function or a method with its receiver bound. Errors carry Go's error text; the evaluator
// adds "error calling NAME: ".
struct Callable {
  using Fn = std::function<Result<Value>(std::vector<Value>& args, const CallContext& ctx)>;
  std::vector<ParamType> params;  // when variadic, the last is the element type
  bool variadic = false;
  Fn call;
};

}  // namespace vitals::alert_template::detail
