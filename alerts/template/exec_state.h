// The evaluator's internals (exec.h is its interface): Go's exec state, split over exec.cc
// (walking the tree, pipelines, commands) and exec_call.cc (fields, functions, arguments).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "alerts/gotext/strconv.h"
#include "alerts/template/ast.h"
#include "alerts/template/exec.h"
#include "alerts/template/value.h"

namespace vitals::alert_template::detail {

// The evaluator's equivalents of Go's panics: an execution error, {{break}} and {{continue}}.
// None leaves execute_template.
struct ExecError {
  std::string message;
};
struct BreakSignal {};
struct ContinueSignal {};

using Args = std::span<const NodePtr>;
using Final = std::optional<Value>;  // the previous command's value in a pipeline, if any

struct Variable {
  std::string name;
  Value value;
};

inline const Node& first_of(Args args) {
  return *args[0];
}

// Go's state: one template being walked. {{template}} walks with a fresh one.
class Exec {
 public:
  Exec(const TemplateSet& set, const Tree& tmpl, std::string& out, const CallContext& ctx,
       int depth, const Value& dot)
      : set_(set), tmpl_(tmpl), out_(out), ctx_(ctx), depth_(depth), vars_{{"$", dot}} {}

  void walk(const Value& dot, const Node& node);

 private:
  [[noreturn]] void errorf(const std::string& message) const {
    if (!node_) throw ExecError{"template: " + tmpl_.name + ": " + message};
    throw ExecError{"template: " + node_location(set_, *node_) + ": executing " +
                    gotext::quote(tmpl_.name) + " at <" + node_->str() + ">: " + message};
  }
  void at(const Node& node) { node_ = &node; }

  void set_var(const std::string& name, const Value& value);
  Value var_value(const std::string& name) const;

  void walk_if_or_with(const BranchNode& node, const Value& dot);
  void walk_range(const BranchNode& node, const Value& dot);
  void walk_template(const TemplateNode& node, const Value& dot);
  void print_value(const Node& node, const Value& v);

  Value eval_pipeline(const Value& dot, const PipeNode* pipe);
  Value eval_command(const Value& dot, const CommandNode& cmd, const Final& final);
  void not_a_function(Args args, const Final& final) const;
  Value ideal_constant(const NumberNode& n);
  Value eval_field_node(const Value& dot, const FieldNode& field, Args args, const Final& final);
  Value eval_chain_node(const Value& dot, const ChainNode& chain, Args args, const Final& final);
  Value eval_variable_node(const Value& dot, const VariableNode& v, Args args, const Final& final);
  Value eval_field_chain(const Value& dot, Value receiver, const Node& node,
                         std::span<const std::string> idents, Args args, const Final& final);
  Value eval_field(const Value& dot, const std::string& name, const Node& node, Args args,
                   const Final& final, const Value& receiver);
  Value eval_function(const Value& dot, const IdentifierNode& ident, const Node& cmd, Args args,
                      const Final& final);
  Value eval_call(const Value& dot, const Callable& fn, bool builtin, const Node& node,
                  const std::string& name, Args args, const Final& final);
  Value eval_and_or(const Value& dot, const std::string& name, Args args, const Final& final);
  Value validate_type(const Value& value, std::optional<ParamType> type);
  Value eval_arg(const Value& dot, std::optional<ParamType> type, const Node& n);
  Value eval_empty_interface(const Value& dot, const Node& n);

  const TemplateSet& set_;
  const Tree& tmpl_;
  std::string& out_;
  const CallContext& ctx_;
  int depth_;
  const Node* node_ = nullptr;  // where we are, for errors
  std::vector<Variable> vars_;
};

}  // namespace vitals::alert_template::detail
