// Which promqltest cases the conformance runner leaves out, and why: features outside vitals'
// PromQL (native histograms, info(), experimental functions and syntax, annotations). Each
// reason is a short name the runner counts ("native histograms", "annotations"); a skipped case
// is never counted as passed. The function table is data (kFunctionSkips); the syntax checks
// read the query with a small scanner, no PromQL parser needed.
// Not thread-safe: a SkipContext follows one file's loads and clears.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "agent/store/label_set.h"
#include "alerts/conformance/promqltest_file.h"

namespace vitals::conformance {

struct FunctionSkip {
  std::string_view function;  // as called, lower case: `info(`, `limitk(`, `fill(` …
  std::string_view reason;
};
// Functions, aggregations and binary-operator modifiers written like calls that mark a case as
// skipped.
std::span<const FunctionSkip> function_skips();

// What one load has put in the window that vitals cannot serve, up to the next clear.
class SkipContext {
 public:
  // Notes the series with native-histogram values, the native histograms load_with_nhcb makes
  // of classic ones, and the series given start timestamps.
  void load(const LoadCommand& load);
  void clear();

  // The reason to skip `eval`, or none to run it.
  std::optional<std::string> reason(const EvalCommand& eval) const;

 private:
  std::vector<LabelPairs> native_{};            // series with `{{…}}` values
  std::vector<LabelPairs> nhcb_{};              // load_with_nhcb's native histograms
  std::vector<LabelPairs> start_timestamps_{};  // series with an `@st` line
};

namespace detail {

struct MatcherText {
  std::string name{};
  std::string op{};  // "=", "!=", "=~", "!~"
  std::string value{};
};

// What the scanner finds in a query.
struct QueryFacts {
  std::vector<std::string> calls{};                   // lower case, in order
  std::vector<std::vector<MatcherText>> selectors{};  // the name, if written, as __name__=
  bool at_start_end = false;                          // `@ start()` / `@ end()`
  bool duration_expression = false;  // arithmetic or functions in `[…]` or after offset
  bool extended_range = false;       // `[…] anchored` / `[…] smoothed`
};
QueryFacts scan_query(std::string_view query);

}  // namespace detail
}  // namespace vitals::conformance
