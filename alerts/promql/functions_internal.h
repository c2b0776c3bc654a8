// How the function implementations reach their arguments, shared by the files that hold them.
#pragma once

#include <cstdint>
#include <string>

#include "alerts/promql/evaluator.h"

namespace vitals::promql::detail {

// One call's arguments, evaluated on demand at the call's time.
class CallArgs {
 public:
  CallArgs(const Call& call, const Evaluator& evaluator, std::int64_t t_ms)
      : call_(call), evaluator_(evaluator), t_ms_(t_ms) {}

  std::size_t size() const { return call_.args.size(); }
  std::int64_t time_ms() const { return t_ms_; }
  const Expr& expr(std::size_t i) const { return *call_.args[i]; }
  const std::string& name() const { return call_.function; }
  const Evaluator& evaluator() const { return evaluator_; }

  Result<Vector> vector(std::size_t i) const;
  Result<double> scalar(std::size_t i) const;
  Result<std::string> string(std::size_t i) const;
  Result<RangeArg> range(std::size_t i) const;

 private:
  const Call& call_;
  const Evaluator& evaluator_;
  std::int64_t t_ms_;
};

// The functions over range vectors (range_functions.cc); NotFound for another name.
Result<Value> call_range_function(const CallArgs& args);
// histogram_quantile over classic buckets (histogram_quantile.cc).
Result<Value> histogram_quantile(const CallArgs& args);
// Labels absent() and absent_over_time() give when nothing matches: the selector's equality
// matchers, a label matched twice left out.
LabelPairs labels_for_absent(const Expr& expr);

}  // namespace vitals::promql::detail
