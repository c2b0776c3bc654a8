// Small readers of the sample window for the ingest tests.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "agent/store/sample_window.h"

namespace vitals::testing {

inline LabelMatcher eq(std::string name, std::string value) {
  return LabelMatcher::make(std::move(name), MatchOp::Equal, std::move(value)).value();
}

// Every sample of the one series the matchers select; fails the test unless exactly one does.
inline std::vector<SamplePoint> samples_of(const SampleWindow& window,
                                           const std::vector<LabelMatcher>& matchers) {
  auto refs = window.select(matchers);
  REQUIRE_MESSAGE(refs.size() == 1, "matched ", refs.size(), " series");
  return window.samples(refs[0], 0, std::numeric_limits<std::int64_t>::max());
}

}  // namespace vitals::testing
