// Runs one promtool unit-test file: reads it, resolves its rule_files against the test file's
// directory (globs allowed; a pattern that matches nothing is only a warning, as in promtool),
// loads the rule groups, orders them by group_eval_order, and runs each test group
// (group_runner.h). Not thread-safe per call; separate calls share nothing.
#pragma once

#include <string>
#include <vector>

#include "alerts/unittest/test_file.h"

namespace vitals::unittest {

struct RunOptions {
  // promtool's --run (Prometheus 3): only test groups whose name this RE2 pattern finds
  // (unanchored); empty runs them all.
  std::string run_pattern{};
};

struct FileResult {
  std::vector<std::string> warnings{};  // "  WARNING: no file match pattern …", printed first
  std::vector<std::string> failures{};  // promtool's error texts; empty when the file passed
};

FileResult run_test_file(const std::string& path, const RunOptions& options = {});
FileResult run_test_file(const UnitTestFile& file, const RunOptions& options = {});

}  // namespace vitals::unittest
