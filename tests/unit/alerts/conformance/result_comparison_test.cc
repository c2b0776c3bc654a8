#include "alerts/conformance/result_comparison.h"

#include <cmath>
#include <limits>

#include <doctest/doctest.h>

#include "tests/support/why.h"

using vitals::testing::why;

namespace vitals::conformance {
namespace {

using Type = QueryResult::Type;

EvalCommand eval_of(std::string_view text) {
  auto file = parse_test_file(text, "inline.test");
  REQUIRE_MESSAGE(file, why(file));
  return std::get<EvalCommand>(file->commands.at(0).body);
}

QueryResult vector(std::vector<std::pair<LabelPairs, double>> samples, std::int64_t t = 0) {
  QueryResult out{.type = Type::Vector};
  for (auto& [labels, value] : samples) out.series.push_back({labels, {{t, value}}});
  return out;
}

const LabelPairs kA{{"__name__", "m"}, {"job", "a"}};
const LabelPairs kB{{"__name__", "m"}, {"job", "b"}};

TEST_CASE("almost_equal allows a relative error of 1e-6 and treats NaNs as equal") {
  CHECK(almost_equal(1, 1));
  CHECK(almost_equal(1e9, 1e9 + 1));
  CHECK(!almost_equal(1, 1.00001));
  CHECK(almost_equal(0.3, 0.1 + 0.2));
  CHECK(almost_equal(NAN, stale_nan()));
  CHECK(!almost_equal(NAN, 1));
  CHECK(almost_equal(INFINITY, INFINITY));
  CHECK(!almost_equal(INFINITY, -INFINITY));
  CHECK(!almost_equal(0, 1e-300));  // against zero only a subnormal difference passes
  CHECK(almost_equal(0, std::numeric_limits<double>::denorm_min()));
  CHECK(almost_equal(-0.0, 0.0));
}

TEST_CASE("an instant vector matches in any order with exact label sets") {
  const EvalCommand eval = eval_of("eval instant at 0 m\n  m{job=\"a\"} 1\n  m{job=\"b\"} 2\n");
  CHECK(!compare_result(eval, vector({{kB, 2}, {kA, 1.0000001}})));
  auto wrong_value = compare_result(eval, vector({{kA, 1}, {kB, 3}}));
  REQUIRE(wrong_value);
  CHECK(wrong_value->expected == "m{job=\"b\"} 2");
  CHECK(wrong_value->got == "m{job=\"b\"} 3");
  auto missing = compare_result(eval, vector({{kA, 1}}));
  REQUIRE(missing);
  CHECK(missing->got == "no such series");
  auto extra = compare_result(eval, vector({{kA, 1}, {kB, 2}, {{{"job", "c"}}, 3}}));
  REQUIRE(extra);
  CHECK(extra->expected == "no such series");
  auto renamed = compare_result(eval, vector({{{{"job", "a"}}, 1}, {kB, 2}}));
  CHECK(renamed);  // __name__ is part of the label set
}

TEST_CASE("ordered results must come in the written order") {
  const EvalCommand eval =
      eval_of("eval instant at 0 sort(m)\n  expect ordered\n  m{job=\"a\"} 1\n  m{job=\"b\"} 2\n");
  CHECK(!compare_result(eval, vector({{kA, 1}, {kB, 2}})));
  auto swapped = compare_result(eval, vector({{kB, 2}, {kA, 1}}));
  REQUIRE(swapped);
  CHECK(swapped->got.find("position 1") != std::string::npos);
}

TEST_CASE("an empty expectation wants an empty vector") {
  const EvalCommand eval = eval_of("eval instant at 0 nothing\n");
  CHECK(!compare_result(eval, vector({})));
  CHECK(compare_result(eval, vector({{kA, 1}})));
  CHECK(compare_result(eval, QueryResult{.type = Type::Scalar, .scalar = 1}));
}

TEST_CASE("scalars and strings are compared by type and value") {
  const EvalCommand scalar = eval_of("eval instant at 0 1 + 1\n  2\n");
  CHECK(!compare_result(scalar, QueryResult{.type = Type::Scalar, .scalar = 2}));
  CHECK(compare_result(scalar, QueryResult{.type = Type::Scalar, .scalar = 3}));
  CHECK(compare_result(scalar, vector({{{}, 2}})));
  const EvalCommand nan = eval_of("eval instant at 0 NaN\n  NaN\n");
  CHECK(!compare_result(nan, QueryResult{.type = Type::Scalar, .scalar = NAN}));
  const EvalCommand string = eval_of("eval instant at 0 \"a\"\n  expect string \"a\"\n");
  CHECK(!compare_result(string, QueryResult{.type = Type::String, .string = "a"}));
  CHECK(compare_result(string, QueryResult{.type = Type::String, .string = "b"}));
}

TEST_CASE("a range result's points are at start + i * step, with _ meaning no point") {
  const EvalCommand eval =
      eval_of("eval range from 0 to 2m step 1m m\n  m{job=\"a\"} 1 _ 3\n  m{job=\"b\"} 1x2\n");
  QueryResult matrix{.type = Type::Matrix};
  matrix.series.push_back({kA, {{0, 1}, {120'000, 3}}});
  matrix.series.push_back({kB, {{0, 1}, {60'000, 1}, {120'000, 1}}});
  CHECK(!compare_result(eval, matrix));

  QueryResult shifted = matrix;
  shifted.series[0].points[1].t_ms = 60'000;
  auto bad = compare_result(eval, shifted);
  REQUIRE(bad);
  CHECK(bad->expected == "m{job=\"a\"} 1 @0, 3 @120000");
  CHECK(bad->got == "m{job=\"a\"} 1 @0, 3 @60000");

  QueryResult unsorted{.type = Type::Matrix};
  unsorted.series = {matrix.series[1], matrix.series[0]};
  CHECK(compare_result(eval, unsorted));
}

TEST_CASE("more expected points than the range holds is a mismatch") {
  const EvalCommand eval = eval_of("eval range from 0 to 1m step 1m m\n  m{job=\"a\"} 1 2 3\n");
  QueryResult matrix{.type = Type::Matrix};
  matrix.series.push_back({kA, {{0, 1}, {60'000, 2}}});
  CHECK(compare_result(eval, matrix));
}

TEST_CASE("an instant range vector is compared at the times of expect range vector") {
  const EvalCommand eval = eval_of(
      "eval instant at 1m m[1m]\n  expect range vector from 0 to 1m step 30s\n  m{job=\"a\"} 1 2 "
      "3\n");
  QueryResult matrix{.type = Type::Matrix};
  matrix.series.push_back({kA, {{0, 1}, {30'000, 2}, {60'000, 3}}});
  CHECK(!compare_result(eval, matrix));
}

TEST_CASE("a matrix where ordered results are expected is a mismatch") {
  const EvalCommand eval = eval_of("eval range from 0 to 0 step 1m m\n  expect ordered\n");
  CHECK(compare_result(eval, QueryResult{.type = Type::Matrix}));
}

TEST_CASE("expected failures match any error, an exact message, or a regex anywhere") {
  CHECK(!compare_failure({}, "anything"));
  CHECK(!compare_failure({.message = "bad thing"}, "bad thing"));
  CHECK(compare_failure({.message = "bad thing"}, "bad thing!"));
  CHECK(!compare_failure({.regex = "conflicting label"}, "found conflicting label: x"));
  CHECK(compare_failure({.regex = "^conflicting"}, "found conflicting label"));
  auto bad = compare_failure({.message = "x"}, "y");
  REQUIRE(bad);
  CHECK(bad->expected == "error \"x\"");
  CHECK(bad->got == "error \"y\"");
}

}  // namespace
}  // namespace vitals::conformance
