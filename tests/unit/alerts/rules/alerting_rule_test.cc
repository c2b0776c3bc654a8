#include "alerts/rules/alerting_rule.h"

#include <doctest/doctest.h>

#include "tests/support/why.h"

using vitals::LabelPairs;
using vitals::promql::Sample;
using vitals::promql::Vector;
using vitals::rules::Alert;
using vitals::rules::AlertingRule;
using vitals::rules::AlertState;
using vitals::testing::why;

namespace {

constexpr std::int64_t kMinute = 60'000;

Vector down(std::string service, double value = 0) {
  return Vector{Sample{.labels = {{"__name__", "vitals_service_health"}, {"service", service}},
                       .value = value}};
}

AlertingRule rule(std::int64_t for_ms, std::int64_t keep_firing_for_ms = 0) {
  return AlertingRule(
      {.name = "ServiceDown",
       .expr = "vitals_service_health == 0",
       .for_ms = for_ms,
       .keep_firing_for_ms = keep_firing_for_ms,
       .labels = {{"severity", "page"}},
       .annotations = {{"summary", "{{ $labels.service }} is down: {{ $value }}"}}});
}

// Evaluates once and returns the only active alert.
Alert eval_one(AlertingRule& r, const Vector& result, std::int64_t t) {
  auto series = r.eval(result, t, {});
  REQUIRE_MESSAGE(series, why(series));
  auto active = r.active();
  REQUIRE(active.size() == 1);
  return active[0];
}

}  // namespace

TEST_CASE("an alert's labels are the sample's without __name__, the rule's, and alertname") {
  AlertingRule r = rule(0);
  Alert alert = eval_one(r, down("cards"), 0);
  CHECK(alert.labels ==
        LabelPairs{{"alertname", "ServiceDown"}, {"service", "cards"}, {"severity", "page"}});
  CHECK(alert.annotations == LabelPairs{{"summary", "cards is down: 0"}});
}

TEST_CASE("a 10-minute for: pending until ten minutes have passed, then firing") {
  AlertingRule r = rule(10 * kMinute);
  for (std::int64_t t = 0; t < 10 * kMinute; t += kMinute) {
    CAPTURE(t);
    Alert alert = eval_one(r, down("cards"), t);
    CHECK(alert.state == AlertState::Pending);
    CHECK(alert.active_at_ms == 0);
  }
  Alert fired = eval_one(r, down("cards"), 10 * kMinute);
  CHECK(fired.state == AlertState::Firing);
  CHECK(fired.fired_at_ms == 10 * kMinute);
  CHECK(r.state() == AlertState::Firing);
}

TEST_CASE("a pending alert that goes away is forgotten; a firing one resolves and is kept 15m") {
  AlertingRule r = rule(kMinute);
  eval_one(r, down("cards"), 0);
  REQUIRE(r.eval({}, kMinute / 2, {}));
  CHECK(r.all().empty());

  eval_one(r, down("cards"), kMinute);
  CHECK(eval_one(r, down("cards"), 2 * kMinute).state == AlertState::Firing);
  REQUIRE(r.eval({}, 3 * kMinute, {}));
  REQUIRE(r.all().size() == 1);
  CHECK(r.all()[0].state == AlertState::Inactive);
  CHECK(r.all()[0].resolved_at_ms == 3 * kMinute);
  CHECK(r.active().empty());
  REQUIRE(r.eval({}, 18 * kMinute, {}));
  CHECK(r.all().size() == 1);  // exactly 15 minutes: still kept
  REQUIRE(r.eval({}, 18 * kMinute + 1, {}));
  CHECK(r.all().empty());
}

TEST_CASE("keep_firing_for keeps a firing alert firing after its condition clears") {
  AlertingRule r = rule(0, 2 * kMinute);
  CHECK(eval_one(r, down("cards"), 0).state == AlertState::Firing);
  CHECK(eval_one(r, {}, kMinute).state == AlertState::Firing);
  CHECK(eval_one(r, {}, 2 * kMinute - 1).state == AlertState::Firing);
  REQUIRE(r.eval({}, 2 * kMinute + kMinute, {}));
  CHECK(r.active().empty());
}

TEST_CASE("the value and annotations follow the latest sample; a new alert after a resolve") {
  AlertingRule r = rule(0);
  eval_one(r, down("cards", 0), 0);
  Alert updated = eval_one(r, down("cards", 0.25), kMinute);
  CHECK(updated.value == 0.25);
  CHECK(updated.annotations[0].value == "cards is down: 0.25");
  CHECK(updated.active_at_ms == 0);
  REQUIRE(r.eval({}, 2 * kMinute, {}));
  Alert again = eval_one(r, down("cards"), 3 * kMinute);
  CHECK(again.active_at_ms == 3 * kMinute);
  CHECK(again.resolved_at_ms == 0);
}

TEST_CASE("ALERTS and ALERTS_FOR_STATE series for each active alert") {
  AlertingRule r = rule(kMinute);
  auto series = r.eval(down("cards"), 120'000, {});
  REQUIRE(series);
  REQUIRE(series->size() == 2);
  CHECK((*series)[0].labels == LabelPairs{{"__name__", "ALERTS"},
                                          {"alertname", "ServiceDown"},
                                          {"alertstate", "pending"},
                                          {"service", "cards"},
                                          {"severity", "page"}});
  CHECK((*series)[1].labels[0].value == "ALERTS_FOR_STATE");
  CHECK((*series)[1].value == 120);
}

TEST_CASE("two samples that become one alert are an error and change nothing") {
  AlertingRule r = rule(0);
  Vector twins{Sample{.labels = {{"__name__", "a"}, {"service", "x"}}},
               Sample{.labels = {{"__name__", "b"}, {"service", "x"}}}};
  auto series = r.eval(twins, 0, {});
  REQUIRE_FALSE(series);
  CHECK(series.error().message ==
        "vector contains metrics with the same labelset after applying alert labels");
  CHECK(r.all().empty());
}

TEST_CASE("sending: firing at once, again after the resend delay, resolved until 15 minutes") {
  AlertingRule r = rule(0);
  const std::int64_t t0 = 10 * kMinute;  // times are Unix milliseconds: 0 means "never"
  eval_one(r, down("cards"), t0);
  auto first = r.take_due(t0, kMinute, 15'000);
  REQUIRE(first.size() == 1);
  CHECK(first[0].valid_until_ms == t0 + 4 * kMinute);
  CHECK(r.take_due(t0 + kMinute, kMinute, 15'000).empty());  // not more than the delay yet
  eval_one(r, down("cards"), t0 + kMinute + 15'000);
  CHECK(r.take_due(t0 + kMinute + 15'000, kMinute, 15'000).size() == 1);
  REQUIRE(r.eval({}, t0 + 2 * kMinute, {}));
  auto resolved = r.take_due(t0 + 2 * kMinute, kMinute, 15'000);
  REQUIRE(resolved.size() == 1);
  CHECK(resolved[0].state == AlertState::Inactive);
  CHECK(resolved[0].resolved_at_ms == t0 + 2 * kMinute);
}
