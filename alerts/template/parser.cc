#include "alerts/template/parser.h"

#include "alerts/gotext/strconv.h"
#include "alerts/template/tree_parser.h"

namespace vitals::alert_template::detail {

std::vector<std::string> split_dots(std::string_view s) {
  std::vector<std::string> out;
  for (;;) {
    std::size_t dot = s.find('.');
    out.emplace_back(s.substr(0, dot));
    if (dot == std::string_view::npos) return out;
    s.remove_prefix(dot + 1);
  }
}

void TreeParser::unexpected(const Item& token, std::string_view context) const {
  if (token.type == ItemType::Error) {
    std::string extra;
    if (action_line_ != 0 && action_line_ != token.line) {
      extra = " in action started at " + s_.set->name + ":" + std::to_string(action_line_);
      if (token.val.ends_with(" action")) extra = extra.substr(std::string(" in action").size());
    }
    errorf(token.describe() + extra);
  }
  errorf("unexpected " + token.describe() + " in " + std::string(context));
}

void TreeParser::add() {
  auto& trees = s_.set->trees;
  auto it = trees.find(tree_->name);
  if (it == trees.end() || is_empty_tree(it->second->root.get())) {
    trees[tree_->name] = std::move(tree_);
    return;
  }
  if (!is_empty_tree(tree_->root.get())) {
    errorf("template: multiple definition of template " + gotext::quote(tree_->name));
  }
}

void TreeParser::parse() {
  tree_->root = std::make_unique<ListNode>(peek().pos);
  while (peek().type != ItemType::Eof) {
    if (peek().type == ItemType::LeftDelim) {
      Item delim = next();
      if (next_non_space().type == ItemType::Define) {
        sub_tree("definition")->parse_definition();
        continue;
      }
      backup2(std::move(delim));
    }
    NodePtr n = text_or_action();
    if (n->type == NodeType::End || n->type == NodeType::Else) errorf("unexpected " + n->str());
    tree_->root->nodes.push_back(std::move(n));
  }
  add();
}

void TreeParser::parse_definition() {
  constexpr std::string_view kContext = "define clause";
  Item name = next_non_space();
  if (name.type != ItemType::String && name.type != ItemType::RawString) unexpected(name, kContext);
  auto unquoted = gotext::unquote(name.val);
  if (!unquoted) errorf("invalid syntax");
  tree_->name = *unquoted;
  expect(ItemType::RightDelim, kContext);
  auto [list, end] = item_list();
  tree_->root = std::move(list);
  if (end->type != NodeType::End) {
    errorf("unexpected " + end->str() + " in " + std::string(kContext));
  }
  add();
}

std::pair<std::unique_ptr<ListNode>, NodePtr> TreeParser::item_list() {
  auto list = std::make_unique<ListNode>(peek_non_space().pos);
  while (peek_non_space().type != ItemType::Eof) {
    NodePtr n = text_or_action();
    if (n->type == NodeType::End || n->type == NodeType::Else)
      return {std::move(list), std::move(n)};
    list->nodes.push_back(std::move(n));
  }
  errorf("unexpected EOF");
}

NodePtr TreeParser::text_or_action() {
  Item token = next_non_space();
  switch (token.type) {
    case ItemType::Text:
      return std::make_unique<TextNode>(token.pos, token.val);
    case ItemType::LeftDelim: {
      action_line_ = token.line;
      NodePtr n = action();
      action_line_ = 0;
      return n;
    }
    default:
      unexpected(token, "input");
  }
}

NodePtr TreeParser::action() {
  Item token = next_non_space();
  switch (token.type) {
    case ItemType::Block:
      return block_control();
    case ItemType::Break:
      return loop_control(NodeType::Break, token);
    case ItemType::Continue:
      return loop_control(NodeType::Continue, token);
    case ItemType::Else:
      return else_control();
    case ItemType::End:
      return std::make_unique<EndNode>(expect(ItemType::RightDelim, "end").pos);
    case ItemType::If:
      return parse_control(NodeType::If, "if");
    case ItemType::Range:
      return parse_control(NodeType::Range, "range");
    case ItemType::Template:
      return template_control();
    case ItemType::With:
      return parse_control(NodeType::With, "with");
    default:
      break;
  }
  backup();
  Item first = peek();
  return std::make_unique<ActionNode>(first.pos, first.line,
                                      pipeline("command", ItemType::RightDelim));
}

NodePtr TreeParser::loop_control(NodeType type, const Item& keyword) {
  const char* name = type == NodeType::Break ? "break" : "continue";
  Item token = next_non_space();
  if (token.type != ItemType::RightDelim) unexpected(token, std::string("{{") + name + "}}");
  if (range_depth_ == 0) errorf(std::string("{{") + name + "}} outside {{range}}");
  return std::make_unique<LoopControlNode>(type, keyword.pos, keyword.line);
}

NodePtr TreeParser::parse_control(NodeType type, std::string_view context) {
  Nesting nesting(*this);
  std::size_t vars_before = vars_.size();
  auto pipe = pipeline(context, ItemType::RightDelim);
  if (type == NodeType::Range) ++range_depth_;
  auto [list, next_node] = item_list();
  if (type == NodeType::Range) --range_depth_;
  std::unique_ptr<ListNode> else_list;
  if (next_node->type == NodeType::Else) {
    // "{{else if …}}" is "{{else}}{{if …}}…{{end}}" with the inner {{end}} implied.
    if (type == NodeType::If && peek().type == ItemType::If) {
      next();
      else_list = std::make_unique<ListNode>(next_node->pos);
      else_list->nodes.push_back(parse_control(NodeType::If, "if"));
    } else {
      auto [rest, end] = item_list();
      if (end->type != NodeType::End) errorf("expected end; found " + end->str());
      else_list = std::move(rest);
    }
  }
  vars_.resize(vars_before);
  auto node = std::make_unique<BranchNode>(type, pipe->pos, pipe->line);
  node->pipe = std::move(pipe);
  node->list = std::move(list);
  node->else_list = std::move(else_list);
  return node;
}

NodePtr TreeParser::else_control() {
  Item peeked = peek_non_space();
  if (peeked.type == ItemType::If) return std::make_unique<ElseNode>(peeked.pos, peeked.line);
  Item token = expect(ItemType::RightDelim, "else");
  return std::make_unique<ElseNode>(token.pos, token.line);
}

NodePtr TreeParser::block_control() {
  Nesting nesting(*this);
  constexpr std::string_view kContext = "block clause";
  Item token = next_non_space();
  std::string name = parse_template_name(token, kContext);
  auto pipe = pipeline(kContext, ItemType::RightDelim);
  auto block = sub_tree(name);
  auto [list, end] = block->item_list();
  block->tree_->root = std::move(list);
  if (end->type != NodeType::End)
    errorf("unexpected " + end->str() + " in " + std::string(kContext));
  block->add();
  return std::make_unique<TemplateNode>(token.pos, token.line, name, std::move(pipe));
}

NodePtr TreeParser::template_control() {
  constexpr std::string_view kContext = "template clause";
  Item token = next_non_space();
  std::string name = parse_template_name(token, kContext);
  std::unique_ptr<PipeNode> pipe;
  if (next_non_space().type != ItemType::RightDelim) {
    backup();
    pipe = pipeline(kContext, ItemType::RightDelim);
  }
  return std::make_unique<TemplateNode>(token.pos, token.line, name, std::move(pipe));
}

std::string TreeParser::parse_template_name(const Item& token, std::string_view context) {
  if (token.type != ItemType::String && token.type != ItemType::RawString) {
    unexpected(token, context);
  }
  auto name = gotext::unquote(token.val);
  if (!name) errorf("invalid syntax");
  return *name;
}

Result<std::shared_ptr<const TemplateSet>> parse_template(std::string_view name,
                                                          std::string_view text,
                                                          const HasFunction& has_function) {
  auto set = std::make_shared<TemplateSet>();
  set->name = std::string(name);
  set->text = std::string(text);
  Shared shared{Lexer(set->text), set.get(), &has_function};
  try {
    TreeParser(shared, set->name).parse();
  } catch (const ParseError& e) {
    return make_error(ErrorCode::InvalidArgument, e.message);
  }
  return std::shared_ptr<const TemplateSet>(std::move(set));
}

}  // namespace vitals::alert_template::detail
