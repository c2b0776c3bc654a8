#include "alerts/conformance/runner.h"

#include <doctest/doctest.h>

#include "tests/support/why.h"

using vitals::testing::why;

namespace vitals::conformance {
namespace {

FileReport run(std::string_view text) {
  auto file = parse_test_file(text, "inline.test");
  REQUIRE_MESSAGE(file, why(file));
  return run_test_file(*file);
}

TEST_CASE("loaded points are seen through the lookback until a stale marker") {
  const FileReport report = run(R"(load 5m
  m{job="a"} 0+10x4 _ stale

eval instant at 10m m
  m{job="a"} 20

eval instant at 24m m
  m{job="a"} 40

eval instant at 30m m
)");
  CHECK(report.failed == 0);
  CHECK(report.passed == 3);
  CHECK(report.skipped == 0);
}

TEST_CASE("a wrong expectation is a failure naming its line, query, expected and actual") {
  const FileReport report = run(R"(load 1m
  m 1 2 3

eval instant at 1m m
  m 5
)");
  CHECK(report.failed == 1);
  REQUIRE(report.failures.size() == 1);
  CHECK(report.failures[0].line == 4);
  CHECK(report.failures[0].expr == "m");
  CHECK(report.failures[0].expected == "m 5");
  CHECK(report.failures[0].got == "m 2");
}

TEST_CASE("a range eval compares every step") {
  const FileReport report = run(R"(load 1m
  m{job="a"} 1 2 3 4

eval range from 0 to 3m step 1m m
  m{job="a"} 1 2 3 4

eval range from 0 to 3m step 1m m
  m{job="a"} 1 2 3 5
)");
  CHECK(report.passed == 1);
  CHECK(report.failed == 1);
}

TEST_CASE("expected failures pass on an error and fail without one") {
  const FileReport report = run(R"(eval instant at 0 sum(
  expect fail

eval instant at 0 vector(1)
  expect fail
)");
  CHECK(report.passed == 1);
  CHECK(report.failed == 1);
}

TEST_CASE("clear empties the window") {
  const FileReport report = run(R"(load 1m
  m 1

clear

eval instant at 0 m
)");
  CHECK(report.passed == 1);
  CHECK(report.failed == 0);
}

TEST_CASE("samples days and years after the epoch stay in the window") {
  const FileReport report = run(R"(load 1d
  m 0+1x800

eval instant at 799d m
  m 799
)");
  CHECK(report.failed == 0);
  CHECK(report.passed == 1);
}

TEST_CASE("skipped cases are counted by reason, never as passed") {
  const FileReport report = run(R"(load 1m
  h {{schema:0 sum:1 count:1}}

eval instant at 0 h
  expect warn

eval instant at 0 info(up)

eval instant at 0 vector(1)
  expect warn
  {} 1
)");
  CHECK(report.passed == 0);
  CHECK(report.skipped == 3);
  CHECK(report.skip_reasons.at("native histograms") == 1);
  CHECK(report.skip_reasons.at("info()") == 1);
  CHECK(report.skip_reasons.at("annotations") == 1);
  CHECK(report.top_skip_reasons() == "annotations 1, info() 1, native histograms 1");
}

}  // namespace
}  // namespace vitals::conformance
