// What survives a restart: the notification log (no second page for alerts already notified)
// and acknowledgements.
#include <doctest/doctest.h>

#include "tests/support/temp_dir.h"
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

const LabelPairs kDown{{"alertname", "Down"}, {"service", "cards"}};
const LabelPairs kSlow{{"alertname", "Down"}, {"service", "feed"}};

}  // namespace

TEST_CASE("after a restart the same alerts are not paged again before repeat_interval") {
  vitals::testing::TempDir dir;
  vitals::testing::FakeClock clock;
  const std::string log = dir.file("notify.db");
  const std::int64_t start = clock.wall_now().time_since_epoch() / 1ms;
  {
    World before(clock, kConfig, log);
    before.send({before.firing(kDown, start)});
    before.advance(30s);
    CHECK(before.take_names() == Names{"Down"});
  }
  clock.advance(10min);
  World after(clock, kConfig, log);
  after.send({after.firing(kDown, start)});  // the rule engine sends it again at once
  after.advance(30min);
  CHECK(after.sent.empty());
  after.advance(20min);  // 1h after the notification before the restart
  CHECK(after.take_names() == Names{"Down"});
}

TEST_CASE("after a restart a new alert in a notified group is paged with the old one") {
  vitals::testing::TempDir dir;
  vitals::testing::FakeClock clock;
  const std::string log = dir.file("notify.db");
  const std::int64_t start = clock.wall_now().time_since_epoch() / 1ms;
  {
    World before(clock, kConfig, log);
    before.send({before.firing(kDown, start)});
    before.advance(30s);
    before.sent.clear();
  }
  clock.advance(2min);
  World after(clock, kConfig, log);
  after.send({after.firing(kDown, start), after.firing(kSlow)});
  after.advance(30s);
  CHECK(after.take_names() == Names{"Down", "Down"});
}

TEST_CASE("without the log file a restart pages again: the test above can fail") {
  vitals::testing::FakeClock clock;
  const std::int64_t start = clock.wall_now().time_since_epoch() / 1ms;
  {
    World before(clock, kConfig);
    before.send({before.firing(kDown, start)});
    before.advance(30s);
  }
  World after(clock, kConfig);
  after.send({after.firing(kDown, start)});
  CHECK(after.take_names() == Names{"Down"});
}

TEST_CASE("an acknowledgement survives a restart") {
  vitals::testing::TempDir dir;
  vitals::testing::FakeClock clock;
  const std::string log = dir.file("notify.db");
  const std::int64_t start = clock.wall_now().time_since_epoch() / 1ms;
  {
    World before(clock, kConfig, log);
    before.send({before.firing(kDown, start)});
    before.advance(30s);
    REQUIRE(before.dispatcher->ack(vitals::notify::fingerprint(kDown)));
  }
  World after(clock, kConfig, log);
  after.send({after.firing(kDown, start)});
  after.advance(3h);
  CHECK(after.sent.empty());
  CHECK(after.dispatcher->status()->alerts.at(0).acked);
}
