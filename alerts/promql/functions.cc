#include "alerts/promql/functions.h"

#include <algorithm>

namespace vitals::promql {
namespace {

constexpr ValueType S = ValueType::Scalar;
constexpr ValueType V = ValueType::Vector;
constexpr ValueType M = ValueType::Matrix;
constexpr ValueType Str = ValueType::String;

Function fn(std::string_view name, std::vector<ValueType> args, ValueType result = V,
            int variadic = 0, bool is_experimental = false) {
  return Function{name, std::move(args), variadic, result, is_experimental};
}
Function experimental(std::string_view name, std::vector<ValueType> args, ValueType result = V,
                      int variadic = 0) {
  return fn(name, std::move(args), result, variadic, true);
}

std::vector<Function> make_table() {
  std::vector<Function> table = {
      // Range vectors in, one value per series out.
      fn("rate", {M}),
      fn("irate", {M}),
      fn("increase", {M}),
      fn("delta", {M}),
      fn("idelta", {M}),
      fn("deriv", {M}),
      fn("predict_linear", {M, S}),
      fn("resets", {M}),
      fn("changes", {M}),
      fn("avg_over_time", {M}),
      fn("min_over_time", {M}),
      fn("max_over_time", {M}),
      fn("sum_over_time", {M}),
      fn("count_over_time", {M}),
      fn("last_over_time", {M}),
      fn("present_over_time", {M}),
      fn("quantile_over_time", {S, M}),
      fn("stddev_over_time", {M}),
      fn("stdvar_over_time", {M}),
      fn("absent_over_time", {M}),
      experimental("mad_over_time", {M}),
      experimental("first_over_time", {M}),
      experimental("ts_of_first_over_time", {M}),
      experimental("ts_of_last_over_time", {M}),
      experimental("ts_of_min_over_time", {M}),
      experimental("ts_of_max_over_time", {M}),
      experimental("double_exponential_smoothing", {M, S, S}),
      experimental("integral", {M, S}, V, 1),
      // Histograms.
      fn("histogram_quantile", {S, V}),
      fn("histogram_fraction", {S, S, V}),
      fn("histogram_avg", {V}),
      fn("histogram_count", {V}),
      fn("histogram_sum", {V}),
      fn("histogram_stddev", {V}),
      fn("histogram_stdvar", {V}),
      experimental("histogram_quantiles", {V, Str, S, S}, V, 9),
      // Element-wise math.
      fn("abs", {V}),
      fn("ceil", {V}),
      fn("floor", {V}),
      fn("round", {V, S}, V, 1),
      fn("exp", {V}),
      fn("ln", {V}),
      fn("log2", {V}),
      fn("log10", {V}),
      fn("sqrt", {V}),
      fn("sgn", {V}),
      fn("clamp", {V, S, S}),
      fn("clamp_min", {V, S}),
      fn("clamp_max", {V, S}),
      fn("sin", {V}),
      fn("cos", {V}),
      fn("tan", {V}),
      fn("asin", {V}),
      fn("acos", {V}),
      fn("atan", {V}),
      fn("sinh", {V}),
      fn("cosh", {V}),
      fn("tanh", {V}),
      fn("asinh", {V}),
      fn("acosh", {V}),
      fn("atanh", {V}),
      fn("rad", {V}),
      fn("deg", {V}),
      fn("pi", {}, S),
      // Time, of the evaluation or of each sample.
      fn("time", {}, S),
      fn("timestamp", {V}),
      fn("day_of_week", {V}, V, 1),
      fn("day_of_month", {V}, V, 1),
      fn("day_of_year", {V}, V, 1),
      fn("days_in_month", {V}, V, 1),
      fn("hour", {V}, V, 1),
      fn("minute", {V}, V, 1),
      fn("month", {V}, V, 1),
      fn("year", {V}, V, 1),
      experimental("start", {}, S),
      experimental("end", {}, S),
      experimental("step", {}, S),
      experimental("range", {}, S),
      experimental("min_of", {S, S}, S),
      experimental("max_of", {S, S}, S),
      // Conversions, labels and order.
      fn("vector", {S}),
      fn("scalar", {V}, S),
      fn("absent", {V}),
      fn("label_replace", {V, Str, Str, Str, Str}),
      fn("label_join", {V, Str, Str, Str}, V, -1),
      fn("sort", {V}),
      fn("sort_desc", {V}),
      experimental("sort_by_label", {V, Str}, V, -1),
      experimental("sort_by_label_desc", {V, Str}, V, -1),
      experimental("info", {V, V}, V, 1),
  };
  std::sort(table.begin(), table.end(),
            [](const Function& a, const Function& b) { return a.name < b.name; });
  return table;
}

const std::vector<Function>& table() {
  static const std::vector<Function> functions = make_table();
  return functions;
}

}  // namespace

std::optional<std::size_t> Function::max_args() const {
  if (variadic < 0) return std::nullopt;
  return min_args() + static_cast<std::size_t>(variadic);
}

ValueType Function::arg_type(std::size_t index) const {
  return arg_types.empty() ? ValueType::Scalar : arg_types[std::min(index, arg_types.size() - 1)];
}

const Function* find_function(std::string_view name) {
  const std::vector<Function>& functions = table();
  auto it = std::lower_bound(functions.begin(), functions.end(), name,
                             [](const Function& f, std::string_view n) { return f.name < n; });
  return it != functions.end() && it->name == name ? &*it : nullptr;
}

std::span<const Function> all_functions() {
  return table();
}

}  // namespace vitals::promql
