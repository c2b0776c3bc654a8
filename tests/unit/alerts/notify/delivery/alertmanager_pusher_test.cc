#include "alerts/notify/delivery/alertmanager_pusher.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/support/fake_clock.h"
#include "tests/support/recording_server.h"
#include "tests/unit/alerts/notify/delivery/sample_notifications.h"

using namespace std::chrono_literals;
using namespace vitals;
using namespace vitals::notify;
using vitals::notify::testing::sample_alert;
using vitals::testing::closed_port;
using vitals::testing::FakeClock;
using vitals::testing::RecordingServer;

TEST_CASE("active alerts are pushed to every Alertmanager at start and each resend interval") {
  RecordingServer up;
  const std::string down = "http://127.0.0.1:" + std::to_string(closed_port());
  FakeClock clock;
  NetLoop loop(clock);
  int provided = 0;
  AlertmanagerPusher pusher(
      loop, {{.url = up.url("/")}, {.url = down}},
      [&] {
        ++provided;
        return std::vector<NotifiedAlert>{sample_alert("a:1"), sample_alert("b:1", false)};
      },
      PusherOptions{.resend_interval = 1min});
  pusher.start();
  REQUIRE(loop.run_until(
      [&] { return pusher.stats()[down].failed == 1 && pusher.stats()[up.url("/")].sent == 1; },
      5s));
  auto request = up.requests()[0];
  CHECK(request.path == "/api/v2/alerts");
  CHECK(request.content_type == "application/json");
  auto body = nlohmann::json::parse(request.body);
  REQUIRE(body.size() == 2);
  CHECK(body[1]["endsAt"] == "2026-01-01T00:00:00Z");

  clock.advance(1min);
  REQUIRE(loop.run_until(
      [&] { return pusher.stats()[up.url("/")].sent == 2 && pusher.stats()[down].failed == 2; },
      5s));
  CHECK(provided == 2);
  auto stats = pusher.stats();
  CHECK(up.count() == 2);
  CHECK(stats[down].failed == 2);
  CHECK_FALSE(stats[down].last_error.empty());
}

TEST_CASE("nothing is pushed while there are no alerts") {
  RecordingServer up;
  FakeClock clock;
  NetLoop loop(clock);
  AlertmanagerPusher pusher(loop, {{.url = up.url("/")}},
                            [] { return std::vector<NotifiedAlert>{}; });
  pusher.start();
  loop.run_until([] { return false; }, 100ms);
  CHECK(up.count() == 0);
}
