// Which metric names a query reads, so a caller holding a list of names that just got new samples
// can tell whether the query's result may have changed: the rule manager uses it to evaluate a
// group as soon as a scrape feeding it lands.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "alerts/promql/ast.h"

namespace vitals::promql {

class MetricNames {
 public:
  // The names `expr`'s selectors can match.
  static MetricNames read_by(const Expr& expr);

  void merge(const MetricNames& other);
  // Whether any of `names` (sorted) can be one the query reads.
  bool any_of(std::span<const std::string> names) const;

 private:
  void add(const VectorSelector& selector);

  std::vector<std::string> exact_;  // sorted: selectors naming one metric
  // The __name__ matchers of each selector naming no single metric (none: any name).
  std::vector<std::vector<LabelMatcher>> patterns_;
};

}  // namespace vitals::promql
