// Pipelines, commands and operands: the inside of an action.
#include "alerts/gotext/strconv.h"
#include "alerts/template/tree_parser.h"

namespace vitals::alert_template::detail {

std::unique_ptr<PipeNode> TreeParser::pipeline(std::string_view context, ItemType end) {
  Item first = peek_non_space();
  auto pipe = std::make_unique<PipeNode>(first.pos, first.line);
  parse_declarations(*pipe, context);
  for (;;) {
    Item token = next_non_space();
    if (token.type == end) {
      check_pipeline(*pipe, context);
      return pipe;
    }
    switch (token.type) {
      case ItemType::Bool:
      case ItemType::CharConstant:
      case ItemType::Complex:
      case ItemType::Dot:
      case ItemType::Field:
      case ItemType::Identifier:
      case ItemType::Number:
      case ItemType::Nil:
      case ItemType::RawString:
      case ItemType::String:
      case ItemType::Variable:
      case ItemType::LeftParen:
        backup();
        pipe->cmds.push_back(command());
        break;
      default:
        unexpected(token, context);
    }
  }
}

// Declarations: "$x :=", "$x =", and "$i, $e :=" in a range. Spaces are tokens, so telling
// "$x foo" from "$x := foo" takes three tokens of lookahead.
void TreeParser::parse_declarations(PipeNode& pipe, std::string_view context) {
  for (;;) {
    Item v = peek_non_space();
    if (v.type != ItemType::Variable) return;
    next();
    Item after_variable = peek();
    Item following = peek_non_space();
    if (following.type == ItemType::Assign || following.type == ItemType::Declare) {
      pipe.is_assign = following.type == ItemType::Assign;
      next_non_space();
      pipe.decl.push_back(std::make_unique<VariableNode>(v.pos, split_dots(v.val)));
      vars_.push_back(v.val);
    } else if (following.type == ItemType::Char && following.val == ",") {
      next_non_space();
      pipe.decl.push_back(std::make_unique<VariableNode>(v.pos, split_dots(v.val)));
      vars_.push_back(v.val);
      if (context == "range" && pipe.decl.size() < 2) {
        ItemType t = peek_non_space().type;
        if (t == ItemType::Variable || t == ItemType::RightDelim || t == ItemType::RightParen) {
          continue;
        }
        errorf("range can only initialize variables");
      }
      errorf("too many declarations in " + std::string(context));
    } else if (after_variable.type == ItemType::Space) {
      backup3(std::move(v), std::move(after_variable));
    } else {
      backup2(std::move(v));
    }
    return;
  }
}

void TreeParser::check_pipeline(const PipeNode& pipe, std::string_view context) const {
  if (pipe.cmds.empty()) errorf("missing value for " + std::string(context));
  for (std::size_t i = 1; i < pipe.cmds.size(); ++i) {
    switch (pipe.cmds[i]->args[0]->type) {
      case NodeType::Bool:
      case NodeType::Dot:
      case NodeType::Nil:
      case NodeType::Number:
      case NodeType::String:
        errorf("non executable command in pipeline stage " + std::to_string(i + 1));
      default:
        break;
    }
  }
}

std::unique_ptr<CommandNode> TreeParser::command() {
  auto cmd = std::make_unique<CommandNode>(peek_non_space().pos);
  for (;;) {
    peek_non_space();
    if (NodePtr arg = operand()) cmd->args.push_back(std::move(arg));
    Item token = next();
    if (token.type == ItemType::Space) continue;
    if (token.type == ItemType::RightDelim || token.type == ItemType::RightParen) {
      backup();
    } else if (token.type != ItemType::Pipe) {
      unexpected(token, "operand");
    }
    break;
  }
  if (cmd->args.empty()) errorf("empty command");
  return cmd;
}

NodePtr TreeParser::operand() {
  NodePtr node = term();
  if (!node || peek().type != ItemType::Field) return node;
  std::size_t chain_pos = peek().pos;
  auto chain = std::make_unique<ChainNode>(chain_pos, nullptr);
  std::vector<std::string> fields;
  while (peek().type == ItemType::Field) fields.push_back(next().val.substr(1));
  switch (node->type) {
    case NodeType::Field:
    case NodeType::Variable: {
      std::string joined = node->str();
      for (const auto& f : fields) joined += "." + f;
      if (node->type == NodeType::Field) {
        return std::make_unique<FieldNode>(chain_pos, split_dots(joined.substr(1)));
      }
      return std::make_unique<VariableNode>(chain_pos, split_dots(joined));
    }
    case NodeType::Bool:
    case NodeType::String:
    case NodeType::Number:
    case NodeType::Nil:
    case NodeType::Dot:
      errorf("unexpected . after term " + gotext::quote(node->str()));
    default:
      chain->node = std::move(node);
      chain->field = std::move(fields);
      return chain;
  }
}

NodePtr TreeParser::term() {
  Item token = next_non_space();
  switch (token.type) {
    case ItemType::Identifier:
      if (!(*s_.has_function)(token.val))
        errorf("function " + gotext::quote(token.val) + " not defined");
      return std::make_unique<IdentifierNode>(token.pos, token.val);
    case ItemType::Dot:
      return std::make_unique<DotNode>(token.pos);
    case ItemType::Nil:
      return std::make_unique<NilNode>(token.pos);
    case ItemType::Variable:
      return use_var(token.pos, token.val);
    case ItemType::Field:
      return std::make_unique<FieldNode>(token.pos, split_dots(token.val.substr(1)));
    case ItemType::Bool:
      return std::make_unique<BoolNode>(token.pos, token.val == "true");
    case ItemType::CharConstant:
    case ItemType::Complex:
    case ItemType::Number:
      return new_number(token);
    case ItemType::LeftParen: {
      Nesting nesting(*this);
      return pipeline("parenthesized pipeline", ItemType::RightParen);
    }
    case ItemType::String:
    case ItemType::RawString: {
      auto text = gotext::unquote(token.val);
      if (!text) errorf("invalid syntax");
      return std::make_unique<StringNode>(token.pos, token.val, *text);
    }
    default:
      backup();
      return nullptr;
  }
}

NodePtr TreeParser::use_var(std::size_t pos, const std::string& name) const {
  auto v = std::make_unique<VariableNode>(pos, split_dots(name));
  for (const auto& known : vars_) {
    if (known == v->ident[0]) return v;
  }
  errorf("undefined variable " + gotext::quote(v->ident[0]));
}

}  // namespace vitals::alert_template::detail
