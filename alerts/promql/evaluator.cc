#include "alerts/promql/evaluator.h"

#include <cmath>
#include <map>
#include <utility>

namespace vitals::promql::detail {

Evaluator::Evaluator(const SampleWindow& window, const EngineOptions& options,
                     std::int64_t start_ms, std::int64_t end_ms)
    : window_(window), options_(options), start_ms_(start_ms), end_ms_(end_ms) {}

Result<Value> Evaluator::eval(const Expr& expr, std::int64_t t_ms) const {
  return std::visit([&](const auto& node) { return eval_node(node, expr, t_ms); }, expr.node);
}

// The time a selector or subquery reads at: its `@` (else the evaluation time), less its offset.
// Prometheus turns `@` into an offset from the query's start; the result is the same.
std::int64_t Evaluator::reference_time(const std::optional<AtModifier>& at, std::int64_t offset_ms,
                                       std::int64_t t_ms) const {
  std::int64_t base = t_ms;
  if (at) {
    switch (at->kind) {
      case AtModifier::Kind::Timestamp:
        base = at->timestamp_ms;
        break;
      case AtModifier::Kind::Start:
        base = start_ms_;
        break;
      case AtModifier::Kind::End:
        base = end_ms_;
        break;
    }
  }
  return base - offset_ms;
}

Result<Value> Evaluator::eval_node(const NumberLiteral& node, const Expr&, std::int64_t) const {
  return Value{Scalar{node.value}};
}

Result<Value> Evaluator::eval_node(const StringLiteral& node, const Expr&, std::int64_t) const {
  return Value{String{node.value}};
}

// The newest sample in (t - lookback, t] of each selected series, unless it is a stale marker.
std::vector<std::pair<Sample, std::int64_t>> Evaluator::select_instant(
    const VectorSelector& selector, std::int64_t t_ms) const {
  const std::int64_t at = reference_time(selector.at, selector.offset_ms, t_ms);
  std::vector<std::pair<Sample, std::int64_t>> out;
  for (SeriesRef ref : window_.select(selector.matchers)) {
    auto points = window_.samples(ref, at - options_.lookback_ms + 1, at);
    if (points.empty() || is_stale_nan(points.back().value)) continue;
    out.emplace_back(Sample{.labels = window_.labels(ref), .value = points.back().value},
                     points.back().t_ms);
  }
  return out;
}

Result<Value> Evaluator::eval_node(const VectorSelector& node, const Expr&,
                                   std::int64_t t_ms) const {
  Vector vector;
  for (auto& [sample, at] : select_instant(node, t_ms)) vector.push_back(std::move(sample));
  return Value{std::move(vector)};
}

// The samples in (t - range, t] of each selected series, stale markers left out.
RangeArg Evaluator::select_range(const VectorSelector& selector, std::int64_t range_ms,
                                 std::int64_t t_ms) const {
  RangeArg arg;
  arg.range_end_ms = reference_time(selector.at, selector.offset_ms, t_ms);
  arg.range_start_ms = arg.range_end_ms - range_ms;
  arg.range_ms = range_ms;
  for (SeriesRef ref : window_.select(selector.matchers)) {
    auto points = window_.samples(ref, arg.range_start_ms + 1, arg.range_end_ms);
    std::erase_if(points, [](const SamplePoint& p) { return is_stale_nan(p.value); });
    if (points.empty()) continue;
    arg.series.push_back(Series{.labels = window_.labels(ref), .points = std::move(points)});
  }
  return arg;
}

Result<Value> Evaluator::eval_node(const MatrixSelector& node, const Expr&,
                                   std::int64_t t_ms) const {
  return Value{select_range(node.selector, node.range_ms, t_ms).series};
}

// The inner expression at every multiple of the step in (t - range, t], as Prometheus aligns
// subquery steps to absolute time.
Result<RangeArg> Evaluator::eval_subquery(const Subquery& subquery, std::int64_t t_ms) const {
  RangeArg arg;
  arg.range_end_ms = reference_time(subquery.at, subquery.offset_ms, t_ms);
  arg.range_start_ms = arg.range_end_ms - subquery.range_ms;
  arg.range_ms = subquery.range_ms;
  const std::int64_t step =
      subquery.step_ms > 0 ? subquery.step_ms : options_.default_subquery_step_ms;
  // Go's integer division truncates toward zero; so does C++'s.
  std::int64_t first = step * (arg.range_start_ms / step);
  if (first <= arg.range_start_ms) first += step;
  std::map<std::string, std::size_t> index;  // label key (and the name mark) -> series
  for (std::int64_t ts = first; ts <= arg.range_end_ms; ts += step) {
    auto value = eval(*subquery.expr, ts);
    if (!value) return tl::unexpected(value.error());
    if (auto* scalar = std::get_if<Scalar>(&*value)) {
      if (index.empty()) {
        index[""] = 0;
        arg.series.push_back(Series{});
      }
      arg.series[0].points.push_back({ts, scalar->value});
      continue;
    }
    for (Sample& sample : std::get<Vector>(*value)) {
      std::string key = label_key(sample.labels) + (sample.drop_name ? "\x01" : "");
      auto [it, added] = index.emplace(std::move(key), arg.series.size());
      if (added) {
        arg.series.push_back(
            Series{.labels = std::move(sample.labels), .drop_name = sample.drop_name});
      }
      arg.series[it->second].points.push_back({ts, sample.value});
    }
  }
  return arg;
}

Result<Value> Evaluator::eval_node(const Subquery& node, const Expr&, std::int64_t t_ms) const {
  auto arg = eval_subquery(node, t_ms);
  if (!arg) return tl::unexpected(arg.error());
  return Value{std::move(arg->series)};
}

Result<RangeArg> Evaluator::eval_range(const Expr& expr, std::int64_t t_ms) const {
  if (const auto* paren = std::get_if<Paren>(&expr.node)) return eval_range(*paren->expr, t_ms);
  if (const auto* matrix = std::get_if<MatrixSelector>(&expr.node)) {
    return select_range(matrix->selector, matrix->range_ms, t_ms);
  }
  if (const auto* subquery = std::get_if<Subquery>(&expr.node)) {
    return eval_subquery(*subquery, t_ms);
  }
  return make_error(ErrorCode::InvalidArgument, "expected a range vector");
}

Result<Value> Evaluator::eval_node(const Call& node, const Expr&, std::int64_t t_ms) const {
  return call_function(node, *this, t_ms);
}

Result<Value> Evaluator::eval_node(const Aggregate& node, const Expr&, std::int64_t t_ms) const {
  std::optional<Value> param;
  if (node.param) {
    auto value = eval(*node.param, t_ms);
    if (!value) return tl::unexpected(value.error());
    param = std::move(*value);
  }
  auto input = eval(*node.expr, t_ms);
  if (!input) return tl::unexpected(input.error());
  return apply_aggregate(node, std::get<Vector>(std::move(*input)), param);
}

Result<Value> Evaluator::eval_node(const Unary& node, const Expr&, std::int64_t t_ms) const {
  auto value = eval(*node.expr, t_ms);
  if (!value || !node.negate) return value;
  if (auto* scalar = std::get_if<Scalar>(&*value)) {
    scalar->value = -scalar->value;
  } else if (auto* vector = std::get_if<Vector>(&*value)) {
    for (Sample& sample : *vector) {
      sample.value = -sample.value;
      sample.drop_name = true;
    }
  }
  return value;
}

Result<Value> Evaluator::eval_node(const Binary& node, const Expr&, std::int64_t t_ms) const {
  auto lhs = eval(*node.lhs, t_ms);
  if (!lhs) return lhs;
  auto rhs = eval(*node.rhs, t_ms);
  if (!rhs) return rhs;
  return apply_binary(node, std::move(*lhs), std::move(*rhs));
}

Result<Value> Evaluator::eval_node(const Paren& node, const Expr&, std::int64_t t_ms) const {
  return eval(*node.expr, t_ms);
}

}  // namespace vitals::promql::detail
