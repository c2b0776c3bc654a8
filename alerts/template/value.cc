#include "alerts/template/value.h"

namespace vitals::alert_template::detail {

Value Value::boolean(bool v) {
  Value out;
  out.type = GoType::Bool;
  out.b = v;
  return out;
}

Value Value::integer(std::int64_t v, GoType type) {
  Value out;
  out.type = type;
  out.i = v;
  return out;
}

Value Value::uint8(std::uint8_t v) {
  Value out;
  out.type = GoType::Uint8;
  out.u = v;
  return out;
}

Value Value::float64(double v) {
  Value out;
  out.type = GoType::Float64;
  out.f = v;
  return out;
}

Value Value::complex(double re, double im) {
  Value out;
  out.type = GoType::Complex128;
  out.f = re;
  out.imag = im;
  return out;
}

Value Value::string(std::string v, GoType type) {
  Value out;
  out.type = type;
  out.s = std::move(v);
  return out;
}

Value Value::string_map(std::shared_ptr<const ValueMap> map) {
  Value out;
  out.type = GoType::StringMap;
  out.map = std::move(map);
  return out;
}

Value Value::any_map(std::shared_ptr<const ValueMap> map) {
  Value out;
  out.type = GoType::AnyMap;
  out.map = std::move(map);
  return out;
}

Value Value::time_value(GoTime t, bool pointer) {
  Value out;
  out.type = pointer ? GoType::TimePtr : GoType::Time;
  out.time = t;
  return out;
}

Value Value::unboxed() const {
  Value out = *this;
  out.boxed = false;
  return out;
}

std::string type_name(GoType type) {
  switch (type) {
    case GoType::Nil:
      return "<nil>";
    case GoType::Bool:
      return "bool";
    case GoType::Int:
      return "int";
    case GoType::Int64:
      return "int64";
    case GoType::Uint8:
      return "uint8";
    case GoType::Uint64:
      return "uint64";
    case GoType::Float64:
      return "float64";
    case GoType::Complex128:
      return "complex128";
    case GoType::String:
      return "string";
    case GoType::Html:
      return "template.HTML";
    case GoType::StringMap:
      return "map[string]string";
    case GoType::AnyMap:
      return "map[string]interface {}";
    case GoType::AlertData:
      return "struct { Labels map[string]string; ExternalLabels map[string]string; "
             "ExternalURL string; Value float64 }";
    case GoType::TimePtr:
      return "*time.Time";
    case GoType::Time:
      return "time.Time";
  }
  return "<nil>";
}

std::string static_type_name(const Value& v) {
  return v.boxed ? "interface {}" : type_name(v.type);
}

bool is_true(const Value& v) {
  switch (v.type) {
    case GoType::Nil:
      return false;
    case GoType::Bool:
      return v.b;
    case GoType::Int:
    case GoType::Int64:
      return v.i != 0;
    case GoType::Uint8:
    case GoType::Uint64:
      return v.u != 0;
    case GoType::Float64:
      return v.f != 0;
    case GoType::Complex128:
      return v.f != 0 || v.imag != 0;
    case GoType::String:
    case GoType::Html:
      return !v.s.empty();
    case GoType::StringMap:
    case GoType::AnyMap:
      return v.map && !v.map->empty();
    case GoType::AlertData:
    case GoType::TimePtr:
    case GoType::Time:
      return true;
  }
  return false;
}

BasicKind basic_kind(const Value& v) {
  switch (v.type) {
    case GoType::Bool:
      return BasicKind::Bool;
    case GoType::Int:
    case GoType::Int64:
      return BasicKind::Int;
    case GoType::Uint8:
    case GoType::Uint64:
      return BasicKind::Uint;
    case GoType::Float64:
      return BasicKind::Float;
    case GoType::Complex128:
      return BasicKind::Complex;
    case GoType::String:
    case GoType::Html:
      return BasicKind::String;
    default:
      return BasicKind::Invalid;
  }
}

std::string param_type_name(ParamType type) {
  switch (type) {
    case ParamType::Any:
      return "interface {}";
    case ParamType::ReflectValue:
      return "reflect.Value";
    case ParamType::String:
      return "string";
    case ParamType::Float64:
      return "float64";
    case ParamType::QueryResult:
      return "template.queryResult";
    case ParamType::SamplePtr:
      return "*template.sample";
  }
  return "interface {}";
}

}  // namespace vitals::alert_template::detail
