// PromQL's syntax tree, as the parser (parser.h) builds it and the evaluator (engine.h) walks
// it. Every node remembers where it was written (byte offsets into the query) so errors can
// point at it. Times and durations are milliseconds, as Prometheus keeps them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "agent/store/postings.h"

namespace vitals::promql {

enum class ValueType : std::uint8_t { Scalar, Vector, Matrix, String };
std::string_view to_string(ValueType type);  // "scalar", "instant vector", "range vector", "string"

// [begin, end) byte offsets into the query text.
struct Span {
  std::size_t begin = 0;
  std::size_t end = 0;
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

// `@ 1609746000`, `@ start()`, `@ end()`.
struct AtModifier {
  enum class Kind : std::uint8_t { Timestamp, Start, End };
  Kind kind = Kind::Timestamp;
  std::int64_t timestamp_ms = 0;  // for Timestamp
};

struct NumberLiteral {
  double value = 0;
  bool duration = false;  // written as a duration ("5m"): value is in seconds, printed as written
};

struct StringLiteral {
  std::string value{};  // unescaped
};

// `name{matchers} offset 5m @ t`. The name, when written, is also among `matchers` as
// __name__="name" (first), so the matchers alone select the series.
struct VectorSelector {
  std::string name{};  // empty when only written as a matcher
  std::vector<LabelMatcher> matchers{};
  std::int64_t offset_ms = 0;  // positive looks back; negative forward
  std::optional<AtModifier> at{};
};

// `selector[range]`; offset and @ live on the inner selector, wherever they were written.
struct MatrixSelector {
  VectorSelector selector{};
  std::int64_t range_ms = 0;
};

// `expr[range:step] offset d @ t`; step 0 means the evaluation's default interval.
struct Subquery {
  ExprPtr expr{};
  std::int64_t range_ms = 0;
  std::int64_t step_ms = 0;
  std::int64_t offset_ms = 0;
  std::optional<AtModifier> at{};
};

struct Call {
  std::string function{};  // as written: "rate", "histogram_quantile"
  std::vector<ExprPtr> args{};
};

enum class AggregateOp : std::uint8_t {
  Sum,
  Avg,
  Min,
  Max,
  Count,
  Stddev,
  Stdvar,
  Topk,
  Bottomk,
  Quantile,
  CountValues,
  Group,
  Limitk,
  LimitRatio,
};
std::string_view to_string(AggregateOp op);

// `op by (a, b) (param, expr)`; `without` inverts `grouping`.
struct Aggregate {
  AggregateOp op = AggregateOp::Sum;
  ExprPtr expr{};
  ExprPtr param{};  // topk's k, quantile's φ, count_values' label; else null
  std::vector<std::string> grouping{};
  bool without = false;
};

// `-expr` or `+expr`.
struct Unary {
  bool negate = false;
  ExprPtr expr{};
};

enum class BinaryOp : std::uint8_t {
  Add,
  Sub,
  Mul,
  Div,
  Mod,
  Pow,
  Atan2,
  Eql,  // ==
  Neq,
  Gtr,
  Lss,
  Gte,
  Lte,
  And,
  Or,
  Unless,
};
std::string_view to_string(BinaryOp op);
bool is_comparison(BinaryOp op);
bool is_set_operator(BinaryOp op);

enum class Cardinality : std::uint8_t { OneToOne, ManyToOne, OneToMany, ManyToMany };

// `on (a) group_left (b)` and friends; only between two instant vectors.
struct VectorMatching {
  Cardinality card = Cardinality::OneToOne;  // set operators: ManyToMany
  std::vector<std::string> labels{};         // of on() or ignoring()
  bool on = false;                           // true: on(labels); false: ignoring(labels)
  std::vector<std::string> include{};        // group_left/group_right's extra labels
};

struct Binary {
  BinaryOp op = BinaryOp::Add;
  ExprPtr lhs{};
  ExprPtr rhs{};
  bool return_bool = false;                  // comparison with `bool`
  std::optional<VectorMatching> matching{};  // set when both sides are instant vectors
};

struct Paren {
  ExprPtr expr{};
};

struct Expr {
  std::variant<NumberLiteral, StringLiteral, VectorSelector, MatrixSelector, Subquery, Call,
               Aggregate, Unary, Binary, Paren>
      node;
  Span span{};

  ValueType type() const;
};

// Whether two trees mean the same query: the same nodes, operators and values (NaN equals NaN),
// spans ignored, and a selector's matchers compared as a set, since the printer sorts them as
// Prometheus does. parse(format(e)) is equivalent to e.
bool equivalent(const Expr& a, const Expr& b);

}  // namespace vitals::promql
