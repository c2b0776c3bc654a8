#include "alerts/template/ast.h"

#include <algorithm>

#include "alerts/gotext/strconv.h"
#include "alerts/gotext/utf8.h"

namespace vitals::alert_template::detail {

namespace {

// unicode.IsSpace.
bool is_unicode_space(char32_t r) {
  switch (r) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return r >= 0x2000 && r <= 0x200A;
  }
}

bool only_space(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    gotext::DecodedRune d = gotext::decode_rune(s, i);
    if (!is_unicode_space(d.rune)) return false;
    i += d.width;
  }
  return true;
}

}  // namespace

void TemplateNode::write_to(std::string& out) const {
  out += "{{template ";
  out += gotext::quote(name);
  if (pipe) {
    out += ' ';
    pipe->write_to(out);
  }
  out += "}}";
}

std::string node_location(const TemplateSet& set, const Node& node) {
  std::string_view before = std::string_view(set.text).substr(0, node.pos);
  std::size_t last_newline = before.rfind('\n');
  std::size_t column =
      last_newline == std::string_view::npos ? node.pos : node.pos - (last_newline + 1);
  auto line = 1 + std::count(before.begin(), before.end(), '\n');
  return set.name + ":" + std::to_string(line) + ":" + std::to_string(column);
}

bool is_empty_tree(const Node* node) {
  if (!node) return true;
  switch (node->type) {
    case NodeType::List: {
      const auto& list = static_cast<const ListNode&>(*node);
      return std::all_of(list.nodes.begin(), list.nodes.end(),
                         [](const NodePtr& n) { return is_empty_tree(n.get()); });
    }
    case NodeType::Text:
      return only_space(static_cast<const TextNode&>(*node).text);
    default:
      return false;
  }
}

}  // namespace vitals::alert_template::detail
