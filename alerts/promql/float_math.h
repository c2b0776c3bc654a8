// The float arithmetic Prometheus' engine shares between aggregations and *_over_time
// functions: Kahan-Babuska (Neumaier) compensated sums, and quantile by linear interpolation.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace vitals::promql::detail {

struct KahanSum {
  double sum = 0;
  double c = 0;  // the compensation

  void add(double inc) {
    const double t = sum + inc;
    if (std::isinf(t)) {
      c = 0;
    } else if (std::fabs(sum) >= std::fabs(inc)) {
      c += (sum - t) + inc;
    } else {
      c += (inc - t) + sum;
    }
    sum = t;
  }
  double value() const { return sum + c; }
};

// φ-quantile of `values` (NaN sorts first): -Inf below 0, +Inf above 1, NaN for none.
inline double quantile(double q, std::vector<double> values) {
  if (values.empty() || std::isnan(q)) return std::numeric_limits<double>::quiet_NaN();
  if (q < 0) return -std::numeric_limits<double>::infinity();
  if (q > 1) return std::numeric_limits<double>::infinity();
  std::sort(values.begin(), values.end(), [](double a, double b) {
    if (std::isnan(a)) return !std::isnan(b);
    return a < b;
  });
  const double n = static_cast<double>(values.size());
  const double rank = q * (n - 1);
  const double lower = std::max(0.0, std::floor(rank));
  const double upper = std::min(n - 1, lower + 1);
  const double weight = rank - std::floor(rank);
  return values[static_cast<std::size_t>(lower)] * (1 - weight) +
         values[static_cast<std::size_t>(upper)] * weight;
}

}  // namespace vitals::promql::detail
