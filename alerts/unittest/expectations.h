// What a unit test expects, made comparable with what the rules and queries produced, and
// promtool's rules for "equal": alerts by exact labels and annotations (alertname added to the
// expected labels), samples by exact labels and a value that is == (NaN never equals), or within
// one step of the last mantissa bit under fuzzy_compare. Pure functions; thread-safe.
#pragma once

#include <vector>

#include "alerts/unittest/report.h"
#include "alerts/unittest/test_file.h"
#include "vitals/common/error.h"

namespace vitals::unittest {

// The case's exp_alerts with alertname set to the case's, sorted. Labels and annotations keep
// empty values, so an expected `x: ""` matches only an annotation that expanded to "".
std::vector<AlertView> expected_alerts(const AlertTestCase& test);

// The case's exp_samples with their labels parsed, sorted by labels. InvalidArgument with
// promtool's wording (`labels "…": …`) for labels that do not parse, and for native-histogram
// samples, which vitals does not evaluate.
Result<std::vector<SampleView>> expected_samples(const PromqlTestCase& test);

void sort_samples(std::vector<SampleView>& samples);
// Both sorted.
bool same_samples(const std::vector<SampleView>& expected, const std::vector<SampleView>& got,
                  bool fuzzy);

}  // namespace vitals::unittest
