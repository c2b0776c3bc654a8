// Evaluates PromQL over the sample window with Prometheus' float semantics: instant queries at
// one time, range queries as instant ones at each step. Read-only on the window, so any number
// of queries may run at once beside ingest.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "agent/store/sample_window.h"
#include "alerts/promql/ast.h"
#include "vitals/common/error.h"

namespace vitals::promql {

// One element of an instant vector: its labels (sorted by name; __name__ included unless an
// operation dropped it) and value, at the evaluation time.
struct Sample {
  LabelPairs labels{};
  double value = 0;
  // Prometheus 3's delayed name removal: an operation that drops __name__ marks the sample, and
  // the name goes only when the query's result is made (so label_replace can still read it).
  // Results leaving the engine never carry the mark.
  bool drop_name = false;
};
using Vector = std::vector<Sample>;

// One series of a range vector (or of a range query's result): points oldest first.
struct Series {
  LabelPairs labels{};
  std::vector<SamplePoint> points{};
  bool drop_name = false;  // as Sample's
};
using Matrix = std::vector<Series>;

struct Scalar {
  double value = 0;
};
struct String {
  std::string value{};
};

using Value = std::variant<Scalar, String, Vector, Matrix>;
ValueType type_of(const Value& value);

struct EngineOptions {
  std::int64_t lookback_ms = 5 * 60 * 1000;  // how far back an instant selector looks
  // A query that would hold more samples than this at once fails (Prometheus'
  // --query.max-samples).
  std::size_t max_samples = 50'000'000;
  std::int64_t default_subquery_step_ms = 60'000;  // a subquery's step when none is written
};

class Engine {
 public:
  explicit Engine(const SampleWindow& window, EngineOptions options = {});

  // Errors are InvalidArgument with Prometheus' wording where a caller may match on it
  // ("vector cannot contain metrics with the same labelset", "many-to-many matching not
  // allowed: …").
  Result<Value> instant(const Expr& expr, std::int64_t t_ms) const;
  // The expression (a scalar or instant vector) at start, start + step, … ≤ end: one series
  // per label set seen, with a point at each step where it had a value.
  Result<Matrix> range(const Expr& expr, std::int64_t start_ms, std::int64_t end_ms,
                       std::int64_t step_ms) const;

  // Parses, then evaluates; parse errors keep their "line:col: parse error: …" text.
  Result<Value> instant(std::string_view query, std::int64_t t_ms) const;
  Result<Matrix> range(std::string_view query, std::int64_t start_ms, std::int64_t end_ms,
                       std::int64_t step_ms) const;

 private:
  const SampleWindow& window_;
  EngineOptions options_;
};

}  // namespace vitals::promql
