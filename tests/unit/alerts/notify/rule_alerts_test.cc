#include "alerts/notify/rule_alerts.h"

#include <doctest/doctest.h>

using vitals::notify::update_from;
using vitals::rules::AlertState;
using vitals::rules::DueAlert;

TEST_CASE("a firing rule alert starts when it fired and ends at its valid_until") {
  DueAlert due{.alert = {.labels = {{"alertname", "Down"}, {"job", "api"}},
                         .annotations = {{"summary", "api is down"}},
                         .state = AlertState::Firing,
                         .active_at_ms = 1000,
                         .fired_at_ms = 61'000,
                         .valid_until_ms = 301'000},
               .expr = "up{job=\"api\"} == 0"};
  auto update = update_from(due, "http://127.0.0.1:9464");
  CHECK(update.labels == due.alert.labels);
  CHECK(update.annotations == due.alert.annotations);
  CHECK(update.starts_at_ms == 61'000);
  CHECK(update.ends_at_ms == 301'000);
  CHECK_FALSE(update.resolved);
  // Prometheus' strutil.TableLinkForExpression with Go's url.QueryEscape.
  CHECK(update.generator_url ==
        "http://127.0.0.1:9464/graph?g0.expr=up%7Bjob%3D%22api%22%7D+%3D%3D+0&g0.tab=1");
}

TEST_CASE("a resolved rule alert ends when it resolved") {
  DueAlert due{.alert = {.labels = {{"alertname", "Down"}},
                         .state = AlertState::Inactive,
                         .active_at_ms = 1000,
                         .fired_at_ms = 61'000,
                         .resolved_at_ms = 500'000,
                         .valid_until_ms = 301'000},
               .expr = "up == 0"};
  auto update = update_from(due, "");
  CHECK(update.resolved);
  CHECK(update.ends_at_ms == 500'000);
  CHECK(update.starts_at_ms == 61'000);
}

TEST_CASE("external labels join an alert's labels, sorted, without replacing its own") {
  DueAlert due{.alert = {.labels = {{"alertname", "Down"}, {"job", "api"}},
                         .state = AlertState::Firing,
                         .active_at_ms = 1000,
                         .fired_at_ms = 1000},
               .expr = "up == 0"};
  auto update = update_from(due, "", {{"cluster", "demo"}, {"job", "agent"}, {"zone", "a"}});
  const vitals::LabelPairs expected = {
      {"alertname", "Down"}, {"cluster", "demo"}, {"job", "api"}, {"zone", "a"}};
  CHECK(update.labels == expected);
}
