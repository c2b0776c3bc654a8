// How promqltest decides that a query's result is the expected one (compareResult and
// checkExpectedFailure in Prometheus' promql/promqltest/test.go), over a plain copy of the
// result so that it needs no engine:
//   - values are equal when both are NaN (the stale marker included), or within a relative
//     error of 1e-6 (almost.Equal: |a-b| / (|a|+|b|) < ε; against 0, |a-b| < ε × the smallest
//     normal double);
//   - label sets match exactly, __name__ included; order matters only for `ordered`, and then
//     only for instant vectors (a matrix with `ordered` is an error);
//   - every expected series must be there and nothing else; a range result's points must be at
//     start + i × step for the written values, `_` meaning no point;
//   - a range result (matrix) must be sorted by labels.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/store/label_set.h"
#include "agent/store/xor_chunk.h"
#include "alerts/conformance/promqltest_file.h"

namespace vitals::conformance {

// One series of a result: an instant vector's sample (one point at the evaluation time) or a
// range vector's points, oldest first.
struct ResultSeries {
  LabelPairs labels{};
  std::vector<SamplePoint> points{};
};

// A query's result, copied from whatever the engine returns.
struct QueryResult {
  enum class Type : std::uint8_t { Scalar, String, Vector, Matrix };
  Type type = Type::Vector;
  double scalar = 0;
  std::string string{};
  std::vector<ResultSeries> series{};  // in the engine's order
};

// What differs, for people: the expected and the actual part, each short.
struct Mismatch {
  std::string expected{};
  std::string got{};
};

inline constexpr double kDefaultEpsilon = 1e-6;
bool almost_equal(double a, double b, double epsilon = kDefaultEpsilon);

// None when `result` is what `eval` expects (its failure expectation aside).
std::optional<Mismatch> compare_result(const EvalCommand& eval, const QueryResult& result);
// None when an error with `message` is the failure `expected`: any error, one with exactly
// this message, or one the regex matches somewhere in.
std::optional<Mismatch> compare_failure(const ExpectedFailure& expected, std::string_view message);

// `up{job="a"} 1` / `up{job="a"} 1 @0, 2 @60000` for messages.
std::string format_series(const ResultSeries& series, bool with_times);

}  // namespace vitals::conformance
