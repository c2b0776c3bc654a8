#include "agent/config/matcher.h"

#include <optional>

#include "agent/config/value_syntax.h"

namespace vitals {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Longest operators first so "=~" is not read as "=" followed by a value "~…".
std::optional<std::pair<MatchOp, std::size_t>> match_op(std::string_view rest) {
  if (rest.substr(0, 2) == "=~") return std::pair{MatchOp::Regex, std::size_t{2}};
  if (rest.substr(0, 2) == "!=") return std::pair{MatchOp::NotEqual, std::size_t{2}};
  if (rest.substr(0, 2) == "!~") return std::pair{MatchOp::NotRegex, std::size_t{2}};
  if (rest.substr(0, 1) == "=") return std::pair{MatchOp::Equal, std::size_t{1}};
  return std::nullopt;
}

std::optional<std::string> unquote(std::string_view quoted) {
  if (quoted.size() < 2 || quoted.back() != '"') return std::nullopt;
  std::string out;
  for (std::size_t i = 1; i + 1 < quoted.size(); ++i) {
    char c = quoted[i];
    if (c == '"') return std::nullopt;  // an unescaped quote ends the value early
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i + 1 >= quoted.size()) return std::nullopt;
    switch (quoted[i]) {
      case 'n':
        out += '\n';
        break;
      case '\\':
        out += '\\';
        break;
      case '"':
        out += '"';
        break;
      default:
        return std::nullopt;
    }
  }
  return out;
}

}  // namespace

Result<ParsedMatcher> parse_label_matcher(std::string_view text) {
  auto invalid = [&](const std::string& why) {
    return make_error(ErrorCode::InvalidArgument,
                      "invalid matcher \"" + std::string(text) + "\": " + why);
  };
  std::string_view rest = trim(text);
  std::size_t name_end = 0;
  while (name_end < rest.size() && detail::is_label_name(rest.substr(0, name_end + 1))) {
    ++name_end;  // names are short; growing the prefix keeps one definition of the syntax
  }
  if (name_end == 0) return invalid("want name op \"value\" with op one of =, !=, =~, !~");
  ParsedMatcher matcher;
  matcher.name = std::string(rest.substr(0, name_end));
  rest = trim(rest.substr(name_end));
  auto op = match_op(rest);
  if (!op) return invalid("want name op \"value\" with op one of =, !=, =~, !~");
  matcher.op = op->first;
  rest = trim(rest.substr(op->second));
  if (!rest.empty() && rest.front() == '"') {
    auto value = unquote(rest);
    if (!value) return invalid("badly quoted value");
    matcher.value = std::move(*value);
  } else {
    matcher.value = std::string(rest);
  }
  if (matcher.op == MatchOp::Regex || matcher.op == MatchOp::NotRegex) {
    if (auto problem = detail::regex_problem(matcher.value)) return invalid("regex: " + *problem);
  }
  return matcher;
}

}  // namespace vitals
