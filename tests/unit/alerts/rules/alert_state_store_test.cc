#include "alerts/rules/alert_state_store.h"

#include <doctest/doctest.h>

#include "tests/support/temp_dir.h"
#include "tests/support/why.h"

using vitals::rules::Alert;
using vitals::rules::AlertState;
using vitals::rules::AlertStateStore;

constexpr std::int64_t kMinute = 60'000;

TEST_CASE("alerts saved for a group come back from the file after reopening") {
  vitals::testing::TempDir dir;
  const std::string path = dir.file("alerts.db");
  Alert firing{.labels = {{"alertname", "Down"}, {"service", "cards"}},
               .annotations = {{"summary", "down"}},
               .value = 0,
               .state = AlertState::Firing,
               .active_at_ms = 1000,
               .fired_at_ms = 2000,
               .last_sent_at_ms = 2000,
               .valid_until_ms = 5000};
  {
    auto store = AlertStateStore::open(path);
    REQUIRE_MESSAGE(store, vitals::testing::why(store));
    REQUIRE((*store)->save("rules.yml;g", 3000, {{"Down", {firing}}}));
    REQUIRE((*store)->save("rules.yml;other", 3000, {}));
    REQUIRE((*store)->keep_only({"rules.yml;g"}));
  }
  auto store = AlertStateStore::open(path);
  REQUIRE(store);
  auto loaded = (*store)->load("rules.yml;g");
  REQUIRE(loaded);
  CHECK(loaded->evaluated_at_ms == 3000);
  REQUIRE(loaded->rules.size() == 1);
  REQUIRE(loaded->rules[0].second.size() == 1);
  const Alert& back = loaded->rules[0].second[0];
  CHECK(back.labels == firing.labels);
  CHECK(back.annotations == firing.annotations);
  CHECK(back.state == AlertState::Firing);
  CHECK(back.fired_at_ms == 2000);
  CHECK(back.last_sent_at_ms == 2000);
  CHECK_FALSE((*store)->load("rules.yml;other"));
}

TEST_CASE("the grace period delays only long-for alerts that would fire right after a restart") {
  auto pending = [](std::int64_t active_at) {
    return Alert{.state = AlertState::Pending, .active_at_ms = active_at};
  };
  const std::int64_t grace = 10 * kMinute;
  std::vector<Alert> alerts{pending(0), pending(-30 * kMinute), pending(-50 * kMinute)};
  // for: 30m; down at -1m, restarted at 0.
  vitals::rules::apply_grace_period(alerts, 30 * kMinute, -kMinute, 0, grace);
  CHECK(alerts[0].active_at_ms == 0);                     // fires in 30m: untouched
  CHECK(alerts[1].active_at_ms == grace - 30 * kMinute);  // would fire now: in 10m instead
  CHECK(alerts[2].active_at_ms == -50 * kMinute);         // was due before the stop: untouched
  std::vector<Alert> short_for{pending(-5 * kMinute)};
  vitals::rules::apply_grace_period(short_for, 5 * kMinute, -kMinute, 0, grace);
  CHECK(short_for[0].active_at_ms == -5 * kMinute);  // for under the grace: untouched
}
