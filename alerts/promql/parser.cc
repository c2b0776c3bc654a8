#include "alerts/promql/parser.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <utility>
#include <vector>

#include "alerts/gotext/utf8.h"
#include "alerts/promql/expr_parser.h"
#include "alerts/promql/functions.h"
#include "alerts/promql/quoting.h"

namespace vitals::promql {
namespace detail {
namespace {

constexpr std::pair<TokenKind, BinaryOp> kBinaryOps[] = {
    {TokenKind::Add, BinaryOp::Add},     {TokenKind::Sub, BinaryOp::Sub},
    {TokenKind::Mul, BinaryOp::Mul},     {TokenKind::Div, BinaryOp::Div},
    {TokenKind::Mod, BinaryOp::Mod},     {TokenKind::Pow, BinaryOp::Pow},
    {TokenKind::Atan2, BinaryOp::Atan2}, {TokenKind::Eql, BinaryOp::Eql},
    {TokenKind::Neq, BinaryOp::Neq},     {TokenKind::Gtr, BinaryOp::Gtr},
    {TokenKind::Lss, BinaryOp::Lss},     {TokenKind::Gte, BinaryOp::Gte},
    {TokenKind::Lte, BinaryOp::Lte},     {TokenKind::And, BinaryOp::And},
    {TokenKind::Or, BinaryOp::Or},       {TokenKind::Unless, BinaryOp::Unless},
};

std::optional<BinaryOp> binary_op(TokenKind kind) {
  for (const auto& [token, op] : kBinaryOps) {
    if (token == kind) return op;
  }
  return std::nullopt;
}

// Binding strength, loosest first, as Prometheus' grammar declares it. `^` is right-associative;
// a unary operator binds like `*`, so its operand takes in `^` only: -2^2 is -(2^2).
constexpr int kPowPrecedence = 6;

int precedence(BinaryOp op) {
  if (op == BinaryOp::Or) return 1;
  if (op == BinaryOp::And || op == BinaryOp::Unless) return 2;
  if (is_comparison(op)) return 3;
  if (op == BinaryOp::Add || op == BinaryOp::Sub) return 4;
  if (op == BinaryOp::Pow) return kPowPrecedence;
  return 5;  // * / % atan2
}

std::optional<AggregateOp> aggregate_op(std::string_view word) {
  std::string key(word);
  for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (int op = 0; op <= static_cast<int>(AggregateOp::LimitRatio); ++op) {
    if (to_string(static_cast<AggregateOp>(op)) == key) return static_cast<AggregateOp>(op);
  }
  return std::nullopt;
}

bool has_parameter(AggregateOp op) {
  return op == AggregateOp::Topk || op == AggregateOp::Bottomk || op == AggregateOp::Quantile ||
         op == AggregateOp::CountValues || op == AggregateOp::Limitk ||
         op == AggregateOp::LimitRatio;
}

}  // namespace

bool is_metric_word(TokenKind kind) {
  switch (kind) {
    case TokenKind::Identifier:
    case TokenKind::MetricIdentifier:
    case TokenKind::Aggregator:
    case TokenKind::By:
    case TokenKind::Without:
    case TokenKind::And:
    case TokenKind::Or:
    case TokenKind::Unless:
    case TokenKind::Offset:
    case TokenKind::Start:
    case TokenKind::End:
    case TokenKind::Step:
    case TokenKind::Range:
    case TokenKind::Anchored:
    case TokenKind::Smoothed:
      return true;
    default:
      return false;
  }
}

namespace {

// Tokens an operand can start with, "(" aside.
bool starts_operand(TokenKind kind) {
  switch (kind) {
    case TokenKind::Number:
    case TokenKind::Duration:
    case TokenKind::String:
    case TokenKind::LeftBrace:
    case TokenKind::Add:
    case TokenKind::Sub:
      return true;
    default:
      return is_metric_word(kind);
  }
}

bool is_fill(TokenKind kind) {
  return kind == TokenKind::Fill || kind == TokenKind::FillLeft || kind == TokenKind::FillRight;
}

// Words that may be label names in by/without/on/ignoring/group_* lists (maybe_label).
bool is_label_word(TokenKind kind) {
  switch (kind) {
    case TokenKind::Bool:
    case TokenKind::GroupLeft:
    case TokenKind::GroupRight:
    case TokenKind::Ignoring:
    case TokenKind::On:
    case TokenKind::Atan2:
      return true;
    default:
      return is_metric_word(kind);
  }
}

}  // namespace

tl::unexpected<Error> parse_error(std::string_view query, std::size_t pos,
                                  std::string_view message) {
  pos = std::min(pos, query.size());
  const std::string_view before = query.substr(0, pos);
  std::size_t line = 1;
  for (char c : before) line += c == '\n' ? 1 : 0;
  const std::size_t line_start = before.rfind('\n');
  const std::size_t column = line_start == std::string_view::npos ? pos + 1 : pos - line_start;
  return make_error(ErrorCode::InvalidArgument, std::to_string(line) + ":" +
                                                    std::to_string(column) +
                                                    ": parse error: " + std::string(message));
}

std::size_t tree_height(const Expr& root) {
  // Iterative, as the tree may be the one too deep to walk recursively.
  std::vector<std::pair<const Expr*, std::size_t>> pending{{&root, 1}};
  std::size_t height = 0;
  const auto push = [&](const ExprPtr& child, std::size_t level) {
    if (child) pending.emplace_back(child.get(), level);
  };
  while (!pending.empty()) {
    const auto [expr, level] = pending.back();
    pending.pop_back();
    height = std::max(height, level);
    if (auto* subquery = std::get_if<Subquery>(&expr->node)) push(subquery->expr, level + 1);
    if (auto* call = std::get_if<Call>(&expr->node)) {
      for (const ExprPtr& arg : call->args) push(arg, level + 1);
    }
    if (auto* aggregate = std::get_if<Aggregate>(&expr->node)) {
      push(aggregate->param, level + 1);
      push(aggregate->expr, level + 1);
    }
    if (auto* unary = std::get_if<Unary>(&expr->node)) push(unary->expr, level + 1);
    if (auto* binary = std::get_if<Binary>(&expr->node)) {
      push(binary->lhs, level + 1);
      push(binary->rhs, level + 1);
    }
    if (auto* paren = std::get_if<Paren>(&expr->node)) push(paren->expr, level + 1);
  }
  return height;
}

const Token& ExprParser::peek(std::size_t ahead) {
  while (lookahead_.size() <= ahead) lookahead_.push_back(lexer_.next());
  return lookahead_[ahead];
}

Token ExprParser::take() {
  peek();
  Token token = std::move(lookahead_.front());
  lookahead_.pop_front();
  if (token.kind != TokenKind::EndOfInput && token.kind != TokenKind::Error) {
    last_end_ = token.end();
  }
  return token;
}

tl::unexpected<Error> ExprParser::unexpected(const Token& token, std::string_view context,
                                             std::string_view expected) const {
  if (token.kind == TokenKind::Error) return fail(token.pos, token.error);
  std::string message = "unexpected " + describe(token);
  if (!context.empty()) message += " in " + std::string(context);
  if (!expected.empty()) message += ", expected " + std::string(expected);
  return fail(token.pos, message);
}

Result<ExprPtr> ExprParser::whole_query() {
  if (next_is(TokenKind::EndOfInput)) {
    if (query_.empty()) {
      // Prometheus has no position to name in an empty query.
      return make_error(ErrorCode::InvalidArgument,
                        "unknown position: parse error: no expression found in input");
    }
    return fail(0, "no expression found in input");
  }
  auto expr = expression(0);
  if (!expr) return expr;
  if (!next_is(TokenKind::EndOfInput)) return unexpected(peek());
  if (auto checked = check_types(**expr, query_); !checked) {
    return tl::unexpected(checked.error());
  }
  return expr;
}

Result<ExprPtr> ExprParser::expression(int min_precedence) {
  if (depth_ == kMaxNesting) return fail(peek().pos, kTooDeep);
  ++depth_;
  auto expr = operator_chain(min_precedence);
  --depth_;
  return expr;
}

// Operands joined by operators of at least `min_precedence`, by precedence climbing.
Result<ExprPtr> ExprParser::operator_chain(int min_precedence) {
  auto lhs = unary();
  if (!lhs) return lhs;
  std::size_t height = tree_height(**lhs);
  for (;;) {
    const std::optional<BinaryOp> op = binary_op(peek().kind);
    if (!op || precedence(*op) < min_precedence) return lhs;
    const std::size_t op_pos = take().pos;
    auto binary = binary_modifiers((*lhs)->span.begin);
    if (!binary) return tl::unexpected(binary.error());
    const bool right_associative = *op == BinaryOp::Pow;
    auto rhs = expression(precedence(*op) + (right_associative ? 0 : 1));
    if (!rhs) return rhs;
    height = std::max(height, tree_height(**rhs)) + 1;
    if (height > kMaxTreeHeight) return fail(op_pos, kTooDeep);
    const Span span{(*lhs)->span.begin, (*rhs)->span.end};
    binary->op = *op;
    binary->lhs = std::move(*lhs);
    binary->rhs = std::move(*rhs);
    lhs = make_expr(std::move(*binary), span);
  }
}

Result<ExprPtr> ExprParser::unary() {
  if (!next_is(TokenKind::Add) && !next_is(TokenKind::Sub)) {
    auto expr = primary();
    if (!expr) return expr;
    return postfix(std::move(*expr));
  }
  const Token op = take();
  auto operand = expression(kPowPrecedence);
  if (!operand) return operand;
  const Span span{op.pos, (*operand)->span.end};
  if (auto* number = std::get_if<NumberLiteral>(&(*operand)->node)) {
    if (op.kind == TokenKind::Sub) number->value = -number->value;
    (*operand)->span = span;
    return operand;
  }
  return make_expr(Unary{.negate = op.kind == TokenKind::Sub, .expr = std::move(*operand)}, span);
}

Result<ExprPtr> ExprParser::primary() {
  const Token& token = peek();
  switch (token.kind) {
    case TokenKind::Number:
    case TokenKind::Duration:
      return number_literal(take());
    case TokenKind::String: {
      const Token string = take();
      return make_expr(StringLiteral{unquote(string.text)}, Span{string.pos, string.end()});
    }
    case TokenKind::LeftParen:
      return parenthesised();
    case TokenKind::LeftBrace:
      return vector_selector();
    case TokenKind::Aggregator: {
      const TokenKind after = peek(1).kind;
      if (after == TokenKind::LeftParen || after == TokenKind::By || after == TokenKind::Without) {
        return aggregate();
      }
      return vector_selector();
    }
    case TokenKind::Identifier:
    case TokenKind::Start:
    case TokenKind::End:
    case TokenKind::Step:
    case TokenKind::Range:
      if (peek(1).kind == TokenKind::LeftParen) return call();
      return vector_selector();
    default:
      if (is_metric_word(token.kind)) return vector_selector();
      return unexpected(token, enclosing_context());
  }
}

Result<ExprPtr> ExprParser::parenthesised() {
  const Token open = take();
  auto inner = expression(0);
  if (!inner) return inner;
  const Token close = take();
  if (close.kind != TokenKind::RightParen) return unexpected(close, enclosing_context());
  return make_expr(Paren{std::move(*inner)}, Span{open.pos, close.end()});
}

// `op [by|without (labels)] (args) [by|without (labels)]`, checked as newAggregateExpr does.
Result<ExprPtr> ExprParser::aggregate() {
  const Token op_token = take();
  Aggregate aggregate{.op = *aggregate_op(op_token.text)};
  const auto read_grouping = [&]() -> Result<void> {
    aggregate.without = take().kind == TokenKind::Without;
    auto labels = grouping_labels();
    if (!labels) return tl::unexpected(labels.error());
    aggregate.grouping = std::move(*labels);
    return {};
  };
  const bool grouped_first = next_is(TokenKind::By) || next_is(TokenKind::Without);
  if (grouped_first) {
    if (auto read = read_grouping(); !read) return tl::unexpected(read.error());
  }
  if (!next_is(TokenKind::LeftParen)) return unexpected(peek(), "aggregation");
  take();
  ++aggregation_depth_;
  auto args = call_arguments();
  --aggregation_depth_;
  if (!args) return tl::unexpected(args.error());
  if (!grouped_first && (next_is(TokenKind::By) || next_is(TokenKind::Without))) {
    if (auto read = read_grouping(); !read) return tl::unexpected(read.error());
  }
  const Span span{op_token.pos, last_end_};
  if (args->empty()) return fail(span.begin, "no arguments for aggregate expression provided");
  std::size_t wanted = 1;
  if (has_parameter(aggregate.op)) {
    const bool experimental =
        aggregate.op == AggregateOp::Limitk || aggregate.op == AggregateOp::LimitRatio;
    if (experimental && !options_.experimental_functions) {
      return fail(span.begin, std::string(to_string(aggregate.op)) +
                                  "() is experimental and must be enabled with "
                                  "--enable-feature=promql-experimental-functions");
    }
    wanted = 2;
  }
  if (args->size() != wanted) {
    return fail(span.begin,
                "wrong number of arguments for aggregate expression provided, expected " +
                    std::to_string(wanted) + ", got " + std::to_string(args->size()));
  }
  if (wanted == 2) aggregate.param = std::move(args->front());
  aggregate.expr = std::move(args->back());
  return make_expr(std::move(aggregate), span);
}

Result<ExprPtr> ExprParser::call() {
  const Token name = take();
  take();  // "("
  auto args = call_arguments();
  if (!args) return tl::unexpected(args.error());
  const Function* function = find_function(name.text);
  if (!function) return fail(name.pos, "unknown function with name " + go_quote(name.text));
  if (function->experimental && !options_.experimental_functions) {
    return fail(name.pos, "function " + go_quote(name.text) + " is not enabled");
  }
  return make_expr(Call{std::string(name.text), std::move(*args)}, Span{name.pos, last_end_});
}

// After "(": expressions separated by commas, up to ")".
Result<std::vector<ExprPtr>> ExprParser::call_arguments() {
  std::vector<ExprPtr> args;
  if (next_is(TokenKind::RightParen)) {
    take();
    return args;
  }
  for (;;) {
    auto arg = expression(0);
    if (!arg) return tl::unexpected(arg.error());
    args.push_back(std::move(*arg));
    const Token separator = take();
    if (separator.kind == TokenKind::RightParen) return args;
    if (separator.kind != TokenKind::Comma) return unexpected(separator, enclosing_context());
    if (next_is(TokenKind::RightParen)) {
      return fail(separator.pos, "trailing commas not allowed in function call args");
    }
  }
}

// `[bool] [on|ignoring (labels) [group_left|group_right [(labels)]]]` after an operator.
Result<Binary> ExprParser::binary_modifiers(std::size_t lhs_begin) {
  Binary binary;
  VectorMatching matching;
  if (next_is(TokenKind::Bool)) {
    take();
    binary.return_bool = true;
  }
  if (next_is(TokenKind::On) || next_is(TokenKind::Ignoring)) {
    matching.on = take().kind == TokenKind::On;
    auto labels = grouping_labels();
    if (!labels) return tl::unexpected(labels.error());
    matching.labels = std::move(*labels);
    if (next_is(TokenKind::GroupLeft) || next_is(TokenKind::GroupRight)) {
      const bool left = take().kind == TokenKind::GroupLeft;
      matching.card = left ? Cardinality::ManyToOne : Cardinality::OneToMany;
      // The labels are optional: without them the right operand follows at once.
      if (!starts_operand(peek().kind) && !is_fill(peek().kind)) {
        auto include = grouping_labels();
        if (!include) return tl::unexpected(include.error());
        matching.include = std::move(*include);
      }
    }
  }
  if (is_fill(peek().kind)) {
    return fail(lhs_begin, "binop fill modifiers are experimental and not enabled");
  }
  binary.matching = std::move(matching);
  return binary;
}

// `(a, b, "c.d")`: label names, keywords allowed, a trailing comma too.
Result<std::vector<std::string>> ExprParser::grouping_labels() {
  const Token open = take();
  if (open.kind != TokenKind::LeftParen) return unexpected(open, "grouping opts", "\"(\"");
  std::vector<std::string> labels;
  if (next_is(TokenKind::RightParen)) {
    take();
    return labels;
  }
  for (;;) {
    const Token label = take();
    if (label.kind == TokenKind::String) {
      std::string name = unquote(label.text);
      if (name.empty() || !gotext::valid_utf8(name)) {
        return fail(label.pos, "invalid label name for grouping: " + go_quote(name));
      }
      labels.push_back(std::move(name));
    } else if (is_label_word(label.kind)) {
      labels.emplace_back(label.text);
    } else {
      return unexpected(label, "grouping opts", "label");
    }
    const Token separator = take();
    if (separator.kind == TokenKind::RightParen) return labels;
    if (separator.kind != TokenKind::Comma) {
      return unexpected(separator, "grouping opts", "\",\" or \")\"");
    }
    if (next_is(TokenKind::RightParen)) {
      take();
      return labels;
    }
  }
}

}  // namespace detail

Result<ExprPtr> parse(std::string_view query, const ParseOptions& options) {
  return detail::ExprParser(query, options).whole_query();
}

Result<std::vector<LabelMatcher>> parse_metric_selector(std::string_view text) {
  return detail::ExprParser(text, ParseOptions{}).selector_only();
}

}  // namespace vitals::promql
