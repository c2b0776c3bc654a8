// The PromQL functions with their argument and result types, as Prometheus' function table
// (promql/parser/functions.go) has them: the parser checks calls against it, Expr::type() reads a
// call's type from it, and the evaluator can list what it must implement.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "alerts/promql/ast.h"

namespace vitals::promql {

struct Function {
  std::string_view name{};
  std::vector<ValueType> arg_types{};
  // 0: exactly arg_types. Otherwise the last of arg_types is optional and repeatable: up to
  // `variadic` times, or any number of times for -1 (label_join's source labels).
  int variadic = 0;
  ValueType return_type = ValueType::Vector;
  // Behind Prometheus' --enable-feature=promql-experimental-functions (ParseOptions here).
  bool experimental = false;

  std::size_t min_args() const { return variadic == 0 ? arg_types.size() : arg_types.size() - 1; }
  // None when unbounded.
  std::optional<std::size_t> max_args() const;
  // The type argument `index` must have; extra variadic arguments repeat the last type.
  ValueType arg_type(std::size_t index) const;
};

// The function named exactly `name` (names are case-sensitive), or null.
const Function* find_function(std::string_view name);

// Every function, sorted by name.
std::span<const Function> all_functions();

}  // namespace vitals::promql
