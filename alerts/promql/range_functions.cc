// The functions over range vectors: rate and friends with Prometheus' extrapolation, the
// *_over_time family, deriv and predict_linear's least squares, resets and changes.
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "alerts/promql/float_math.h"
#include "alerts/promql/functions_internal.h"

namespace vitals::promql::detail {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using Points = std::vector<SamplePoint>;

// rate, increase and delta: the change over the samples in the range, extrapolated toward the
// range's ends (all the way when a sample sits within 1.1 average intervals of the end, else
// half an interval), never below a counter's zero point.
std::optional<double> extrapolated_rate(const Points& points, const RangeArg& range,
                                        bool is_counter, bool is_rate) {
  if (points.size() < 2) return std::nullopt;
  const double first_t = static_cast<double>(points.front().t_ms);
  const double last_t = static_cast<double>(points.back().t_ms);
  double result = points.back().value - points.front().value;
  if (is_counter) {
    double previous = points.front().value;
    for (std::size_t i = 1; i < points.size(); ++i) {
      if (points[i].value < previous) result += previous;
      previous = points[i].value;
    }
  }
  double to_start = (first_t - static_cast<double>(range.range_start_ms)) / 1000;
  double to_end = (static_cast<double>(range.range_end_ms) - last_t) / 1000;
  const double sampled = (last_t - first_t) / 1000;
  const double average = sampled / static_cast<double>(points.size() - 1);
  const double threshold = average * 1.1;
  if (to_start >= threshold) to_start = average / 2;
  if (is_counter && result > 0 && points.front().value >= 0) {
    const double to_zero = sampled * (points.front().value / result);
    if (to_zero < to_start) to_start = to_zero;
  }
  if (to_end >= threshold) to_end = average / 2;
  double factor = (sampled + to_start + to_end) / sampled;
  if (is_rate) factor /= static_cast<double>(range.range_ms) / 1000;
  return result * factor;
}

// irate and idelta: the last two samples.
std::optional<double> instant_value(const Points& points, bool is_rate) {
  if (points.size() < 2) return std::nullopt;
  const SamplePoint& last = points.back();
  const SamplePoint& previous = points[points.size() - 2];
  double result = last.value - previous.value;
  if (is_rate && last.value < previous.value) result = last.value;  // a counter reset
  if (is_rate) {
    const std::int64_t interval = last.t_ms - previous.t_ms;
    if (interval == 0) return std::nullopt;
    result /= static_cast<double>(interval) / 1000;
  }
  return result;
}

// Least squares over (seconds since `intercept_ms`, value), with compensated sums.
std::pair<double, double> linear_regression(const Points& points, std::int64_t intercept_ms) {
  KahanSum sum_x, sum_y, sum_xy, sum_x2;
  double n = 0;
  const double first = points.front().value;
  bool constant = true;
  for (const SamplePoint& p : points) {
    if (p.value != first) constant = false;
    n += 1;
    const double x = static_cast<double>(p.t_ms - intercept_ms) / 1e3;
    sum_x.add(x);
    sum_y.add(p.value);
    sum_xy.add(x * p.value);
    sum_x2.add(x * x);
  }
  if (constant) {
    if (std::isinf(first)) return {kNaN, kNaN};
    return {0, first};
  }
  const double sx = sum_x.value(), sy = sum_y.value();
  const double cov_xy = sum_xy.value() - sx * sy / n;
  const double var_x = sum_x2.value() - sx * sx / n;
  const double slope = cov_xy / var_x;
  return {slope, sy / n - slope * sx / n};
}

double avg_over_time(const Points& points) {
  double sum = points.front().value, count = 1, mean = 0, c = 0;
  bool incremental = false;
  for (std::size_t i = 1; i < points.size(); ++i) {
    const double v = points[i].value;
    count = static_cast<double>(i + 1);
    if (!incremental) {
      KahanSum next{sum, c};
      next.add(v);
      if (!std::isinf(next.sum)) {
        sum = next.sum;
        c = next.c;
        continue;
      }
      incremental = true;
      mean = sum / (count - 1);
      c /= count - 1;
    }
    const double q = (count - 1) / count;
    KahanSum next{q * mean, q * c};
    next.add(v / count);
    mean = next.sum;
    c = next.c;
  }
  return incremental ? mean + c : sum / count + c / count;
}

double variance_over_time(const Points& points) {
  double count = 0;
  KahanSum mean, aux;
  for (const SamplePoint& p : points) {
    count += 1;
    const double delta = p.value - mean.value();
    mean.add(delta / count);
    aux.add(delta * (p.value - mean.value()));
  }
  return aux.value() / count;
}

using PerSeries = std::function<std::optional<double>(const Points&, const RangeArg&)>;

// Applies `f` to every series of the range argument `index`; `keep_name` for the functions
// whose result is still the series (last_over_time, first_over_time).
Result<Value> over_series(const CallArgs& args, std::size_t index, const PerSeries& f,
                          bool keep_name = false) {
  auto range = args.range(index);
  if (!range) return tl::unexpected(range.error());
  Vector out;
  for (Series& series : range->series) {
    std::optional<double> value = f(series.points, *range);
    if (!value) continue;
    out.push_back(Sample{.labels = std::move(series.labels),
                         .value = *value,
                         .drop_name = keep_name ? series.drop_name : true});
  }
  return Value{std::move(out)};
}

Result<Value> absent_over_time(const CallArgs& args) {
  auto range = args.range(0);
  if (!range) return tl::unexpected(range.error());
  if (!range->series.empty()) return Value{Vector{}};
  return Value{Vector{Sample{.labels = labels_for_absent(args.expr(0)), .value = 1}}};
}

}  // namespace

Result<Value> call_range_function(const CallArgs& args) {
  const std::string& name = args.name();
  auto rate_like = [&](bool is_counter, bool is_rate) {
    return over_series(args, 0, [=](const Points& p, const RangeArg& r) {
      return extrapolated_rate(p, r, is_counter, is_rate);
    });
  };
  if (name == "rate") return rate_like(true, true);
  if (name == "increase") return rate_like(true, false);
  if (name == "delta") return rate_like(false, false);
  if (name == "irate" || name == "idelta") {
    const bool is_rate = name == "irate";
    return over_series(args, 0,
                       [=](const Points& p, const RangeArg&) { return instant_value(p, is_rate); });
  }
  if (name == "deriv") {
    return over_series(args, 0, [](const Points& p, const RangeArg&) -> std::optional<double> {
      if (p.size() < 2) return std::nullopt;
      return linear_regression(p, p.front().t_ms).first;
    });
  }
  if (name == "predict_linear") {
    auto seconds = args.scalar(1);
    if (!seconds) return tl::unexpected(seconds.error());
    const std::int64_t t = args.time_ms();
    return over_series(args, 0, [&](const Points& p, const RangeArg&) -> std::optional<double> {
      if (p.size() < 2) return std::nullopt;
      auto [slope, intercept] = linear_regression(p, t);
      return slope * *seconds + intercept;
    });
  }
  if (name == "resets" || name == "changes") {
    const bool resets = name == "resets";
    return over_series(args, 0, [=](const Points& p, const RangeArg&) -> std::optional<double> {
      double count = 0;
      for (std::size_t i = 1; i < p.size(); ++i) {
        const double previous = p[i - 1].value, current = p[i].value;
        if (resets ? current < previous
                   : !(current == previous || (std::isnan(current) && std::isnan(previous)))) {
          count += 1;
        }
      }
      return count;
    });
  }
  if (name == "avg_over_time") {
    return over_series(args, 0, [](const Points& p, const RangeArg&) -> std::optional<double> {
      return avg_over_time(p);
    });
  }
  if (name == "sum_over_time") {
    return over_series(args, 0, [](const Points& p, const RangeArg&) -> std::optional<double> {
      KahanSum sum;
      for (const SamplePoint& point : p) sum.add(point.value);
      return sum.value();
    });
  }
  if (name == "count_over_time") {
    return over_series(args, 0, [](const Points& p, const RangeArg&) -> std::optional<double> {
      return static_cast<double>(p.size());
    });
  }
  if (name == "min_over_time" || name == "max_over_time") {
    const bool max = name == "max_over_time";
    return over_series(args, 0, [=](const Points& p, const RangeArg&) -> std::optional<double> {
      double best = p.front().value;
      for (const SamplePoint& point : p) {
        if ((max ? best < point.value : best > point.value) || std::isnan(best)) {
          best = point.value;
        }
      }
      return best;
    });
  }
  if (name == "last_over_time" || name == "first_over_time") {
    const bool last = name == "last_over_time";
    return over_series(
        args, 0,
        [=](const Points& p, const RangeArg&) -> std::optional<double> {
          return last ? p.back().value : p.front().value;
        },
        /*keep_name=*/true);
  }
  if (name == "present_over_time") {
    return over_series(args, 0,
                       [](const Points&, const RangeArg&) -> std::optional<double> { return 1; });
  }
  if (name == "stddev_over_time" || name == "stdvar_over_time") {
    const bool stddev = name == "stddev_over_time";
    return over_series(args, 0, [=](const Points& p, const RangeArg&) -> std::optional<double> {
      double variance = variance_over_time(p);
      return stddev ? std::sqrt(variance) : variance;
    });
  }
  if (name == "quantile_over_time") {
    auto q = args.scalar(0);
    if (!q) return tl::unexpected(q.error());
    return over_series(args, 1, [&](const Points& p, const RangeArg&) -> std::optional<double> {
      std::vector<double> values;
      for (const SamplePoint& point : p) values.push_back(point.value);
      return quantile(*q, std::move(values));
    });
  }
  if (name == "absent_over_time") return absent_over_time(args);
  return make_error(ErrorCode::NotFound, "function \"" + name + "\" is not supported");
}

}  // namespace vitals::promql::detail
