// Fields, map keys, methods, function calls and their arguments, with Go's conversions and
// type errors.
#include "alerts/gotext/strconv.h"
#include "alerts/template/exec_state.h"
#include "alerts/template/functions.h"
#include "alerts/template/go_time.h"

namespace vitals::alert_template::detail {

namespace {

bool can_be_nil(ParamType type) {
  return type == ParamType::Any || type == ParamType::ReflectValue ||
         type == ParamType::QueryResult || type == ParamType::SamplePtr;
}

bool assignable(const Value& v, ParamType type) {
  switch (type) {
    case ParamType::Any:
    case ParamType::ReflectValue:
      return true;
    case ParamType::String:
      return v.type == GoType::String && !v.boxed;
    case ParamType::Float64:
      return v.type == GoType::Float64 && !v.boxed;
    default:
      return false;
  }
}

}  // namespace

Value Exec::eval_field_node(const Value& dot, const FieldNode& field, Args args,
                            const Final& final) {
  at(field);
  return eval_field_chain(dot, dot, field, field.ident, args, final);
}

Value Exec::eval_chain_node(const Value& dot, const ChainNode& chain, Args args,
                            const Final& final) {
  at(chain);
  if (chain.field.empty()) errorf("internal error: no fields in evalChainNode");
  if (chain.node->type == NodeType::Nil)
    errorf("indirection through explicit nil in " + chain.str());
  Value pipe = eval_arg(dot, std::nullopt, *chain.node);
  return eval_field_chain(dot, pipe, chain, chain.field, args, final);
}

Value Exec::eval_variable_node(const Value& dot, const VariableNode& v, Args args,
                               const Final& final) {
  at(v);
  Value value = var_value(v.ident[0]);
  if (v.ident.size() == 1) {
    not_a_function(args, final);
    return value;
  }
  return eval_field_chain(dot, value, v, std::span(v.ident).subspan(1), args, final);
}

Value Exec::eval_field_chain(const Value& dot, Value receiver, const Node& node,
                             std::span<const std::string> idents, Args args, const Final& final) {
  for (std::size_t i = 0; i + 1 < idents.size(); ++i) {
    receiver = eval_field(dot, idents[i], node, {}, std::nullopt, receiver);
  }
  return eval_field(dot, idents.back(), node, args, final, receiver);
}

Value Exec::eval_field(const Value& dot, const std::string& name, const Node& node, Args args,
                       const Final& final, const Value& receiver) {
  if (receiver.is_nil() && !receiver.boxed) return Value{};
  std::string type = static_type_name(receiver);
  if (receiver.is_nil()) errorf("nil pointer evaluating " + type + "." + name);
  Value r = receiver.unboxed();
  if (r.type == GoType::Time || r.type == GoType::TimePtr) {
    if (auto method = find_time_method(r, name))
      return eval_call(dot, *method, false, node, name, args, final);
  }
  bool has_args = args.size() > 1 || final;
  if (r.type == GoType::AlertData) {
    const AlertFields& a = *r.alert;
    std::optional<Value> field;
    if (name == "Labels") field = Value::string_map(a.labels);
    if (name == "ExternalLabels") field = Value::string_map(a.external_labels);
    if (name == "ExternalURL") field = Value::string(a.external_url);
    if (name == "Value") field = Value::float64(a.value);
    if (field) {
      if (has_args) errorf(name + " has arguments but cannot be invoked as function");
      return *field;
    }
  } else if (r.type == GoType::StringMap || r.type == GoType::AnyMap) {
    if (has_args) errorf(name + " is not a method but has arguments");
    auto it = r.map->find(name);
    if (it != r.map->end()) return it->second;
    // missingkey=zero: the map's zero element.
    Value zero = r.type == GoType::StringMap ? Value::string("") : Value{};
    zero.boxed = r.type == GoType::AnyMap;
    return zero;
  }
  errorf("can't evaluate field " + name + " in type " + type);
}

Value Exec::eval_function(const Value& dot, const IdentifierNode& ident, const Node& cmd, Args args,
                          const Final& final) {
  at(ident);
  const Function* fn = find_function(ident.ident);
  if (!fn) errorf(gotext::quote(ident.ident) + " is not a defined function");
  return eval_call(dot, fn->callable, fn->builtin, cmd, ident.ident, args, final);
}

Value Exec::eval_call(const Value& dot, const Callable& fn, bool builtin, const Node& node,
                      const std::string& name, Args args, const Final& final) {
  if (!args.empty()) args = args.subspan(1);  // the function's own node
  std::size_t num_in = args.size() + (final ? 1 : 0);
  std::size_t num_fixed = args.size();
  if (fn.variadic) {
    num_fixed = fn.params.size() - 1;
    if (num_in < num_fixed) {
      errorf("wrong number of args for " + name + ": want at least " + std::to_string(num_fixed) +
             " got " + std::to_string(args.size()));
    }
  } else if (num_in != fn.params.size()) {
    errorf("wrong number of args for " + name + ": want " + std::to_string(fn.params.size()) +
           " got " + std::to_string(num_in));
  }
  if (builtin && (name == "and" || name == "or")) return eval_and_or(dot, name, args, final);
  std::vector<Value> argv;
  std::size_t i = 0;
  for (; i < num_fixed && i < args.size(); ++i)
    argv.push_back(eval_arg(dot, fn.params[i], *args[i]));
  if (fn.variadic) {
    for (; i < args.size(); ++i) argv.push_back(eval_arg(dot, fn.params.back(), *args[i]));
  }
  if (final) {
    ParamType type = fn.params.back();
    if (fn.variadic && num_in - 1 < num_fixed) type = fn.params[num_in - 1];
    argv.push_back(validate_type(*final, type));
  }
  if (builtin && name == "call") {
    // Nothing in these templates is a function value.
    const Value& callee = argv.at(0).unboxed();
    std::string why =
        callee.is_nil() ? "call of nil" : "non-function of type " + type_name(callee.type);
    at(node);
    errorf("error calling call: " + why);
  }
  auto result = fn.call(argv, ctx_);
  if (!result) {
    at(node);
    errorf("error calling " + name + ": " + result.error().message);
  }
  return *result;
}

// Go's and/or: evaluated left to right, stopping at the first empty (and) or non-empty (or)
// argument, which is the result; else the last.
Value Exec::eval_and_or(const Value& dot, const std::string& name, Args args, const Final& final) {
  Value v;
  for (const auto& arg : args) {
    v = eval_arg(dot, ParamType::ReflectValue, *arg);
    if (is_true(v.unboxed()) == (name == "or")) return v;
  }
  if (final) v = validate_type(*final, ParamType::ReflectValue);
  return v;
}

Value Exec::validate_type(const Value& value, std::optional<ParamType> type) {
  if (value.is_nil() && !value.boxed) {
    if (!type || can_be_nil(*type)) return Value{};
    errorf("invalid value; expected " + param_type_name(*type));
  }
  if (!type || assignable(value, *type)) return value;
  Value v = value;
  if (v.boxed && !v.is_nil()) {
    v = v.unboxed();
    if (assignable(v, *type)) return v;
  }
  errorf("wrong type for value; expected " + param_type_name(*type) + "; got " +
         static_type_name(v));
}

Value Exec::eval_arg(const Value& dot, std::optional<ParamType> type, const Node& n) {
  at(n);
  switch (n.type) {
    case NodeType::Dot:
      return validate_type(dot, type);
    case NodeType::Nil:
      if (type && can_be_nil(*type)) return Value{};
      errorf("cannot assign nil to " + param_type_name(type.value_or(ParamType::Any)));
    case NodeType::Field:
      return validate_type(eval_field_node(dot, static_cast<const FieldNode&>(n), {}, std::nullopt),
                           type);
    case NodeType::Variable:
      return validate_type(
          eval_variable_node(dot, static_cast<const VariableNode&>(n), {}, std::nullopt), type);
    case NodeType::Pipe:
      return validate_type(eval_pipeline(dot, static_cast<const PipeNode*>(&n)), type);
    case NodeType::Identifier:
      return validate_type(
          eval_function(dot, static_cast<const IdentifierNode&>(n), n, {}, std::nullopt), type);
    case NodeType::Chain:
      return validate_type(eval_chain_node(dot, static_cast<const ChainNode&>(n), {}, std::nullopt),
                           type);
    default:
      break;
  }
  switch (type.value_or(ParamType::Any)) {
    case ParamType::Any:
    case ParamType::ReflectValue:
      return eval_empty_interface(dot, n);
    case ParamType::String:
      if (n.type == NodeType::String) return Value::string(static_cast<const StringNode&>(n).text);
      errorf("expected string; found " + n.str());
    case ParamType::Float64:
      if (n.type == NodeType::Number && static_cast<const NumberNode&>(n).is_float) {
        return Value::float64(static_cast<const NumberNode&>(n).float64);
      }
      errorf("expected float; found " + n.str());
    default:
      errorf("can't handle " + n.str() + " for arg of type " + param_type_name(*type));
  }
}

Value Exec::eval_empty_interface(const Value& dot, const Node& n) {
  at(n);
  switch (n.type) {
    case NodeType::Bool:
      return Value::boolean(static_cast<const BoolNode&>(n).value);
    case NodeType::Dot:
      return dot;
    case NodeType::Field:
      return eval_field_node(dot, static_cast<const FieldNode&>(n), {}, std::nullopt);
    case NodeType::Identifier:
      return eval_function(dot, static_cast<const IdentifierNode&>(n), n, {}, std::nullopt);
    case NodeType::Nil:
      errorf("evalEmptyInterface: nil (can't happen)");
    case NodeType::Number:
      return ideal_constant(static_cast<const NumberNode&>(n));
    case NodeType::String:
      return Value::string(static_cast<const StringNode&>(n).text);
    case NodeType::Variable:
      return eval_variable_node(dot, static_cast<const VariableNode&>(n), {}, std::nullopt);
    case NodeType::Pipe:
      return eval_pipeline(dot, static_cast<const PipeNode*>(&n));
    default:
      errorf("can't handle assignment of " + n.str() + " to empty interface argument");
  }
}

}  // namespace vitals::alert_template::detail
