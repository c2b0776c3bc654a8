// The recursive-descent parser behind parser.h, internal to the promql library. Its grammar is
// split over parser.cc (expressions, operators, aggregations, calls), parse_selector.cc
// (selectors, ranges, subqueries, offset and @) and parse_literal.cc (number and duration
// values); type_check.cc checks the result.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alerts/promql/ast.h"
#include "alerts/promql/lexer.h"
#include "alerts/promql/parser.h"
#include "vitals/common/error.h"

namespace vitals::promql::detail {

// "LINE:COL: parse error: message" for a byte offset into `query`, as Prometheus' ParseErr.
tl::unexpected<Error> parse_error(std::string_view query, std::size_t pos,
                                  std::string_view message);

// Prometheus' checkAST: operand, argument and parameter types, selector rules, vector matching.
// Also settles each binary expression's matching (many-to-many for set operators, none unless
// both sides are instant vectors).
Result<void> check_types(Expr& expr, std::string_view query);

// Go's strconv rules for a Number token (0x1f, 0755, 1e3, 1_000, Inf, NaN); the error is
// Prometheus' "error parsing number: …" text.
tl::expected<double, std::string> number_from_text(std::string_view text);
// model.ParseDuration: "1h30m" in milliseconds, units biggest first; errors worded as there.
tl::expected<std::int64_t, std::string> duration_from_text(std::string_view text);

// Words that name a metric where an expression starts (Prometheus' metric_identifier): `sum`,
// `by` and `offset` are metric names there unless an aggregation follows.
bool is_metric_word(TokenKind kind);

// Bounds on the stack a tree needs in the parser, the checker, the printer and the evaluator:
// parentheses, calls and unary operators nest at most kMaxNesting deep, and no path from the
// root down passes more than kMaxTreeHeight nodes (a chain `a + b + c …` is such a path).
constexpr int kMaxNesting = 256;
constexpr std::size_t kMaxTreeHeight = 1000;
constexpr std::string_view kTooDeep = "expression nested too deeply";

// The number of nodes on the longest path from `root` down, found without recursion.
std::size_t tree_height(const Expr& root);

template <class Node>
ExprPtr make_expr(Node node, Span span) {
  auto expr = std::make_unique<Expr>();
  expr->node = std::move(node);
  expr->span = span;
  return expr;
}

// A number or duration written after offset or @ or in brackets: its seconds, and for a
// duration token ("1y3ms") its exact milliseconds, which a double in seconds may not keep.
struct TimeLiteral {
  double seconds = 0;
  std::optional<std::int64_t> exact_ms{};
  std::size_t begin = 0;  // where it was written, sign included
};

// One parse of one query. Not thread-safe; lives for one call of parse().
class ExprParser {
 public:
  ExprParser(std::string_view query, const ParseOptions& options)
      : query_(query), options_(options), lexer_(query) {}

  Result<ExprPtr> whole_query();
  Result<std::vector<LabelMatcher>> selector_only();

 private:
  // Tokens.
  const Token& peek(std::size_t ahead = 0);
  Token take();
  bool next_is(TokenKind kind) { return peek().kind == kind; }

  // Expressions (parser.cc).
  Result<ExprPtr> expression(int min_precedence);
  Result<ExprPtr> operator_chain(int min_precedence);
  Result<ExprPtr> unary();
  Result<ExprPtr> primary();
  Result<ExprPtr> parenthesised();
  Result<ExprPtr> aggregate();
  Result<ExprPtr> call();
  Result<std::vector<ExprPtr>> call_arguments();
  Result<Binary> binary_modifiers(std::size_t lhs_begin);
  Result<std::vector<std::string>> grouping_labels();

  // Selectors, ranges, subqueries and modifiers (parse_selector.cc).
  Result<ExprPtr> vector_selector();
  Result<void> label_matchers(VectorSelector& selector);
  Result<void> label_matcher(VectorSelector& selector);
  Result<ExprPtr> postfix(ExprPtr expr);
  Result<ExprPtr> range_or_subquery(ExprPtr expr);
  Result<std::int64_t> bracket_duration(std::string_view context, std::string_view expected);
  Result<void> offset(Expr& expr);
  Result<void> at_modifier(Expr& expr);
  // A number or duration after offset or @ or in brackets, optionally signed. `durations`: where
  // Prometheus also takes duration arithmetic (refused here by name).
  Result<TimeLiteral> signed_number(std::string_view context, std::string_view expected,
                                    bool durations);
  Result<double> number_value(const Token& token);
  Result<ExprPtr> number_literal(const Token& token);

  // Errors.
  tl::unexpected<Error> fail(std::size_t pos, std::string_view message) const {
    return parse_error(query_, pos, message);
  }
  // "unexpected <token>[ in context][, expected …]", or the lexer's message for a bad token.
  tl::unexpected<Error> unexpected(const Token& token, std::string_view context = {},
                                   std::string_view expected = {}) const;
  // The context of a syntax error outside any rule of its own: inside an aggregation's
  // arguments Prometheus' grammar recovers in the aggregation rule.
  std::string_view enclosing_context() const { return aggregation_depth_ > 0 ? "aggregation" : ""; }

  std::string_view query_;
  ParseOptions options_;
  Lexer lexer_;
  std::deque<Token> lookahead_{};
  std::size_t last_end_ = 0;  // where the last token taken ends
  int aggregation_depth_ = 0;
  int depth_ = 0;  // expressions being parsed, one inside the other
};

}  // namespace vitals::promql::detail
