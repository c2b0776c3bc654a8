// The parse tree of a Go template (text/template/parse/node.go). Each node knows its byte
// position in the template text and prints itself as Go does, since execution errors quote
// the node they happened at: `executing "x" at <humanize "abc">`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace vitals::alert_template::detail {

enum class NodeType : std::uint8_t {
  Text,
  Action,
  Bool,
  Chain,
  Command,
  Dot,
  Else,
  End,
  Field,
  Identifier,
  If,
  List,
  Nil,
  Number,
  Pipe,
  Range,
  String,
  Template,
  Variable,
  With,
  Break,
  Continue,
};

struct Node {
  Node(NodeType t, std::size_t p) : type(t), pos(p) {}
  virtual ~Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  virtual void write_to(std::string& out) const = 0;
  std::string str() const {
    std::string out;
    write_to(out);
    return out;
  }

  NodeType type;
  std::size_t pos;  // byte offset in the template text
};

using NodePtr = std::unique_ptr<Node>;

struct ListNode : Node {
  explicit ListNode(std::size_t p) : Node(NodeType::List, p) {}
  void write_to(std::string& out) const override {
    for (const auto& n : nodes) n->write_to(out);
  }
  std::vector<NodePtr> nodes;
};

struct TextNode : Node {
  TextNode(std::size_t p, std::string t) : Node(NodeType::Text, p), text(std::move(t)) {}
  void write_to(std::string& out) const override { out += text; }
  std::string text;
};

struct VariableNode : Node {
  VariableNode(std::size_t p, std::vector<std::string> i)
      : Node(NodeType::Variable, p), ident(std::move(i)) {}
  void write_to(std::string& out) const override {
    for (std::size_t k = 0; k < ident.size(); ++k) {
      if (k > 0) out += '.';
      out += ident[k];
    }
  }
  std::vector<std::string> ident;  // "$x", then field names
};

struct CommandNode : Node {
  explicit CommandNode(std::size_t p) : Node(NodeType::Command, p) {}
  void write_to(std::string& out) const override;
  std::vector<NodePtr> args;  // the first is the function, field, variable or constant
};

struct PipeNode : Node {
  PipeNode(std::size_t p, int l) : Node(NodeType::Pipe, p), line(l) {}
  void write_to(std::string& out) const override {
    if (!decl.empty()) {
      for (std::size_t k = 0; k < decl.size(); ++k) {
        if (k > 0) out += ", ";
        decl[k]->write_to(out);
      }
      out += " := ";
    }
    for (std::size_t k = 0; k < cmds.size(); ++k) {
      if (k > 0) out += " | ";
      cmds[k]->write_to(out);
    }
  }
  int line;
  bool is_assign = false;  // "=" rather than ":="
  std::vector<std::unique_ptr<VariableNode>> decl;
  std::vector<std::unique_ptr<CommandNode>> cmds;
};

inline void CommandNode::write_to(std::string& out) const {
  for (std::size_t k = 0; k < args.size(); ++k) {
    if (k > 0) out += ' ';
    if (args[k]->type == NodeType::Pipe) {
      out += '(';
      args[k]->write_to(out);
      out += ')';
    } else {
      args[k]->write_to(out);
    }
  }
}

struct ActionNode : Node {
  ActionNode(std::size_t p, int l, std::unique_ptr<PipeNode> pp)
      : Node(NodeType::Action, p), line(l), pipe(std::move(pp)) {}
  void write_to(std::string& out) const override {
    out += "{{";
    pipe->write_to(out);
    out += "}}";
  }
  int line;
  std::unique_ptr<PipeNode> pipe;
};

struct IdentifierNode : Node {
  IdentifierNode(std::size_t p, std::string i)
      : Node(NodeType::Identifier, p), ident(std::move(i)) {}
  void write_to(std::string& out) const override { out += ident; }
  std::string ident;
};

struct DotNode : Node {
  explicit DotNode(std::size_t p) : Node(NodeType::Dot, p) {}
  void write_to(std::string& out) const override { out += '.'; }
};

struct NilNode : Node {
  explicit NilNode(std::size_t p) : Node(NodeType::Nil, p) {}
  void write_to(std::string& out) const override { out += "nil"; }
};

struct FieldNode : Node {
  FieldNode(std::size_t p, std::vector<std::string> i)
      : Node(NodeType::Field, p), ident(std::move(i)) {}
  void write_to(std::string& out) const override {
    for (const auto& id : ident) out += "." + id;
  }
  std::vector<std::string> ident;  // without the dots
};

struct ChainNode : Node {
  ChainNode(std::size_t p, NodePtr n) : Node(NodeType::Chain, p), node(std::move(n)) {}
  void write_to(std::string& out) const override {
    if (node->type == NodeType::Pipe) {
      out += '(';
      node->write_to(out);
      out += ')';
    } else {
      node->write_to(out);
    }
    for (const auto& f : field) out += "." + f;
  }
  NodePtr node;
  std::vector<std::string> field;
};

struct BoolNode : Node {
  BoolNode(std::size_t p, bool v) : Node(NodeType::Bool, p), value(v) {}
  void write_to(std::string& out) const override { out += value ? "true" : "false"; }
  bool value;
};

// A number stored under every type that can represent it, like Go's ideal constants.
struct NumberNode : Node {
  NumberNode(std::size_t p, std::string t) : Node(NodeType::Number, p), text(std::move(t)) {}
  void write_to(std::string& out) const override { out += text; }
  bool is_int = false;
  bool is_uint = false;
  bool is_float = false;
  bool is_complex = false;
  std::int64_t int64 = 0;
  std::uint64_t uint64 = 0;
  double float64 = 0;
  double real = 0;
  double imag = 0;
  std::string text;  // as written
};

struct StringNode : Node {
  StringNode(std::size_t p, std::string q, std::string t)
      : Node(NodeType::String, p), quoted(std::move(q)), text(std::move(t)) {}
  void write_to(std::string& out) const override { out += quoted; }
  std::string quoted;  // as written, with quotes
  std::string text;
};

// {{end}} and {{else}}: only seen while parsing.
struct EndNode : Node {
  explicit EndNode(std::size_t p) : Node(NodeType::End, p) {}
  void write_to(std::string& out) const override { out += "{{end}}"; }
};

struct ElseNode : Node {
  ElseNode(std::size_t p, int l) : Node(NodeType::Else, p), line(l) {}
  void write_to(std::string& out) const override { out += "{{else}}"; }
  int line;
};

// if, range and with.
struct BranchNode : Node {
  BranchNode(NodeType t, std::size_t p, int l) : Node(t, p), line(l) {}
  void write_to(std::string& out) const override {
    out += type == NodeType::If ? "{{if " : type == NodeType::Range ? "{{range " : "{{with ";
    pipe->write_to(out);
    out += "}}";
    list->write_to(out);
    if (else_list) {
      out += "{{else}}";
      else_list->write_to(out);
    }
    out += "{{end}}";
  }
  int line;
  std::unique_ptr<PipeNode> pipe;
  std::unique_ptr<ListNode> list;
  std::unique_ptr<ListNode> else_list;  // may be null
};

struct TemplateNode : Node {
  TemplateNode(std::size_t p, int l, std::string n, std::unique_ptr<PipeNode> pp)
      : Node(NodeType::Template, p), line(l), name(std::move(n)), pipe(std::move(pp)) {}
  void write_to(std::string& out) const override;
  int line;
  std::string name;
  std::unique_ptr<PipeNode> pipe;  // may be null
};

struct LoopControlNode : Node {  // {{break}} and {{continue}}
  LoopControlNode(NodeType t, std::size_t p, int l) : Node(t, p), line(l) {}
  void write_to(std::string& out) const override {
    out += type == NodeType::Break ? "{{break}}" : "{{continue}}";
  }
  int line;
};

// One named template; all of a parse share its text.
struct Tree {
  std::string name;
  std::unique_ptr<ListNode> root;
};

// What one Parse produces: the top-level template and those it defines, by name.
struct TemplateSet {
  std::string name;  // the top-level template's: Go's ParseName, used in every location
  std::string text;
  std::map<std::string, std::unique_ptr<Tree>> trees;
};

// Go's ErrorContext location: "NAME:LINE:COL", COL counted in bytes from 0.
std::string node_location(const TemplateSet& set, const Node& node);

// parse.IsEmptyTree: nothing but whitespace text.
bool is_empty_tree(const Node* node);

}  // namespace vitals::alert_template::detail
