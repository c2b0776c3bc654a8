// The evaluator behind Engine: walks a syntax tree at one evaluation time. Internal to
// alerts/promql; the pieces (selectors, operators, aggregations, functions) live in their own
// files and share the declarations here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alerts/promql/ast.h"
#include "alerts/promql/engine.h"

namespace vitals::promql::detail {

// A range-vector argument (a matrix selector or a subquery) as functions need it: the series
// and the bounds (range_start, range_end] they were taken from.
struct RangeArg {
  Matrix series{};
  std::int64_t range_start_ms = 0;
  std::int64_t range_end_ms = 0;
  std::int64_t range_ms = 0;
};

class Evaluator {
 public:
  // `start_ms`/`end_ms` are the query's (the same for an instant query): what `@ start()` and
  // `@ end()` mean.
  Evaluator(const SampleWindow& window, const EngineOptions& options, std::int64_t start_ms,
            std::int64_t end_ms);

  Result<Value> eval(const Expr& expr, std::int64_t t_ms) const;
  // A matrix selector or subquery (parentheses allowed around it) at t.
  Result<RangeArg> eval_range(const Expr& expr, std::int64_t t_ms) const;
  // An instant vector selector's samples with their own timestamps (for timestamp()).
  std::vector<std::pair<Sample, std::int64_t>> select_instant(const VectorSelector& selector,
                                                              std::int64_t t_ms) const;

 private:
  Result<Value> eval_node(const NumberLiteral& node, const Expr& expr, std::int64_t t_ms) const;
  Result<Value> eval_node(const StringLiteral& node, const Expr& expr, std::int64_t t_ms) const;
  Result<Value> eval_node(const VectorSelector& node, const Expr& expr, std::int64_t t_ms) const;
  Result<Value> eval_node(const MatrixSelector& node, const Expr& expr, std::int64_t t_ms) const;
  Result<Value> eval_node(const Subquery& node, const Expr& expr, std::int64_t t_ms) const;
  Result<Value> eval_node(const Call& node, const Expr& expr, std::int64_t t_ms) const;
  Result<Value> eval_node(const Aggregate& node, const Expr& expr, std::int64_t t_ms) const;
  Result<Value> eval_node(const Unary& node, const Expr& expr, std::int64_t t_ms) const;
  Result<Value> eval_node(const Binary& node, const Expr& expr, std::int64_t t_ms) const;
  Result<Value> eval_node(const Paren& node, const Expr& expr, std::int64_t t_ms) const;

  std::int64_t reference_time(const std::optional<AtModifier>& at, std::int64_t offset_ms,
                              std::int64_t t_ms) const;
  RangeArg select_range(const VectorSelector& selector, std::int64_t range_ms,
                        std::int64_t t_ms) const;
  Result<RangeArg> eval_subquery(const Subquery& subquery, std::int64_t t_ms) const;

  const SampleWindow& window_;
  const EngineOptions& options_;
  std::int64_t start_ms_;
  std::int64_t end_ms_;
};

// Operators (binary.cc).
Result<Value> apply_binary(const Binary& binary, Value lhs, Value rhs);
// Aggregations (aggregate.cc); `param` is the evaluated parameter, if the operator has one.
Result<Value> apply_aggregate(const Aggregate& aggregate, Vector input,
                              const std::optional<Value>& param);
// Functions (functions*.cc).
Result<Value> call_function(const Call& call, const Evaluator& evaluator, std::int64_t t_ms);

// Label helpers shared by the pieces (labels.cc).
const std::string* find_label(const LabelPairs& labels, std::string_view name);
void set_label(LabelPairs& labels, std::string_view name, std::string_view value);  // "" deletes
void drop_label(LabelPairs& labels, std::string_view name);
// Labels as one string, for grouping and matching keys.
std::string label_key(const LabelPairs& labels);
// Prometheus' text for a label set: {a="b", c="d"}, name outside the braces when present.
std::string format_labels(const LabelPairs& labels);
// Applies delayed name removal and refuses duplicate label sets, as a query's result is made.
Result<Vector> finish_vector(Vector vector);
Result<Matrix> finish_matrix(Matrix matrix);

}  // namespace vitals::promql::detail
