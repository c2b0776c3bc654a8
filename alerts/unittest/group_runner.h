// One test group of a unit-test file, run the way promtool's testGroup.test runs it: the input
// series appended to a fresh in-memory window up to each evaluation time (never ahead of it),
// every rule group evaluated at 0, evaluation_interval, … up to the largest eval_time, alert
// expectations checked after the evaluation at or just before their eval_time, and PromQL
// expectations queried at the end. Time is the window's: a `for: 10m` needs no waiting.
// Internal to alerts/unittest; not thread-safe (each call builds its own window).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "alerts/rules/rule_file.h"
#include "alerts/unittest/test_file.h"

namespace vitals::unittest::detail {

// What every test group of a file shares.
struct GroupContext {
  std::int64_t evaluation_interval_ms = 60'000;
  bool fuzzy_compare = false;
  std::vector<rules::GroupSpec> rule_groups{};  // in evaluation order
  // Why the rule files could not be loaded (promtool reports them for each test group that
  // runs); empty when they loaded.
  std::vector<std::string> rule_errors{};
};

// promtool's error texts for the group, in its order; empty when every expectation held.
std::vector<std::string> run_test_group(const TestGroup& group, const GroupContext& context);

}  // namespace vitals::unittest::detail
