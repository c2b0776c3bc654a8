#include "alerts/conformance/result_comparison.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include <re2/re2.h>

namespace vitals::conformance {
namespace {

using Type = QueryResult::Type;

Mismatch mismatch(std::string expected, std::string got) {
  return Mismatch{std::move(expected), std::move(got)};
}

std::string_view type_name(Type type) {
  switch (type) {
    case Type::Scalar:
      return "scalar";
    case Type::String:
      return "string";
    case Type::Vector:
      return "vector";
    case Type::Matrix:
      return "matrix";
  }
  return "?";
}

// What promqltest compares an expected value as: `_` reads as 0 (Go's zero SequenceValue), a
// stale marker as its NaN.
double expected_number(const SeriesValue& value) {
  switch (value.kind) {
    case SeriesValue::Kind::Stale:
      return stale_nan();
    case SeriesValue::Kind::Number:
      return value.value;
    case SeriesValue::Kind::Missing:
    case SeriesValue::Kind::Histogram:
      break;
  }
  return 0;
}

std::string format_expected(const ExpectedSeries& series) {
  std::string out = format_labels(series.labels);
  for (const SeriesValue& value : series.values) out += " " + format_value(value);
  return out;
}

// The expected series by label set; a label set written twice keeps its last line, as
// promqltest's map does.
std::map<LabelPairs, const ExpectedSeries*> index_expected(const EvalCommand& eval) {
  std::map<LabelPairs, const ExpectedSeries*> out;
  for (const ExpectedSeries& series : eval.series) out[series.labels] = &series;
  return out;
}

std::optional<Mismatch> missing_series(const std::map<LabelPairs, const ExpectedSeries*>& expected,
                                       const std::map<LabelPairs, bool>& seen) {
  for (const auto& [labels, series] : expected) {
    if (!seen.contains(labels)) return mismatch(format_expected(*series), "no such series");
  }
  return std::nullopt;
}

std::optional<Mismatch> compare_vector(const EvalCommand& eval, const QueryResult& result) {
  const auto expected = index_expected(eval);
  std::map<LabelPairs, bool> seen;
  for (std::size_t pos = 0; pos < result.series.size(); ++pos) {
    const ResultSeries& got = result.series[pos];
    const std::string got_text = format_series(got, false);
    auto it = expected.find(got.labels);
    if (it == expected.end()) return mismatch("no such series", got_text);
    const ExpectedSeries& want = *it->second;
    const auto want_pos = static_cast<std::size_t>(&want - eval.series.data());
    if (eval.ordered && want_pos != pos) {
      return mismatch(format_expected(want) + " at position " + std::to_string(pos + 1),
                      got_text + " at position " + std::to_string(pos + 1));
    }
    if (want.values.empty() || got.points.empty() ||
        !almost_equal(expected_number(want.values.front()), got.points.front().value)) {
      return mismatch(format_expected(want), got_text);
    }
    seen[got.labels] = true;
  }
  return missing_series(expected, seen);
}

// The points a series is expected to have, at start + i × step.
std::optional<Mismatch> expected_points(const ExpectedSeries& want, const RangeSpec& times,
                                        std::vector<SamplePoint>& out) {
  for (std::size_t i = 0; i < want.values.size(); ++i) {
    const std::int64_t t = times.start_ms + static_cast<std::int64_t>(i) * times.step_ms;
    if (t > times.end_ms) {
      return mismatch(format_expected(want), "a time range with room for fewer than " +
                                                 std::to_string(want.values.size()) + " points");
    }
    const SeriesValue& value = want.values[i];
    if (value.kind == SeriesValue::Kind::Number || value.kind == SeriesValue::Kind::Stale) {
      out.push_back({t, expected_number(value)});
    }
  }
  return std::nullopt;
}

std::optional<Mismatch> compare_matrix(const EvalCommand& eval, const QueryResult& result) {
  if (eval.ordered) return mismatch("an ordered result", "a matrix");
  for (std::size_t i = 0; i + 1 < result.series.size(); ++i) {
    if (result.series[i + 1].labels < result.series[i].labels) {
      return mismatch("a matrix sorted by labels", format_labels(result.series[i].labels) +
                                                       " before " +
                                                       format_labels(result.series[i + 1].labels));
    }
  }
  const RangeSpec times =
      eval.kind == EvalCommand::Kind::Range
          ? eval.range
          : eval.range_vector.value_or(RangeSpec{eval.time_ms, eval.time_ms, 0});
  const auto expected = index_expected(eval);
  std::map<LabelPairs, bool> seen;
  for (const ResultSeries& got : result.series) {
    auto it = expected.find(got.labels);
    if (it == expected.end()) return mismatch("no such series", format_series(got, true));
    std::vector<SamplePoint> want;
    if (auto bad = expected_points(*it->second, times, want)) return bad;
    bool same = want.size() == got.points.size();
    for (std::size_t i = 0; same && i < want.size(); ++i) {
      same = want[i].t_ms == got.points[i].t_ms && almost_equal(want[i].value, got.points[i].value);
    }
    if (!same) {
      return mismatch(format_series({got.labels, want}, true), format_series(got, true));
    }
    seen[got.labels] = true;
  }
  return missing_series(expected, seen);
}

}  // namespace

bool almost_equal(double a, double b, double epsilon) {
  if (std::isnan(a) && std::isnan(b)) return true;
  if (a == b) return true;
  constexpr double kMinNormal = std::numeric_limits<double>::min();
  const double abs_sum = std::abs(a) + std::abs(b);
  const double diff = std::abs(a - b);
  if (a == 0 || b == 0 || abs_sum < kMinNormal) return diff < epsilon * kMinNormal;
  return diff / std::min(abs_sum, std::numeric_limits<double>::max()) < epsilon;
}

std::optional<Mismatch> compare_result(const EvalCommand& eval, const QueryResult& result) {
  if (eval.scalar && result.type != Type::Scalar) {
    return mismatch("scalar " + format_value(*eval.scalar),
                    std::string(type_name(result.type)) + " result");
  }
  switch (result.type) {
    case Type::Scalar:
      if (!eval.scalar)
        return mismatch("a vector or matrix result", "scalar " + format_value(result.scalar));
      if (!almost_equal(expected_number(*eval.scalar), result.scalar)) {
        return mismatch("scalar " + format_value(*eval.scalar),
                        "scalar " + format_value(result.scalar));
      }
      return std::nullopt;
    case Type::String:
      if (eval.string.value_or("") != result.string) {
        return mismatch("string \"" + eval.string.value_or("") + "\"",
                        "string \"" + result.string + "\"");
      }
      return std::nullopt;
    case Type::Vector:
      return compare_vector(eval, result);
    case Type::Matrix:
      return compare_matrix(eval, result);
  }
  return std::nullopt;
}

std::optional<Mismatch> compare_failure(const ExpectedFailure& expected, std::string_view message) {
  if (expected.message && *expected.message != message) {
    return mismatch("error \"" + *expected.message + "\"",
                    "error \"" + std::string(message) + "\"");
  }
  if (expected.regex) {
    const RE2 regex(*expected.regex);
    if (!regex.ok() || !RE2::PartialMatch(message, regex)) {
      return mismatch("error matching /" + *expected.regex + "/",
                      "error \"" + std::string(message) + "\"");
    }
  }
  return std::nullopt;
}

std::string format_series(const ResultSeries& series, bool with_times) {
  std::string out = format_labels(series.labels);
  for (std::size_t i = 0; i < series.points.size(); ++i) {
    out += i == 0 ? " " : ", ";
    out += format_value(series.points[i].value);
    if (with_times) out += " @" + std::to_string(series.points[i].t_ms);
  }
  return out;
}

}  // namespace vitals::conformance
