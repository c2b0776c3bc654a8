#include "tests/e2e/time_scaled_rules.h"

#include <doctest/doctest.h>

using vitals::testing::format_prometheus_duration;
using vitals::testing::time_scaled_rules;

TEST_CASE("durations print as whole seconds or milliseconds, as PromQL reads them") {
  CHECK(format_prometheus_duration(15'000) == "15s");
  CHECK(format_prometheus_duration(1'500) == "1500ms");
  CHECK(format_prometheus_duration(1) == "1ms");
}

TEST_CASE("ranges, subqueries, offsets and the rule keys' durations are divided") {
  const std::string rules = R"(groups:
  - name: feed
    interval: 1m
    rules:
      - record: feed:errors:ratio_rate5m
        expr: sum(rate(x[5m])) / sum(rate(y[1h30m] offset 1d))
      - alert: Burn
        expr: max_over_time(z[1h:1m]) > 14.4 * 0.01
        for: 2m
        keep_firing_for: "10m"
        labels:
          severity: page
        annotations:
          summary: "ratio {{ $value | humanizePercentage }} [check it]"
)";
  const std::string expected = R"(groups:
  - name: feed
    interval: 2s
    rules:
      - record: feed:errors:ratio_rate5m
        expr: sum(rate(x[10s])) / sum(rate(y[180s] offset 2880s))
      - alert: Burn
        expr: max_over_time(z[120s:2s]) > 14.4 * 0.01
        for: 4s
        keep_firing_for: "20s"
        labels:
          severity: page
        annotations:
          summary: "ratio {{ $value | humanizePercentage }} [check it]"
)";
  CHECK(time_scaled_rules(rules, 30) == expected);
}

TEST_CASE("a duration below the factor becomes a millisecond, never zero") {
  CHECK(time_scaled_rules("expr: rate(x[10ms])", 30) == "expr: rate(x[1ms])");
  CHECK(time_scaled_rules("expr: rate(x[1s])", 30) == "expr: rate(x[33ms])");
}
