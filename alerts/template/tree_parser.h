// The parser's internals (parser.h is its interface): one TreeParser per template being
// parsed, as Go's parse.Tree, sharing the lexer and the set of trees. Split over parser.cc
// (templates and control structures), parse_pipeline.cc (pipelines, commands, operands) and
// parse_number.cc (number constants).
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "alerts/template/ast.h"
#include "alerts/template/lexer.h"
#include "alerts/template/parser.h"

namespace vitals::alert_template::detail {

// Thrown by errorf and caught in parse_template: the parser's equivalent of Go's panic.
struct ParseError {
  std::string message;
};

// What the trees of one parse share: the lexer, the set being filled, the function names.
struct Shared {
  Lexer lexer;
  TemplateSet* set = nullptr;
  const HasFunction* has_function = nullptr;
  // How deeply parentheses, if/range/with and blocks nest where the parser is. Go has no such
  // limit for control structures, but each level costs stack here: past kMaxDepth the template
  // is refused with Go's message for too many parentheses.
  int depth = 0;
};

inline constexpr int kMaxDepth = 1000;

// "$x.a.b" → {"$x", "a", "b"}.
std::vector<std::string> split_dots(std::string_view s);

// One tree being parsed: the top-level template or one {{define}}/{{block}}, with its own
// lookahead and variables, as Go's parse.Tree.
class TreeParser {
 public:
  TreeParser(Shared& shared, std::string name) : s_(shared), tree_(std::make_unique<Tree>()) {
    tree_->name = std::move(name);
  }

  void parse();             // the top-level template, to EOF
  void parse_definition();  // {{define "name"}} … {{end}}, after the keyword

 private:
  Item next() {
    if (peek_count_ > 0) {
      --peek_count_;
    } else {
      token_[0] = s_.lexer.next_item();
    }
    return token_[static_cast<std::size_t>(peek_count_)];
  }
  void backup() { ++peek_count_; }
  void backup2(Item t1) {
    token_[1] = std::move(t1);
    peek_count_ = 2;
  }
  void backup3(Item t2, Item t1) {
    token_[1] = std::move(t1);
    token_[2] = std::move(t2);
    peek_count_ = 3;
  }
  Item peek() {
    if (peek_count_ > 0) return token_[static_cast<std::size_t>(peek_count_ - 1)];
    peek_count_ = 1;
    token_[0] = s_.lexer.next_item();
    return token_[0];
  }
  Item next_non_space() {
    Item token;
    do {
      token = next();
    } while (token.type == ItemType::Space);
    return token;
  }
  Item peek_non_space() {
    Item token = next_non_space();
    backup();
    return token;
  }

  [[noreturn]] void errorf(const std::string& message) const {
    throw ParseError{"template: " + s_.set->name + ":" + std::to_string(token_[0].line) + ": " +
                     message};
  }
  [[noreturn]] void unexpected(const Item& token, std::string_view context) const;
  Item expect(ItemType expected, std::string_view context) {
    Item token = next_non_space();
    if (token.type != expected) unexpected(token, context);
    return token;
  }

  void add();
  std::pair<std::unique_ptr<ListNode>, NodePtr> item_list();
  NodePtr text_or_action();
  NodePtr action();
  NodePtr loop_control(NodeType type, const Item& keyword);
  std::unique_ptr<PipeNode> pipeline(std::string_view context, ItemType end);
  void parse_declarations(PipeNode& pipe, std::string_view context);
  void check_pipeline(const PipeNode& pipe, std::string_view context) const;
  NodePtr parse_control(NodeType type, std::string_view context);
  NodePtr else_control();
  NodePtr block_control();
  NodePtr template_control();
  std::string parse_template_name(const Item& token, std::string_view context);
  std::unique_ptr<CommandNode> command();
  NodePtr operand();
  NodePtr term();
  NodePtr use_var(std::size_t pos, const std::string& name) const;
  std::unique_ptr<NumberNode> new_number(const Item& token) const;
  void parse_char_constant(NumberNode& n) const;
  void parse_complex(NumberNode& n) const;
  void parse_integer_or_float(NumberNode& n) const;
  // Counts one level of nesting for as long as it lives.
  class Nesting {
   public:
    explicit Nesting(const TreeParser& p) : p_(p) {
      if (p_.s_.depth >= kMaxDepth) p_.errorf("max expression depth exceeded");
      ++p_.s_.depth;
    }
    ~Nesting() { --p_.s_.depth; }
    Nesting(const Nesting&) = delete;
    Nesting& operator=(const Nesting&) = delete;

   private:
    const TreeParser& p_;
  };

  std::unique_ptr<TreeParser> sub_tree(std::string name) const {
    return std::make_unique<TreeParser>(s_, std::move(name));
  }

  Shared& s_;
  std::unique_ptr<Tree> tree_;
  std::array<Item, 3> token_;
  int peek_count_ = 0;
  std::vector<std::string> vars_{"$"};
  int action_line_ = 0;
  int range_depth_ = 0;
};

}  // namespace vitals::alert_template::detail
