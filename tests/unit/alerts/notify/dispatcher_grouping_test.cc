// Grouping and its timers: group_wait, group_interval, repeat_interval; resolved notifications.
#include <doctest/doctest.h>

#include "tests/unit/alerts/notify/dispatcher_world.h"

using namespace std::chrono_literals;
using vitals::LabelPairs;
using vitals::notify::testing::World;
using Names = std::vector<std::string>;

namespace {

constexpr const char* kConfig = R"(
  route:
    receiver: oncall
    group_by: [alertname]
    group_wait: 30s
    group_interval: 5m
    repeat_interval: 1h
  receivers:
    - {name: oncall, webhook_configs: [{url: http://127.0.0.1:9/hook}]}
)";

LabelPairs alert(const std::string& name, const std::string& service) {
  return {{"alertname", name}, {"service", service}};
}

}  // namespace

TEST_CASE("a new group waits group_wait before its first notification") {
  vitals::testing::FakeClock clock;
  World w(clock, kConfig);
  w.send({w.firing(alert("Down", "cards"))});
  w.advance(29s);
  CHECK(w.sent.empty());
  w.advance(1s);
  REQUIRE(w.sent.size() == 1);
  const auto& n = w.sent[0];
  CHECK(n.receiver == "oncall");
  CHECK(n.group_key == R"({}:{alertname="Down"})");
  CHECK(n.group_labels == LabelPairs{{"alertname", "Down"}});
  CHECK(n.created_ms == w.now());
  REQUIRE(n.alerts.size() == 1);
  CHECK(n.alerts[0].firing);
  CHECK(n.alerts[0].ends_at_ms == 0);
  CHECK(n.alerts[0].fingerprint == vitals::notify::fingerprint(alert("Down", "cards")));
  CHECK(n.alerts[0].annotations == LabelPairs{{"summary", "something broke"}});
  CHECK(n.alerts[0].generator_url == "http://agent/graph");
}

TEST_CASE("alerts joining within group_wait go together and later ones wait for group_interval") {
  vitals::testing::FakeClock clock;
  World w(clock, kConfig);
  w.send({w.firing(alert("Down", "cards"))});
  w.advance(10s);
  w.send({w.firing(alert("Down", "feed"))});
  w.advance(20s);
  CHECK(w.take_names() == Names{"Down", "Down"});
  w.advance(10s);
  w.send({w.firing(alert("Down", "search"))});
  w.advance(5min - 11s);
  CHECK(w.sent.empty());
  w.advance(1s);  // 5m after the first flush
  CHECK(w.take_names() == Names{"Down", "Down", "Down"});
}

TEST_CASE("group_by puts alerts with other values in other groups, each with its own wait") {
  vitals::testing::FakeClock clock;
  World w(clock, kConfig);
  w.send({w.firing(alert("Down", "cards"))});
  w.advance(20s);
  w.send({w.firing(alert("Slow", "cards"))});
  w.advance(10s);
  CHECK(w.take_names() == Names{"Down"});
  w.advance(20s);
  CHECK(w.take_names() == Names{"Slow"});
  CHECK(w.dispatcher->status()->groups.size() == 2);
}

TEST_CASE("group_by ... makes a group of each label set") {
  vitals::testing::FakeClock clock;
  World w(clock, R"(
  route: {receiver: oncall, group_by: ['...'], group_wait: 30s}
  receivers: [{name: oncall, webhook_configs: [{url: http://127.0.0.1:9/hook}]}]
)");
  w.send({w.firing(alert("Down", "cards")), w.firing(alert("Down", "feed"))});
  w.advance(30s);
  REQUIRE(w.sent.size() == 2);
  CHECK(w.sent[0].group_key == R"({}:{alertname="Down", service="cards"})");
  CHECK(w.sent[1].group_key == R"({}:{alertname="Down", service="feed"})");
}

TEST_CASE("an unchanged group is sent again after repeat_interval, not before") {
  vitals::testing::FakeClock clock;
  World w(clock, kConfig);
  w.send({w.firing(alert("Down", "cards"))});
  w.advance(30s);
  CHECK(w.take_names() == Names{"Down"});
  w.advance(55min);  // flushes at 5m, 10m … 55m after the first change nothing
  CHECK(w.sent.empty());
  w.advance(5min);  // the flush 60m after the notification repeats it
  CHECK(w.take_names() == Names{"Down"});
  w.advance(59min);
  CHECK(w.sent.empty());
  w.advance(1min);
  CHECK(w.take_names() == Names{"Down"});
}

TEST_CASE("an alert older than group_wait flushes its new group at once") {
  vitals::testing::FakeClock clock;
  World w(clock, kConfig);
  w.send({w.firing(alert("Down", "cards"), w.now() - 60'000)});
  CHECK(w.take_names() == Names{"Down"});
}

TEST_CASE("a resolved alert is sent once with the firing ones, then leaves the group") {
  vitals::testing::FakeClock clock;
  World w(clock, kConfig);
  const std::int64_t start = w.now();
  w.send({w.firing(alert("Down", "feed")), w.firing(alert("Down", "cards"))});
  w.advance(30s);
  CHECK(w.take_names() == Names{"Down", "Down"});
  w.advance(1min);
  w.send({w.resolved(alert("Down", "cards"), start)});
  w.advance(4min);  // the next flush
  REQUIRE(w.sent.size() == 1);
  const auto& n = w.sent[0];
  REQUIRE(n.alerts.size() == 2);
  CHECK(n.alerts[0].firing);  // firing first
  CHECK(n.alerts[0].labels == alert("Down", "feed"));
  CHECK_FALSE(n.alerts[1].firing);
  CHECK(n.alerts[1].labels == alert("Down", "cards"));
  CHECK(n.alerts[1].ends_at_ms == start + 90'000);
  w.sent.clear();
  const auto groups = w.dispatcher->status()->groups;
  REQUIRE(groups.size() == 1);
  CHECK(groups[0].fingerprints ==
        std::vector<std::string>{vitals::notify::fingerprint(alert("Down", "feed"))});
  w.advance(1h);  // the repeat no longer mentions it
  CHECK(w.take_names() == Names{"Down"});
}

TEST_CASE("when every alert of a group resolves the group says so and goes away") {
  vitals::testing::FakeClock clock;
  World w(clock, kConfig);
  const std::int64_t start = w.now();
  w.send({w.firing(alert("Down", "cards"))});
  w.advance(30s);
  w.sent.clear();
  w.send({w.resolved(alert("Down", "cards"), start)});
  w.advance(5min);
  CHECK(w.take_names() == Names{"Down(resolved)"});
  CHECK(w.dispatcher->status()->groups.empty());
  CHECK(w.dispatcher->status()->alerts.empty());
  w.advance(2h);
  CHECK(w.sent.empty());
}

TEST_CASE("an alert resolved before anyone heard it fire is never sent") {
  vitals::testing::FakeClock clock;
  World w(clock, kConfig);
  const std::int64_t start = w.now();
  w.send({w.firing(alert("Down", "cards"))});
  w.advance(10s);
  w.send({w.resolved(alert("Down", "cards"), start)});
  w.advance(30s);
  CHECK(w.sent.empty());

  // Nor is one that joined a notified group and resolved between two flushes.
  w.send({w.firing(alert("Slow", "a"))});
  w.advance(30s);
  CHECK(w.take_names() == Names{"Slow"});
  w.send({w.firing(alert("Slow", "b"))});
  w.advance(1min);
  w.send({w.resolved(alert("Slow", "b"), w.now() - 60'000)});
  w.advance(4min);
  CHECK(w.sent.empty());
}

TEST_CASE("a firing alert that is not refreshed resolves at its ends_at") {
  vitals::testing::FakeClock clock;
  World w(clock, kConfig);
  auto update = w.firing(alert("Down", "cards"));
  update.ends_at_ms = w.now() + 4 * 60'000;
  w.send({update});
  w.advance(30s);
  CHECK(w.take_names() == Names{"Down"});
  w.advance(5min);  // ends_at passed at 4m
  REQUIRE(w.sent.size() == 1);
  CHECK(w.sent[0].alerts.at(0).ends_at_ms == update.ends_at_ms);
  CHECK(w.take_names() == Names{"Down(resolved)"});
}

TEST_CASE("a receiver that wants no resolutions hears of them only when all have resolved") {
  vitals::testing::FakeClock clock;
  World w(clock, R"(
  route: {receiver: chat, group_by: [alertname], group_wait: 30s, group_interval: 5m}
  receivers: [{name: chat, slack_configs: [{url: http://127.0.0.1:9/slack}]}]
)");
  const std::int64_t start = w.now();
  w.send({w.firing(alert("Down", "a")), w.firing(alert("Down", "b"))});
  w.advance(30s);
  CHECK(w.take_names() == Names{"Down", "Down"});
  w.send({w.resolved(alert("Down", "a"), start)});
  w.advance(5min);
  CHECK(w.sent.empty());
  w.send({w.resolved(alert("Down", "b"), start)});
  w.advance(5min);
  CHECK(w.take_names() == Names{"Down(resolved)"});
}

TEST_CASE("an alert matching routes with continue goes to each of their receivers") {
  vitals::testing::FakeClock clock;
  World w(clock, R"(
  route:
    receiver: oncall
    group_by: [alertname]
    group_wait: 30s
    routes:
      - {matchers: ['severity="page"'], receiver: pager, continue: true}
      - {matchers: ['service="cards"'], receiver: cards}
  receivers:
    - {name: oncall, webhook_configs: [{url: http://127.0.0.1:9/hook}]}
    - {name: pager, webhook_configs: [{url: http://127.0.0.1:9/pd}]}
    - {name: cards, webhook_configs: [{url: http://127.0.0.1:9/cards}]}
)");
  w.send({w.firing({{"alertname", "Down"}, {"service", "cards"}, {"severity", "page"}})});
  w.advance(30s);
  REQUIRE(w.sent.size() == 2);
  CHECK(w.sent[0].receiver == "pager");
  CHECK(w.sent[0].group_key == R"({}/{severity="page"}:{alertname="Down"})");
  CHECK(w.sent[1].receiver == "cards");
  CHECK(w.sent[1].group_key == R"({}/{service="cards"}:{alertname="Down"})");
  CHECK(w.dispatcher->status()->alerts.at(0).receivers == Names{"pager", "cards"});
}

TEST_CASE("updates of a firing alert keep its first start and take the latest annotations") {
  vitals::testing::FakeClock clock;
  World w(clock, kConfig);
  const std::int64_t start = w.now();
  w.send({w.firing(alert("Down", "cards"))});
  w.advance(10s);
  auto later = w.firing(alert("Down", "cards"));
  later.annotations = {{"summary", "still broken"}};
  w.send({later});
  w.advance(20s);
  REQUIRE(w.sent.size() == 1);
  REQUIRE(w.sent[0].alerts.size() == 1);
  CHECK(w.sent[0].alerts[0].starts_at_ms == start);
  CHECK(w.sent[0].alerts[0].annotations == LabelPairs{{"summary", "still broken"}});
}

TEST_CASE("a new configuration regroups the known alerts without paging them again") {
  vitals::testing::FakeClock clock;
  World w(clock, kConfig);
  w.send({w.firing(alert("Down", "cards")), w.firing(alert("Down", "feed"))});
  w.advance(30s);
  CHECK(w.take_names() == Names{"Down", "Down"});
  // The same tree, but grouped by service: new groups, whose alerts have not been sent.
  auto regrouped = vitals::notify::testing::dispatcher_config(R"(
  route: {receiver: oncall, group_by: [service], group_wait: 30s, group_interval: 5m}
  receivers: [{name: oncall, webhook_configs: [{url: http://127.0.0.1:9/hook}]}]
)");
  REQUIRE(w.dispatcher->apply(regrouped));
  w.loop.run_until_idle();
  REQUIRE(w.sent.size() == 2);
  CHECK(w.sent[0].group_key == R"({}:{service="cards"})");
  w.sent.clear();
  // Applying the same configuration again changes nothing the receiver hears.
  REQUIRE(w.dispatcher->apply(regrouped));
  w.advance(10min);
  CHECK(w.sent.empty());
  CHECK(w.dispatcher->status()->groups.size() == 2);
}

TEST_CASE("a notification the sink refuses is tried again at the next flush") {
  vitals::testing::FakeClock clock;
  World w(clock, kConfig);
  const std::int64_t start = w.now();
  w.send({w.firing(alert("Down", "cards")), w.firing(alert("Down", "feed"))});
  w.advance(30s);
  w.sent.clear();
  w.send({w.resolved(alert("Down", "cards"), start)});
  w.refuse = true;
  w.advance(5min);
  CHECK(w.sent.empty());
  w.refuse = false;
  w.advance(5min);  // the resolution was kept for this flush
  CHECK(w.take_names() == Names{"Down", "Down(resolved)"});
}
