// Dependency suppression: while a dependency is down its dependents' alerts are not notified,
// but their resolutions are.
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
    group_interval: 1m
    repeat_interval: 4h
  receivers:
    - {name: oncall, webhook_configs: [{url: http://127.0.0.1:9/hook}]}
)";

const LabelPairs kFeedDown{{"alertname", "ServiceDown"}, {"service", "feed-service"}};
const LabelPairs kCardsDown{
    {"alertname", "ServiceDown"}, {"depends_on", "feed-service"}, {"service", "card-service"}};
const LabelPairs kCardsDeclines{
    {"alertname", "DeclineSpike"}, {"depends_on", "feed-service"}, {"service", "card-service"}};

}  // namespace

TEST_CASE("a dependency going down pages once for itself and its return resolves all that fired") {
  vitals::testing::FakeClock clock;
  World w(clock, kConfig);
  const std::int64_t start = w.now();
  w.down.insert("feed-service");
  w.send({w.firing(kFeedDown), w.firing(kCardsDown), w.firing(kCardsDeclines)});
  w.advance(30s);
  REQUIRE(w.sent.size() == 1);
  CHECK(w.sent[0].alerts.size() == 1);
  CHECK(w.sent[0].alerts[0].labels == kFeedDown);
  w.sent.clear();
  for (const auto& a : w.dispatcher->status()->alerts) {
    if (a.alert.labels == kFeedDown) {
      CHECK(a.state() == "active");
    } else {
      CHECK(a.state() == "suppressed");
      CHECK(a.dependency == "depends on feed-service, which is down");
    }
  }
  w.advance(10min);
  CHECK(w.sent.empty());

  // The feed comes back: every alert resolves, the dependents' too though they never paged.
  w.down.clear();
  w.send({w.resolved(kFeedDown, start), w.resolved(kCardsDown, start),
          w.resolved(kCardsDeclines, start)});
  w.advance(1min);
  REQUIRE(w.sent.size() == 2);
  CHECK(World::names(w.sent[0]) == Names{"ServiceDown(resolved)", "ServiceDown(resolved)"});
  CHECK(World::names(w.sent[1]) == Names{"DeclineSpike(resolved)"});
  w.sent.clear();
  w.advance(4h);
  CHECK(w.sent.empty());
}

TEST_CASE("a suppressed alert's resolution is sent even while its dependency is still down") {
  vitals::testing::FakeClock clock;
  World w(clock, kConfig);
  const std::int64_t start = w.now();
  w.down.insert("feed-service");
  w.send({w.firing(kCardsDeclines)});
  w.advance(5min);
  CHECK(w.sent.empty());
  w.send({w.resolved(kCardsDeclines, start)});
  w.advance(1min);
  CHECK(w.take_names() == Names{"DeclineSpike(resolved)"});
}

TEST_CASE("a dependent still firing when its dependency returns is notified as firing") {
  vitals::testing::FakeClock clock;
  World w(clock, kConfig);
  w.down.insert("feed-service");
  w.send({w.firing(kCardsDeclines)});
  w.advance(5min);
  CHECK(w.sent.empty());
  w.down.clear();
  w.advance(1min);
  CHECK(w.take_names() == Names{"DeclineSpike"});
}
