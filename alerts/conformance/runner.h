// Runs promqltest files against vitals' PromQL engine over an in-memory sample window, the way
// Prometheus' promqltest runs them: `load` appends each series' points at 0, interval, 2 ×
// interval … (`stale` as the staleness marker, `_` as nothing), `clear` starts a new window,
// and each eval runs as an instant or range query compared by result_comparison.h's rules. As
// in promqltest, an instant case is also run with its selectors pinned by `@ t` at other times,
// and each of those as a range query from t-1m to t+1m with its step at t compared. Cases
// outside vitals' PromQL are skipped by skip_rules.h's reasons.
// Not thread-safe; each call builds its own window and engine.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "alerts/conformance/promqltest_file.h"
#include "alerts/promql/engine.h"

namespace vitals::conformance {

struct CaseFailure {
  int line = 0;  // of the eval command
  std::string expr{};
  std::string expected{};
  std::string got{};
};

struct FileReport {
  std::string file{};
  int passed = 0;
  int failed = 0;  // an unreadable or malformed file counts as one failure
  int skipped = 0;
  std::map<std::string, int> skip_reasons{};  // reason → cases
  std::vector<CaseFailure> failures{};
  std::string error{};  // why the file could not be read or parsed; empty when it was

  // The skip reasons by count, most first: "native histograms 35, annotations 2".
  std::string top_skip_reasons(std::size_t limit = 3) const;
};

struct RunnerOptions {
  promql::EngineOptions engine{};
  // Also runs each instant case as a range query around its time (promqltest's "range mode").
  bool check_range_mode = true;
  // Also runs each instant case with every selector pinned to its time by @, at other times
  // (promqltest's @ variants), unless a function's result depends on the evaluation time.
  bool check_at_modifier = true;
};

FileReport run_test_file(const TestFile& file, const RunnerOptions& options = {});
// Reads, parses and runs the file at `path`; a read or parse error is reported in the result.
FileReport run_test_path(const std::string& path, const RunnerOptions& options = {});

}  // namespace vitals::conformance
