#include "alerts/notify/delivery/receivers/alertmanager_payload.h"

#include <doctest/doctest.h>

#include "alerts/notify/delivery/alertmanager_pusher.h"
#include "tests/unit/alerts/notify/delivery/sample_notifications.h"

using namespace vitals;
using namespace vitals::notify;
using vitals::notify::testing::sample_alert;

TEST_CASE("the API v2 body lists postable alerts with their times") {
  auto body = alertmanager_alerts({sample_alert("a:1"), sample_alert("b:1", false)});
  REQUIRE(body.is_array());
  REQUIRE(body.size() == 2);
  std::vector<std::string> keys;
  for (const auto& [key, value] : body[1].items()) keys.push_back(key);
  CHECK(keys ==
        std::vector<std::string>{"labels", "annotations", "startsAt", "endsAt", "generatorURL"});
  CHECK(body[0]["labels"]["alertname"] == "HighLatency");
  CHECK(body[0]["annotations"]["summary"] == "p99 above 1s");
  CHECK(body[0]["startsAt"] == "2025-12-31T23:59:00Z");
  // A firing alert with no known end leaves endsAt to Alertmanager's resolve_timeout.
  CHECK_FALSE(body[0].contains("endsAt"));
  CHECK(body[1]["endsAt"] == "2026-01-01T00:00:00Z");
}

TEST_CASE("the alerts endpoint is joined to the Alertmanager URL and its path prefix") {
  CHECK(alerts_endpoint("http://am:9093") == "http://am:9093/api/v2/alerts");
  CHECK(alerts_endpoint("http://am:9093/") == "http://am:9093/api/v2/alerts");
  CHECK(alerts_endpoint("http://host/am/") == "http://host/am/api/v2/alerts");
}
