#include "alerts/promql/engine.h"

#include <map>

#include "alerts/promql/evaluator.h"
#include "alerts/promql/parser.h"

namespace vitals::promql {

ValueType type_of(const Value& value) {
  switch (value.index()) {
    case 0:
      return ValueType::Scalar;
    case 1:
      return ValueType::String;
    case 2:
      return ValueType::Vector;
    default:
      return ValueType::Matrix;
  }
}

Engine::Engine(const SampleWindow& window, EngineOptions options)
    : window_(window), options_(options) {}

Result<Value> Engine::instant(const Expr& expr, std::int64_t t_ms) const {
  detail::Evaluator evaluator(window_, options_, t_ms, t_ms);
  auto value = evaluator.eval(expr, t_ms);
  if (!value) return value;
  if (auto* vector = std::get_if<Vector>(&*value)) {
    auto finished = detail::finish_vector(std::move(*vector));
    if (!finished) return tl::unexpected(finished.error());
    return Value{std::move(*finished)};
  }
  if (auto* matrix = std::get_if<Matrix>(&*value)) {
    auto finished = detail::finish_matrix(std::move(*matrix));
    if (!finished) return tl::unexpected(finished.error());
    return Value{std::move(*finished)};
  }
  return value;
}

// Instant evaluation at each step; the series are keyed by their final labels, so one that a
// step names differently (its name dropped there) is another series.
Result<Matrix> Engine::range(const Expr& expr, std::int64_t start_ms, std::int64_t end_ms,
                             std::int64_t step_ms) const {
  const ValueType type = expr.type();
  if (type != ValueType::Scalar && type != ValueType::Vector) {
    return make_error(ErrorCode::InvalidArgument,
                      "invalid expression type \"" + std::string(to_string(type)) +
                          "\" for range query, must be Scalar or instant Vector");
  }
  if (step_ms <= 0) {
    return make_error(ErrorCode::InvalidArgument,
                      "zero or negative query resolution step widths are not accepted");
  }
  detail::Evaluator evaluator(window_, options_, start_ms, end_ms);
  Matrix out;
  std::map<std::string, std::size_t> index;
  for (std::int64_t t = start_ms; t <= end_ms; t += step_ms) {
    auto value = evaluator.eval(expr, t);
    if (!value) return tl::unexpected(value.error());
    Vector step;
    if (auto* scalar = std::get_if<Scalar>(&*value)) {
      step.push_back(Sample{.value = scalar->value});
    } else {
      auto finished = detail::finish_vector(std::get<Vector>(std::move(*value)));
      if (!finished) return tl::unexpected(finished.error());
      step = std::move(*finished);
    }
    for (Sample& sample : step) {
      auto [it, added] = index.emplace(detail::label_key(sample.labels), out.size());
      if (added) out.push_back(Series{.labels = std::move(sample.labels)});
      out[it->second].points.push_back({t, sample.value});
    }
  }
  return out;
}

Result<Value> Engine::instant(std::string_view query, std::int64_t t_ms) const {
  auto expr = parse(query);
  if (!expr) return tl::unexpected(expr.error());
  return instant(**expr, t_ms);
}

Result<Matrix> Engine::range(std::string_view query, std::int64_t start_ms, std::int64_t end_ms,
                             std::int64_t step_ms) const {
  auto expr = parse(query);
  if (!expr) return tl::unexpected(expr.error());
  return range(**expr, start_ms, end_ms, step_ms);
}

}  // namespace vitals::promql
