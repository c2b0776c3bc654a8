// Selectors, ranges, subqueries and the offset / @ modifiers of ExprParser (expr_parser.h).
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>
#include <utility>

#include "alerts/promql/expr_parser.h"
#include "alerts/promql/quoting.h"

namespace vitals::promql::detail {
namespace {

constexpr std::string_view kNoDurationExpressions = "duration expressions are not supported";

// A duration literal may not exceed what Go's time.Duration holds, in seconds.
constexpr double kMaxDurationSeconds = 9223372036.854775807;

bool is_match_op(TokenKind kind) {
  return kind == TokenKind::Assign || kind == TokenKind::Neq || kind == TokenKind::EqlRegex ||
         kind == TokenKind::NeqRegex;
}

MatchOp match_op(TokenKind kind) {
  switch (kind) {
    case TokenKind::Neq:
      return MatchOp::NotEqual;
    case TokenKind::EqlRegex:
      return MatchOp::Regex;
    case TokenKind::NeqRegex:
      return MatchOp::NotRegex;
    default:
      return MatchOp::Equal;
  }
}

bool equals_lowercase(std::string_view text, std::string_view word) {
  if (text.size() != word.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != word[i]) return false;
  }
  return true;
}

// `(`, step(), range(), min(…), max(…), min_of(…), max_of(…): where Prometheus' duration
// arithmetic starts.
bool starts_duration_expression(const Token& token) {
  switch (token.kind) {
    case TokenKind::LeftParen:
    case TokenKind::Step:
    case TokenKind::Range:
      return true;
    case TokenKind::Aggregator:
      return equals_lowercase(token.text, "min") || equals_lowercase(token.text, "max");
    case TokenKind::Identifier:
      return equals_lowercase(token.text, "min_of") || equals_lowercase(token.text, "max_of");
    default:
      return false;
  }
}

bool is_duration_operator(TokenKind kind) {
  return kind == TokenKind::Add || kind == TokenKind::Sub || kind == TokenKind::Mul ||
         kind == TokenKind::Div || kind == TokenKind::Mod || kind == TokenKind::Pow;
}

// Seconds to milliseconds as Prometheus converts them: to whole nanoseconds, then truncated.
// The callers bound `seconds` to what nanoseconds in 64 bits hold; the last step is clamped.
std::int64_t seconds_to_ms(double seconds) {
  const double ns = std::round(seconds * 1e9);
  constexpr double kLimit = 9223372036854775807.0;
  if (ns >= kLimit) return std::numeric_limits<std::int64_t>::max() / 1'000'000;
  if (ns <= -kLimit) return std::numeric_limits<std::int64_t>::min() / 1'000'000;
  return static_cast<std::int64_t>(ns) / 1'000'000;
}

// fmt's %f, which the @ bounds error prints the timestamp with.
std::string go_float_f(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[400];
  std::snprintf(buffer, sizeof buffer, "%.6f", value);
  return buffer;
}

}  // namespace

// A metric name, label matchers in braces, or both.
Result<ExprPtr> ExprParser::vector_selector() {
  VectorSelector selector;
  const std::size_t begin = peek().pos;
  if (!next_is(TokenKind::LeftBrace)) {
    selector.name = std::string(take().text);
    selector.matchers.push_back(*LabelMatcher::make("__name__", MatchOp::Equal, selector.name));
  }
  if (next_is(TokenKind::LeftBrace)) {
    take();
    if (auto read = label_matchers(selector); !read) return tl::unexpected(read.error());
  }
  return make_expr(std::move(selector), Span{begin, last_end_});
}

// After "{": matchers separated by commas, a trailing comma allowed, up to "}".
Result<void> ExprParser::label_matchers(VectorSelector& selector) {
  if (next_is(TokenKind::RightBrace)) {
    take();
    return {};
  }
  for (;;) {
    if (auto read = label_matcher(selector); !read) return read;
    const Token separator = take();
    if (separator.kind == TokenKind::RightBrace) return {};
    if (separator.kind != TokenKind::Comma) {
      return unexpected(separator, "label matching", "\",\" or \"}\"");
    }
    if (next_is(TokenKind::RightBrace)) {
      take();
      return {};
    }
  }
}

// `name op "value"`, `"name" op "value"`, or a quoted metric name alone: `{"http.requests"}`.
Result<void> ExprParser::label_matcher(VectorSelector& selector) {
  const Token label = take();
  std::string name;
  if (label.kind == TokenKind::Identifier) {
    name = std::string(label.text);
  } else if (label.kind == TokenKind::String) {
    name = unquote(label.text);
    if (!is_match_op(peek().kind)) {
      selector.matchers.push_back(*LabelMatcher::make("__name__", MatchOp::Equal, name));
      return {};
    }
  } else {
    return unexpected(label, "label matching", "identifier or \"}\"");
  }
  const Token op = take();
  if (!is_match_op(op.kind)) {
    return unexpected(op, "label matching", "label matching operator");
  }
  const Token value = take();
  if (value.kind != TokenKind::String) return unexpected(value, "label matching", "string");
  auto matcher = LabelMatcher::make(std::move(name), match_op(op.kind), unquote(value.text));
  if (!matcher) return fail(label.pos, matcher.error().message);
  selector.matchers.push_back(std::move(*matcher));
  return {};
}

// Ranges, subqueries, offset and @ after an operand, in any order and number; each checks that
// it may apply to what precedes it.
Result<ExprPtr> ExprParser::postfix(ExprPtr expr) {
  std::size_t height = 0;  // of `expr`, once a bracket asks for it
  for (;;) {
    switch (peek().kind) {
      case TokenKind::LeftBracket: {
        height = (height == 0 ? tree_height(*expr) : height) + 1;
        if (height > kMaxTreeHeight) return fail(peek().pos, kTooDeep);
        auto ranged = range_or_subquery(std::move(expr));
        if (!ranged) return ranged;
        expr = std::move(*ranged);
        break;
      }
      case TokenKind::Offset: {
        take();
        if (auto set = offset(*expr); !set) return tl::unexpected(set.error());
        break;
      }
      case TokenKind::At: {
        take();
        if (auto set = at_modifier(*expr); !set) return tl::unexpected(set.error());
        break;
      }
      case TokenKind::Anchored:
        return fail(expr->span.begin, "anchored modifier is experimental and not enabled");
      case TokenKind::Smoothed:
        return fail(expr->span.begin, "smoothed modifier is experimental and not enabled");
      default:
        return expr;
    }
  }
}

// `[range]` after a vector selector, `[range:step]` or `[range:]` after any expression.
Result<ExprPtr> ExprParser::range_or_subquery(ExprPtr expr) {
  const Token open = take();
  const std::size_t begin = expr->span.begin;
  auto range =
      bracket_duration("subquery or range selector", "number, duration, step(), or range()");
  if (!range) return tl::unexpected(range.error());
  const Token after_range = take();
  if (after_range.kind == TokenKind::RightBracket) {
    auto* selector = std::get_if<VectorSelector>(&expr->node);
    if (!selector) return fail(open.pos, "ranges only allowed for vector selectors");
    if (selector->offset_ms != 0) return fail(open.pos, "no offset modifiers allowed before range");
    if (selector->at) return fail(open.pos, "no @ modifiers allowed before range");
    return make_expr(MatrixSelector{.selector = std::move(*selector), .range_ms = *range},
                     Span{begin, after_range.end()});
  }
  if (after_range.kind != TokenKind::Colon) {
    return unexpected(after_range, "subquery or range", "\":\" or \"]\"");
  }
  std::int64_t step = 0;
  if (!next_is(TokenKind::RightBracket)) {
    auto written =
        bracket_duration("subquery selector", "number, duration, step(), range(), or \"]\"");
    if (!written) return tl::unexpected(written.error());
    step = *written;
    if (!next_is(TokenKind::RightBracket)) {
      return unexpected(peek(), "subquery selector", "\"]\"");
    }
  }
  const Token close = take();
  return make_expr(Subquery{.expr = std::move(expr), .range_ms = *range, .step_ms = step},
                   Span{begin, close.end()});
}

// A positive duration inside brackets: `5m`, `300`, `1.5`.
Result<std::int64_t> ExprParser::bracket_duration(std::string_view context,
                                                  std::string_view expected) {
  auto literal = signed_number(context, expected, true);
  if (!literal) return tl::unexpected(literal.error());
  if (is_duration_operator(peek().kind)) return fail(literal->begin, kNoDurationExpressions);
  if (!(std::abs(literal->seconds) <= kMaxDurationSeconds)) {
    return fail(literal->begin, "duration out of range");
  }
  if (!(literal->seconds > 0)) return fail(literal->begin, "duration must be greater than 0");
  return literal->exact_ms.value_or(seconds_to_ms(literal->seconds));
}

// `offset 5m`, `offset -1h`, `offset 300`: only a literal, so `foo offset 5s - 8` subtracts 8.
Result<void> ExprParser::offset(Expr& expr) {
  auto literal = signed_number("offset", "number, duration, step(), or range()", true);
  if (!literal) return tl::unexpected(literal.error());
  // Prometheus lets NaN through to an arbitrary offset; it is refused here.
  if (!(std::abs(literal->seconds) <= kMaxDurationSeconds)) {
    return fail(literal->begin, "duration out of range");
  }
  std::int64_t* target = nullptr;
  if (auto* selector = std::get_if<VectorSelector>(&expr.node)) {
    target = &selector->offset_ms;
  } else if (auto* matrix = std::get_if<MatrixSelector>(&expr.node)) {
    target = &matrix->selector.offset_ms;
  } else if (auto* subquery = std::get_if<Subquery>(&expr.node)) {
    target = &subquery->offset_ms;
  } else {
    return fail(expr.span.begin,
                "offset modifier must be preceded by an instant vector selector or range vector "
                "selector or a subquery");
  }
  // Like Prometheus, a zero offset counts as none.
  if (*target != 0) return fail(expr.span.begin, "offset may not be set multiple times");
  *target = literal->exact_ms.value_or(seconds_to_ms(literal->seconds));
  expr.span.end = last_end_;
  return {};
}

// `@ 1609746000`, `@ 1609746000.5`, `@ start()`, `@ end()`.
Result<void> ExprParser::at_modifier(Expr& expr) {
  AtModifier at;
  const Token& first = peek();
  if (first.kind == TokenKind::Start || first.kind == TokenKind::End) {
    at.kind = take().kind == TokenKind::Start ? AtModifier::Kind::Start : AtModifier::Kind::End;
    for (TokenKind paren : {TokenKind::LeftParen, TokenKind::RightParen}) {
      if (!next_is(paren)) return unexpected(peek(), "@", "timestamp");
      take();
    }
  } else {
    auto literal = signed_number("@", "timestamp", false);
    if (!literal) return tl::unexpected(literal.error());
    const double seconds = literal->seconds;
    constexpr double kLimit = 9223372036854775807.0;
    if (!std::isfinite(seconds) || seconds >= kLimit || seconds <= -kLimit) {
      return fail(expr.span.begin,
                  "timestamp out of bounds for @ modifier: " + go_float_f(seconds));
    }
    const double ms = std::round(seconds * 1000);
    at.timestamp_ms = std::abs(ms) < kLimit ? static_cast<std::int64_t>(ms)
                      : ms > 0              ? std::numeric_limits<std::int64_t>::max()
                                            : std::numeric_limits<std::int64_t>::min();
  }
  std::optional<AtModifier>* target = nullptr;
  if (auto* selector = std::get_if<VectorSelector>(&expr.node)) {
    target = &selector->at;
  } else if (auto* matrix = std::get_if<MatrixSelector>(&expr.node)) {
    target = &matrix->selector.at;
  } else if (auto* subquery = std::get_if<Subquery>(&expr.node)) {
    target = &subquery->at;
  } else {
    return fail(expr.span.begin,
                "@ modifier must be preceded by an instant vector selector or range vector "
                "selector or a subquery");
  }
  if (target->has_value()) {
    return fail(expr.span.begin, "@ <timestamp> may not be set multiple times");
  }
  *target = at;
  expr.span.end = last_end_;
  return {};
}

Result<TimeLiteral> ExprParser::signed_number(std::string_view context, std::string_view expected,
                                              bool durations) {
  TimeLiteral literal{.begin = peek().pos};
  if (durations && starts_duration_expression(peek())) {
    return fail(literal.begin, kNoDurationExpressions);
  }
  bool negative = false;
  if (next_is(TokenKind::Add) || next_is(TokenKind::Sub)) negative = take().kind == TokenKind::Sub;
  if (durations && starts_duration_expression(peek())) {
    return fail(literal.begin, kNoDurationExpressions);
  }
  if (!next_is(TokenKind::Number) && !next_is(TokenKind::Duration)) {
    return unexpected(peek(), context, expected);
  }
  const Token token = take();
  if (token.kind == TokenKind::Duration) {
    auto ms = duration_from_text(token.text);
    if (!ms) return fail(token.pos, ms.error());
    literal.exact_ms = negative ? -*ms : *ms;
    literal.seconds = static_cast<double>(*literal.exact_ms) / 1000.0;
    return literal;
  }
  auto value = number_value(token);
  if (!value) return tl::unexpected(value.error());
  literal.seconds = negative ? -*value : *value;
  return literal;
}

Result<double> ExprParser::number_value(const Token& token) {
  if (token.kind == TokenKind::Duration) {
    auto ms = duration_from_text(token.text);
    if (!ms) return fail(token.pos, ms.error());
    return static_cast<double>(*ms) / 1000.0;
  }
  auto value = number_from_text(token.text);
  if (!value) return fail(token.pos, value.error());
  return *value;
}

Result<ExprPtr> ExprParser::number_literal(const Token& token) {
  auto value = number_value(token);
  if (!value) return tl::unexpected(value.error());
  NumberLiteral literal{.value = *value, .duration = token.kind == TokenKind::Duration};
  return make_expr(literal, Span{token.pos, token.end()});
}

Result<std::vector<LabelMatcher>> ExprParser::selector_only() {
  if (!next_is(TokenKind::LeftBrace) && !is_metric_word(peek().kind)) return unexpected(peek());
  auto selector = vector_selector();
  if (!selector) return tl::unexpected(selector.error());
  if (!next_is(TokenKind::EndOfInput)) return unexpected(peek());
  auto& matchers = std::get<VectorSelector>((*selector)->node).matchers;
  for (const LabelMatcher& matcher : matchers) {
    if (!matcher.matches("")) return std::move(matchers);
  }
  return make_error(ErrorCode::InvalidArgument,
                    "match[] must contain at least one non-empty matcher");
}

}  // namespace vitals::promql::detail
