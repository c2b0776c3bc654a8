#include "alerts/promql/engine.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "tests/support/fake_clock.h"
#include "tests/support/why.h"

using namespace std::chrono_literals;
using vitals::LabelPairs;
using vitals::promql::Engine;
using vitals::promql::Matrix;
using vitals::promql::Scalar;
using vitals::promql::Value;
using vitals::promql::Vector;
using vitals::testing::why;

namespace {

constexpr std::int64_t kSecond = 1000;
constexpr std::int64_t kMinute = 60 * kSecond;

// A window holding series loaded like promqltest's `load`: values every `step` from t = 0.
struct World {
  vitals::testing::FakeClock clock;
  std::unique_ptr<vitals::SampleWindow> window = vitals::SampleWindow::create(
      clock, {.retention = std::chrono::hours(24 * 365 * 60), .maintenance_interval = {}});
  Engine engine{*window};

  void load(LabelPairs labels, std::int64_t step_ms, const std::vector<double>& values) {
    auto ref = window->get_or_create(std::move(labels));
    REQUIRE(ref);
    for (std::size_t i = 0; i < values.size(); ++i) {
      window->append(*ref, static_cast<std::int64_t>(i) * step_ms, values[i]);
    }
  }
  void stale(LabelPairs labels, std::int64_t t_ms) {
    auto ref = window->get_or_create(std::move(labels));
    REQUIRE(ref);
    window->mark_stale(*ref, t_ms);
  }

  Vector vector(std::string_view query, std::int64_t t_ms) {
    auto value = engine.instant(query, t_ms);
    REQUIRE_MESSAGE(value, query, ": ", why(value));
    REQUIRE_MESSAGE(std::holds_alternative<Vector>(*value), query);
    return std::get<Vector>(*value);
  }
  double only(std::string_view query, std::int64_t t_ms) {
    Vector v = vector(query, t_ms);
    REQUIRE_MESSAGE(v.size() == 1, query, " gave ", v.size(), " samples");
    return v[0].value;
  }
  std::string error(std::string_view query, std::int64_t t_ms) {
    auto value = engine.instant(query, t_ms);
    REQUIRE_MESSAGE(!value, query, " did not fail");
    return value.error().message;
  }
};

LabelPairs series(std::string name, LabelPairs more = {}) {
  more.push_back({"__name__", std::move(name)});
  std::sort(more.begin(), more.end());
  return more;
}

std::vector<double> counter(double start, double step, int n) {
  std::vector<double> values;
  for (int i = 0; i <= n; ++i) values.push_back(start + step * i);
  return values;
}

}  // namespace

TEST_CASE("an instant selector finds the newest sample within the lookback, not a stale one") {
  World w;
  w.load(series("up", {{"job", "api"}}), 10 * kSecond, {1, 0});
  CHECK(w.only("up", 10 * kSecond) == 0);
  CHECK(w.only("up{job=\"api\"}", 5 * kSecond) == 1);
  CHECK(w.only("up", 10 * kSecond + 5 * kMinute - 1) == 0);
  CHECK(w.vector("up", 10 * kSecond + 5 * kMinute).empty());  // the lookback is left-open
  w.stale(series("up", {{"job", "api"}}), 20 * kSecond);
  CHECK(w.vector("up", 25 * kSecond).empty());
  CHECK(w.vector("up{job=\"web\"}", 10 * kSecond).empty());
}

TEST_CASE("rate extrapolates to the range's ends as Prometheus does") {
  World w;
  w.load(series("requests_total"), 10 * kSecond, counter(0, 10, 100));
  // 1 per second, sampled every 10 s.
  CHECK(w.only("rate(requests_total[1m])", 10 * kMinute) == doctest::Approx(1));
  CHECK(w.only("increase(requests_total[1m])", 10 * kMinute) == doctest::Approx(60));
  CHECK(w.only("irate(requests_total[1m])", 10 * kMinute) == doctest::Approx(1));
  // A counter reset adds the value before it.
  World reset;
  reset.load(series("c"), 10 * kSecond, {10, 20, 5, 15});
  CHECK(reset.only("increase(c[40s])", 30 * kSecond) ==
        doctest::Approx((15 - 10 + 20) * 40.0 / 30.0));
}

TEST_CASE("names go from arithmetic and functions, and stay on comparisons and selectors") {
  World w;
  w.load(series("a", {{"env", "1"}}), kMinute, {2});
  w.load(series("b", {{"env", "1"}}), kMinute, {3});
  CHECK(w.vector("a + b", 0)[0].labels == LabelPairs{{"env", "1"}});
  CHECK(w.vector("a < b", 0)[0].labels == series("a", {{"env", "1"}}));
  CHECK(w.vector("a < bool b", 0)[0].value == 1);
  CHECK(w.vector("abs(a)", 0)[0].labels == LabelPairs{{"env", "1"}});
  CHECK(w.vector("label_replace(abs(a), \"n\", \"$1\", \"__name__\", \"(.*)\")", 0)[0].labels ==
        LabelPairs{{"env", "1"}, {"n", "a"}});
  CHECK(w.error("abs({env=\"1\"})", 0) == "vector cannot contain metrics with the same labelset");
}

TEST_CASE("vector matching: one-to-one, group_left, and the errors for ambiguous matches") {
  World w;
  w.load(series("errors", {{"job", "api"}, {"code", "500"}}), kMinute, {5});
  w.load(series("errors", {{"job", "api"}, {"code", "503"}}), kMinute, {3});
  w.load(series("requests", {{"job", "api"}}), kMinute, {100});
  w.load(series("info", {{"job", "api"}, {"team", "cards"}}), kMinute, {1});
  CHECK(w.only("sum by (job) (errors) / on (job) requests", 0) == doctest::Approx(0.08));
  Vector ratio = w.vector("errors / on (job) group_left requests", 0);
  CHECK(ratio.size() == 2);
  Vector joined = w.vector("requests * on (job) group_left (team) info", 0);
  REQUIRE(joined.size() == 1);
  CHECK(joined[0].labels == LabelPairs{{"job", "api"}, {"team", "cards"}});
  CHECK(w.error("requests / on (job) errors", 0).find("many-to-many matching not allowed") !=
        std::string::npos);
  CHECK(w.error("errors / on (job) requests", 0) ==
        "multiple matches for labels: many-to-one matching must be explicit "
        "(group_left/group_right)");
  CHECK(w.vector("errors and on (code) errors{code=\"500\"}", 0).size() == 1);
  CHECK(w.vector("errors unless errors{code=\"500\"}", 0).size() == 1);
  CHECK(w.vector("requests or errors", 0).size() == 3);
}

TEST_CASE("aggregations group by and without, with Prometheus' arithmetic") {
  World w;
  for (int i = 0; i < 4; ++i) {
    w.load(series("x", {{"i", std::to_string(i)}, {"g", i % 2 ? "odd" : "even"}}), kMinute,
           {static_cast<double>(i)});
  }
  CHECK(w.only("sum(x)", 0) == 6);
  CHECK(w.only("avg(x)", 0) == 1.5);
  CHECK(w.only("count(x)", 0) == 4);
  CHECK(w.only("stdvar(x)", 0) == doctest::Approx(1.25));
  CHECK(w.only("quantile(0.5, x)", 0) == doctest::Approx(1.5));
  CHECK(w.vector("max by (g) (x)", 0).size() == 2);
  CHECK(w.vector("sum without (i) (x)", 0).size() == 2);
  Vector top = w.vector("topk(2, x)", 0);
  REQUIRE(top.size() == 2);
  CHECK(top[0].value == 3);
  CHECK(top[1].value == 2);
  CHECK(w.vector("count_values(\"v\", x)", 0).size() == 4);
}

TEST_CASE("histogram_quantile interpolates within the bucket the rank falls in") {
  World w;
  w.load(series("h_bucket", {{"le", "0.1"}}), kMinute, {50});
  w.load(series("h_bucket", {{"le", "0.5"}}), kMinute, {90});
  w.load(series("h_bucket", {{"le", "+Inf"}}), kMinute, {100});
  CHECK(w.only("histogram_quantile(0.5, h_bucket)", 0) == doctest::Approx(0.1));
  CHECK(w.only("histogram_quantile(0.7, h_bucket)", 0) == doctest::Approx(0.3));
  CHECK(w.only("histogram_quantile(0.99, h_bucket)", 0) == doctest::Approx(0.5));
}

TEST_CASE("absent, subqueries, offset and @ read where they should") {
  World w;
  w.load(series("g"), kMinute, {1, 2, 3, 4, 5, 6});
  Vector absent = w.vector("absent(nothing{job=\"api\"})", 0);
  REQUIRE(absent.size() == 1);
  CHECK(absent[0].labels == LabelPairs{{"job", "api"}});
  CHECK(w.vector("absent(g)", 0).empty());
  CHECK(w.only("max_over_time(g[5m:1m])", 5 * kMinute) == 6);
  CHECK(w.only("g offset 2m", 5 * kMinute) == 4);
  CHECK(w.only("g @ 60", 5 * kMinute) == 2);
  CHECK(w.only("sum_over_time(g[2m] @ 180)", 0) == 3 + 4);
}

TEST_CASE("scalars, time functions and range queries") {
  World w;
  auto value = w.engine.instant("1 + 2 * 3 ^ 2", 0);
  REQUIRE(value);
  CHECK(std::get<Scalar>(*value).value == 19);
  CHECK(std::get<Scalar>(*w.engine.instant("time()", 90 * kSecond)).value == 90);
  CHECK(w.only("hour(vector(7200))", 0) == 2);
  CHECK(w.only("days_in_month(vector(2678400))", 0) == 28);  // 1970-02-01
  w.load(series("g"), kMinute, {1, 2, 3});
  auto range = w.engine.range("g * 2", 0, 2 * kMinute, kMinute);
  REQUIRE_MESSAGE(range, why(range));
  REQUIRE(range->size() == 1);
  REQUIRE((*range)[0].points.size() == 3);
  CHECK((*range)[0].points[2].value == 6);
  CHECK((*range)[0].labels.empty());
}

TEST_CASE("parse errors come back with their position") {
  World w;
  auto value = w.engine.instant("sum(rate(x[5m])", 0);
  REQUIRE_FALSE(value);
  CHECK(value.error().message.find("1:") == 0);
}
