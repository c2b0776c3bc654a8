#include "alerts/template/exec.h"

#include "alerts/gotext/strconv.h"
#include "alerts/template/exec_state.h"
#include "alerts/template/go_format.h"

namespace vitals::alert_template::detail {

namespace {

// Go stops at 100000 nested {{template}} calls and says so. Each level costs stack here, so the
// limit is lower, with Go's message: what hits it is a template that calls itself forever.
constexpr int kMaxExecDepth = 1000;

}  // namespace

void Exec::walk(const Value& dot, const Node& node) {
  at(node);
  switch (node.type) {
    case NodeType::Action: {
      const auto& action = static_cast<const ActionNode&>(node);
      Value val = eval_pipeline(dot, action.pipe.get());
      if (action.pipe->decl.empty()) print_value(node, val);
      return;
    }
    case NodeType::Break:
      throw BreakSignal{};
    case NodeType::Continue:
      throw ContinueSignal{};
    case NodeType::If:
    case NodeType::With:
      walk_if_or_with(static_cast<const BranchNode&>(node), dot);
      return;
    case NodeType::List:
      for (const auto& n : static_cast<const ListNode&>(node).nodes) walk(dot, *n);
      return;
    case NodeType::Range:
      walk_range(static_cast<const BranchNode&>(node), dot);
      return;
    case NodeType::Template:
      walk_template(static_cast<const TemplateNode&>(node), dot);
      return;
    case NodeType::Text:
      out_ += static_cast<const TextNode&>(node).text;
      return;
    default:
      errorf("unknown node: " + node.str());
  }
}

void Exec::set_var(const std::string& name, const Value& value) {
  for (auto it = vars_.rbegin(); it != vars_.rend(); ++it) {
    if (it->name == name) {
      it->value = value;
      return;
    }
  }
  errorf("undefined variable: " + name);
}

Value Exec::var_value(const std::string& name) const {
  for (auto it = vars_.rbegin(); it != vars_.rend(); ++it) {
    if (it->name == name) return it->value;
  }
  errorf("undefined variable: " + name);
}

void Exec::walk_if_or_with(const BranchNode& node, const Value& dot) {
  std::size_t mark = vars_.size();
  Value val = eval_pipeline(dot, node.pipe.get());
  if (is_true(val.unboxed())) {
    walk(node.type == NodeType::With ? val : dot, *node.list);
  } else if (node.else_list) {
    walk(dot, *node.else_list);
  }
  vars_.resize(mark);
}

void Exec::walk_range(const BranchNode& node, const Value& dot) {
  at(node);
  std::size_t outer = vars_.size();
  Value val = eval_pipeline(dot, node.pipe.get()).unboxed();
  std::size_t mark = vars_.size();
  const auto& decl = node.pipe->decl;
  auto one_iteration = [&](const Value& index, const Value& elem) {
    if (!decl.empty()) {
      if (node.pipe->is_assign) {
        set_var(decl[0]->ident[0], decl.size() > 1 ? index : elem);
      } else {
        vars_[vars_.size() - 1].value = elem;
      }
    }
    if (decl.size() > 1) {
      if (node.pipe->is_assign) {
        set_var(decl[1]->ident[0], elem);
      } else {
        vars_[vars_.size() - 2].value = index;
      }
    }
    try {
      walk(elem, *node.list);
    } catch (const ContinueSignal&) {
    }
    vars_.resize(mark);
  };
  bool iterated = false;
  try {
    switch (val.type) {
      case GoType::StringMap:
      case GoType::AnyMap:
        for (const auto& [key, elem] : *val.map) {
          iterated = true;
          one_iteration(Value::string(key), elem);
        }
        break;
      case GoType::Nil:
        break;
      default:
        errorf("range can't iterate over " + format_value(val));
    }
  } catch (const BreakSignal&) {
    iterated = true;
  }
  if (!iterated && node.else_list) walk(dot, *node.else_list);
  vars_.resize(outer);
}

void Exec::walk_template(const TemplateNode& node, const Value& dot) {
  at(node);
  auto it = set_.trees.find(node.name);
  if (it == set_.trees.end()) errorf("template " + gotext::quote(node.name) + " not defined");
  if (depth_ == kMaxExecDepth) errorf("exceeded maximum template depth (100000)");
  Value new_dot = eval_pipeline(dot, node.pipe.get());
  Exec inner(set_, *it->second, out_, ctx_, depth_ + 1, new_dot);
  inner.node_ = node_;
  inner.walk(new_dot, *it->second->root);
}

void Exec::print_value(const Node& node, const Value& v) {
  at(node);
  out_ += v.is_nil() && !v.boxed ? "<no value>" : format_value(v.unboxed());
}

Value Exec::eval_pipeline(const Value& dot, const PipeNode* pipe) {
  if (!pipe) return Value{};
  at(*pipe);
  Final value;
  for (const auto& cmd : pipe->cmds) {
    value = eval_command(dot, *cmd, value);
    // An interface{} value is replaced by what it holds.
    if (value->boxed) value = value->unboxed();
  }
  for (const auto& v : pipe->decl) {
    if (pipe->is_assign) {
      set_var(v->ident[0], *value);
    } else {
      vars_.push_back({v->ident[0], *value});
    }
  }
  return *value;
}

Value Exec::eval_command(const Value& dot, const CommandNode& cmd, const Final& final) {
  const Node& first = *cmd.args[0];
  Args args(cmd.args);
  switch (first.type) {
    case NodeType::Field:
      return eval_field_node(dot, static_cast<const FieldNode&>(first), args, final);
    case NodeType::Chain:
      return eval_chain_node(dot, static_cast<const ChainNode&>(first), args, final);
    case NodeType::Identifier:
      return eval_function(dot, static_cast<const IdentifierNode&>(first), cmd, args, final);
    case NodeType::Pipe:
      not_a_function(args, final);
      return eval_pipeline(dot, static_cast<const PipeNode*>(&first));
    case NodeType::Variable:
      return eval_variable_node(dot, static_cast<const VariableNode&>(first), args, final);
    default:
      break;
  }
  at(first);
  not_a_function(args, final);
  switch (first.type) {
    case NodeType::Bool:
      return Value::boolean(static_cast<const BoolNode&>(first).value);
    case NodeType::Dot:
      return dot;
    case NodeType::Nil:
      errorf("nil is not a command");
    case NodeType::Number:
      return ideal_constant(static_cast<const NumberNode&>(first));
    case NodeType::String:
      return Value::string(static_cast<const StringNode&>(first).text);
    default:
      errorf("can't evaluate command " + gotext::quote(first.str()));
  }
}

void Exec::not_a_function(Args args, const Final& final) const {
  if (args.size() > 1 || final) {
    errorf("can't give argument to non-function " + first_of(args).str());
  }
}

Value Exec::ideal_constant(const NumberNode& n) {
  at(n);
  const std::string& text = n.text;
  bool hex_int = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X') &&
                 text.find_first_of("pP") == std::string::npos;
  bool rune_int = !text.empty() && text[0] == '\'';
  if (n.is_complex) return Value::complex(n.real, n.imag);
  if (n.is_float && !hex_int && !rune_int && text.find_first_of(".eEpP") != std::string::npos) {
    return Value::float64(n.float64);
  }
  if (n.is_int) return Value::integer(n.int64);
  if (n.is_uint) errorf(text + " overflows int");
  return Value{};
}

Result<std::string> execute_template(const TemplateSet& set, const Value& data,
                                     const CallContext& ctx) {
  auto it = set.trees.find(set.name);
  std::string out;
  try {
    if (it == set.trees.end() || !it->second->root) {
      throw ExecError{"template: " + set.name + ": " + gotext::quote(set.name) +
                      " is an incomplete or empty template"};
    }
    Exec(set, *it->second, out, ctx, 0, data).walk(data, *it->second->root);
  } catch (const ExecError& e) {
    return make_error(ErrorCode::InvalidArgument, e.message);
  }
  return out;
}

}  // namespace vitals::alert_template::detail
