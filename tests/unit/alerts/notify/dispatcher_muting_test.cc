// What keeps alerts from being notified: inhibition, silences and acknowledgements.
#include <doctest/doctest.h>

#include "tests/unit/alerts/notify/dispatcher_world.h"

using namespace std::chrono_literals;
using vitals::ErrorCode;
using vitals::LabelPairs;
using vitals::notify::fingerprint;
using vitals::notify::Silence;
using vitals::notify::testing::World;
using Names = std::vector<std::string>;

namespace {

constexpr const char* kConfig = R"(
  route:
    receiver: oncall
    group_by: [service]
    group_wait: 30s
    group_interval: 5m
    repeat_interval: 1h
  inhibit_rules:
    - source_matchers: ['severity="page"']
      target_matchers: ['severity="ticket"']
      equal: [service]
  receivers:
    - {name: oncall, webhook_configs: [{url: http://127.0.0.1:9/hook}]}
)";

LabelPairs alert(const std::string& name, const std::string& service, const std::string& severity) {
  return {{"alertname", name}, {"service", service}, {"severity", severity}};
}

const vitals::notify::AlertStatus& status_of(World& w, const LabelPairs& labels) {
  static vitals::notify::AlertStatus none;
  for (const auto& a : w.dispatcher->status()->alerts) {
    if (a.alert.labels == labels) return a;
  }
  FAIL("no status for the alert");
  return none;
}

}  // namespace

TEST_CASE("a firing page inhibits tickets of the same service, and only while it fires") {
  vitals::testing::FakeClock clock;
  World w(clock, kConfig);
  const auto page = alert("Down", "cards", "page");
  const auto ticket = alert("Slow", "cards", "ticket");
  const auto other = alert("Slow", "feed", "ticket");
  const std::int64_t start = w.now();
  w.send({w.firing(page), w.firing(ticket), w.firing(other)});
  w.advance(30s);
  REQUIRE(w.sent.size() == 2);
  CHECK(World::names(w.sent[0]) == Names{"Down"});  // the cards group, without the ticket
  CHECK(World::names(w.sent[1]) == Names{"Slow"});  // the feed group
  w.sent.clear();
  CHECK(status_of(w, ticket).inhibited_by == std::vector<std::string>{fingerprint(page)});
  CHECK(status_of(w, ticket).state() == "suppressed");
  CHECK(status_of(w, other).state() == "active");

  w.send({w.resolved(page, start)});
  w.advance(5min);
  REQUIRE(w.sent.size() == 1);
  CHECK(World::names(w.sent[0]) == Names{"Slow", "Down(resolved)"});
  CHECK(status_of(w, ticket).inhibited_by.empty());
}

TEST_CASE("a silenced alert is not notified until its silence is expired") {
  vitals::testing::FakeClock clock;
  World w(clock, kConfig);
  auto silence = w.silences->create(Silence{.matchers = {R"(service="cards")"},
                                            .starts_at_ms = w.now(),
                                            .ends_at_ms = w.now() + 3'600'000,
                                            .created_by = "ana"});
  REQUIRE_MESSAGE(silence, vitals::testing::why(silence));
  const auto down = alert("Down", "cards", "page");
  w.send({w.firing(down)});
  w.advance(30s);
  CHECK(w.sent.empty());
  CHECK(status_of(w, down).silenced_by == std::vector<std::string>{silence->id});
  CHECK(status_of(w, down).state() == "suppressed");

  w.advance(2min);
  REQUIRE(w.silences->expire(silence->id));
  w.dispatcher->refresh();
  CHECK(status_of(w, down).silenced_by.empty());
  w.advance(3min);  // the next flush
  CHECK(w.take_names() == Names{"Down"});
}

TEST_CASE("a silence ending by itself lets the alert through at the next flush") {
  vitals::testing::FakeClock clock;
  World w(clock, kConfig);
  REQUIRE(w.silences->create(Silence{.matchers = {R"(alertname="Down")"},
                                     .starts_at_ms = w.now(),
                                     .ends_at_ms = w.now() + 60'000}));
  w.send({w.firing(alert("Down", "cards", "page"))});
  w.advance(5min);
  CHECK(w.sent.empty());
  w.advance(30s);
  CHECK(w.take_names() == Names{"Down"});
}

TEST_CASE("an acknowledged alert is not repeated until it fires again") {
  vitals::testing::FakeClock clock;
  World w(clock, kConfig);
  const auto down = alert("Down", "cards", "page");
  const std::int64_t start = w.now();
  w.send({w.firing(down)});
  w.advance(30s);
  CHECK(w.take_names() == Names{"Down"});
  auto acked = w.dispatcher->ack(fingerprint(down));
  REQUIRE_MESSAGE(acked, vitals::testing::why(acked));
  CHECK(status_of(w, down).acked);
  CHECK(status_of(w, down).state() == "active");  // acked alerts are still active
  w.advance(3h);
  CHECK(w.sent.empty());

  // It resolves (the resolution is still sent), then fires again: a new spell, paged and repeated.
  w.send({w.resolved(down, start)});
  w.advance(5min);
  CHECK(w.take_names() == Names{"Down(resolved)"});
  w.send({w.firing(down)});
  w.advance(30s);
  CHECK(w.take_names() == Names{"Down"});
  CHECK_FALSE(status_of(w, down).acked);
  w.advance(1h);
  CHECK(w.take_names() == Names{"Down"});
}

TEST_CASE("an ack ends when the alert fires with a new starts_at") {
  vitals::testing::FakeClock clock;
  World w(clock, kConfig);
  const auto down = alert("Down", "cards", "page");
  w.send({w.firing(down)});
  w.advance(30s);
  w.sent.clear();
  REQUIRE(w.dispatcher->ack(fingerprint(down)));
  // The alert stopped and started again between two updates: its new spell has a later start.
  w.advance(20min);
  w.send({w.resolved(down, w.now() - 20 * 60'000), w.firing(down)});
  CHECK_FALSE(status_of(w, down).acked);
}

TEST_CASE("an acked alert does not stop repeats of the others in its group") {
  vitals::testing::FakeClock clock;
  World w(clock, kConfig);
  const auto down = alert("Down", "cards", "page");
  const auto slow = alert("Slow", "cards", "page");
  w.send({w.firing(down), w.firing(slow)});
  w.advance(30s);
  w.sent.clear();
  REQUIRE(w.dispatcher->ack(fingerprint(down)));
  w.advance(1h);
  CHECK(w.take_names() == Names{"Down", "Slow"});  // the group repeats, as a group
  REQUIRE(w.dispatcher->ack(fingerprint(slow)));
  w.advance(2h);
  CHECK(w.sent.empty());
}

TEST_CASE("acknowledging an unknown or resolved alert is an error") {
  vitals::testing::FakeClock clock;
  World w(clock, kConfig);
  auto unknown = w.dispatcher->ack("0123456789abcdef");
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().code == ErrorCode::NotFound);

  const auto down = alert("Down", "cards", "page");
  const std::int64_t start = w.now();
  w.send({w.firing(down)});
  w.advance(30s);
  w.send({w.resolved(down, start)});
  auto resolved = w.dispatcher->ack(fingerprint(down));
  REQUIRE_FALSE(resolved.has_value());
  CHECK(resolved.error().code == ErrorCode::InvalidArgument);
}
