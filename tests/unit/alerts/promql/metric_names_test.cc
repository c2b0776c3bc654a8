#include "alerts/promql/metric_names.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "alerts/promql/parser.h"
#include "tests/support/why.h"

using vitals::promql::MetricNames;

namespace {

// Whether `query` reads any of `names` (sorted).
bool reads(std::string_view query, std::vector<std::string> names) {
  auto expr = vitals::promql::parse(query);
  REQUIRE_MESSAGE(expr, vitals::testing::why(expr));
  return MetricNames::read_by(**expr).any_of(names);
}

}  // namespace

TEST_CASE("a query reads the metrics its selectors name, wherever they sit in it") {
  CHECK(reads("up == 0", {"up"}));
  CHECK_FALSE(reads("up == 0", {"scrape_duration_seconds", "upx"}));
  CHECK(reads("sum by (job) (rate(http_requests_total[5m])) > 1", {"a", "http_requests_total"}));
  CHECK(reads("a / on (x) group_left b", {"b"}));
  CHECK(reads("max_over_time(deriv(x[1m])[5m:30s])", {"x"}));
  CHECK(reads("topk(scalar(k), v)", {"k"}));
  CHECK(reads("-(abs(v))", {"v"}));
  CHECK(reads(R"({__name__="up", job="api"})", {"up"}));
  CHECK_FALSE(reads("1 + 2", {"up"}));
  CHECK_FALSE(reads("up", {}));
}

TEST_CASE("a selector naming no single metric reads every name its matchers allow") {
  CHECK(reads(R"({job="api"})", {"anything"}));
  CHECK(reads(R"({__name__=~"probe_.*"})", {"a", "probe_success"}));
  CHECK_FALSE(reads(R"({__name__=~"probe_.*"})", {"a", "up"}));
  CHECK(reads(R"({__name__!="up", job="x"})", {"up", "z"}));
  CHECK_FALSE(reads(R"({__name__!="up", job="x"})", {"up"}));
}

TEST_CASE("merged queries read what either reads") {
  auto a = vitals::promql::parse("a > 1");
  auto b = vitals::promql::parse("c > 1");
  REQUIRE(a);
  REQUIRE(b);
  MetricNames names = MetricNames::read_by(**a);
  names.merge(MetricNames::read_by(**b));
  const std::vector<std::string> only_b{"b", "c"};
  const std::vector<std::string> neither{"b", "d"};
  CHECK(names.any_of(only_b));
  CHECK_FALSE(names.any_of(neither));
}
