#include "alerts/promql/ast.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <tuple>

#include "alerts/promql/functions.h"

namespace vitals::promql {
namespace {

using MatcherKey = std::tuple<std::string, MatchOp, std::string>;

std::vector<MatcherKey> sorted_keys(const std::vector<LabelMatcher>& matchers) {
  std::vector<MatcherKey> keys;
  keys.reserve(matchers.size());
  for (const LabelMatcher& m : matchers) keys.emplace_back(m.name(), m.op(), m.value());
  std::sort(keys.begin(), keys.end());
  return keys;
}

bool same(const ExprPtr& a, const ExprPtr& b) {
  if (!a || !b) return !a && !b;
  return equivalent(*a, *b);
}

bool same(const std::optional<AtModifier>& a, const std::optional<AtModifier>& b) {
  if (!a || !b) return !a && !b;
  return a->kind == b->kind && a->timestamp_ms == b->timestamp_ms;
}

bool same(const NumberLiteral& a, const NumberLiteral& b) {
  const bool both_nan = std::isnan(a.value) && std::isnan(b.value);
  return (both_nan || a.value == b.value) && a.duration == b.duration;
}
bool same(const StringLiteral& a, const StringLiteral& b) {
  return a.value == b.value;
}

bool same(const VectorSelector& a, const VectorSelector& b) {
  return a.name == b.name && a.offset_ms == b.offset_ms && same(a.at, b.at) &&
         sorted_keys(a.matchers) == sorted_keys(b.matchers);
}
bool same(const MatrixSelector& a, const MatrixSelector& b) {
  return a.range_ms == b.range_ms && same(a.selector, b.selector);
}
bool same(const Subquery& a, const Subquery& b) {
  return a.range_ms == b.range_ms && a.step_ms == b.step_ms && a.offset_ms == b.offset_ms &&
         same(a.at, b.at) && same(a.expr, b.expr);
}

bool same(const Call& a, const Call& b) {
  if (a.function != b.function || a.args.size() != b.args.size()) return false;
  for (std::size_t i = 0; i < a.args.size(); ++i) {
    if (!same(a.args[i], b.args[i])) return false;
  }
  return true;
}

bool same(const Aggregate& a, const Aggregate& b) {
  return a.op == b.op && a.grouping == b.grouping && a.without == b.without &&
         same(a.param, b.param) && same(a.expr, b.expr);
}
bool same(const Unary& a, const Unary& b) {
  return a.negate == b.negate && same(a.expr, b.expr);
}

bool same(const std::optional<VectorMatching>& a, const std::optional<VectorMatching>& b) {
  if (!a || !b) return !a && !b;
  return a->card == b->card && a->labels == b->labels && a->on == b->on && a->include == b->include;
}
bool same(const Binary& a, const Binary& b) {
  return a.op == b.op && a.return_bool == b.return_bool && same(a.matching, b.matching) &&
         same(a.lhs, b.lhs) && same(a.rhs, b.rhs);
}
bool same(const Paren& a, const Paren& b) {
  return same(a.expr, b.expr);
}

}  // namespace

std::string_view to_string(ValueType type) {
  switch (type) {
    case ValueType::Scalar:
      return "scalar";
    case ValueType::Vector:
      return "instant vector";
    case ValueType::Matrix:
      return "range vector";
    case ValueType::String:
      return "string";
  }
  return "unknown";
}

std::string_view to_string(AggregateOp op) {
  static constexpr std::string_view kNames[] = {
      "sum",  "avg",     "min",      "max",          "count", "stddev", "stdvar",
      "topk", "bottomk", "quantile", "count_values", "group", "limitk", "limit_ratio"};
  static_assert(std::size(kNames) == static_cast<std::size_t>(AggregateOp::LimitRatio) + 1);
  return kNames[static_cast<int>(op)];
}

std::string_view to_string(BinaryOp op) {
  static constexpr std::string_view kNames[] = {"+",     "-",   "*",  "/",     "%", "^",
                                                "atan2", "==",  "!=", ">",     "<", ">=",
                                                "<=",    "and", "or", "unless"};
  static_assert(std::size(kNames) == static_cast<std::size_t>(BinaryOp::Unless) + 1);
  return kNames[static_cast<int>(op)];
}

bool is_comparison(BinaryOp op) {
  return op >= BinaryOp::Eql && op <= BinaryOp::Lte;
}
bool is_set_operator(BinaryOp op) {
  return op >= BinaryOp::And && op <= BinaryOp::Unless;
}

ValueType Expr::type() const {
  struct TypeOf {
    ValueType operator()(const NumberLiteral&) const { return ValueType::Scalar; }
    ValueType operator()(const StringLiteral&) const { return ValueType::String; }
    ValueType operator()(const VectorSelector&) const { return ValueType::Vector; }
    ValueType operator()(const MatrixSelector&) const { return ValueType::Matrix; }
    ValueType operator()(const Subquery&) const { return ValueType::Matrix; }
    ValueType operator()(const Call& call) const {
      const Function* function = find_function(call.function);
      return function ? function->return_type : ValueType::Vector;
    }
    ValueType operator()(const Aggregate&) const { return ValueType::Vector; }
    ValueType operator()(const Unary& unary) const { return unary.expr->type(); }
    ValueType operator()(const Binary& binary) const {
      const bool scalars =
          binary.lhs->type() == ValueType::Scalar && binary.rhs->type() == ValueType::Scalar;
      return scalars ? ValueType::Scalar : ValueType::Vector;
    }
    ValueType operator()(const Paren& paren) const { return paren.expr->type(); }
  };
  return std::visit(TypeOf{}, node);
}

bool equivalent(const Expr& a, const Expr& b) {
  if (a.node.index() != b.node.index()) return false;
  return std::visit(
      [&](const auto& left) {
        using Node = std::decay_t<decltype(left)>;
        return same(left, std::get<Node>(b.node));
      },
      a.node);
}

}  // namespace vitals::promql
