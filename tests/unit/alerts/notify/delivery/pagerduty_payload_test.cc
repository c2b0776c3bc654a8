#include "alerts/notify/delivery/receivers/pagerduty_payload.h"

#include <doctest/doctest.h>

#include "tests/unit/alerts/notify/delivery/sample_notifications.h"

using namespace vitals;
using namespace vitals::notify;
using vitals::notify::testing::sample_alert;
using vitals::notify::testing::sample_notification;

TEST_CASE("a firing group triggers an event keyed by the SHA-256 of its group key") {
  auto event = pagerduty_event(sample_notification(), PayloadOptions{.external_url = "http://x"});
  CHECK_FALSE(event.contains("routing_key"));  // a secret: added at send time only
  CHECK(event["event_action"] == "trigger");
  // sha256("{}:{alertname=\"HighLatency\"}")
  CHECK(event["dedup_key"] == pagerduty_dedup_key("{}:{alertname=\"HighLatency\"}"));
  CHECK(event["dedup_key"].get<std::string>().size() == 64);
  CHECK(pagerduty_dedup_key("") ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(event["client_url"] == "http://x");
  const auto& payload = event["payload"];
  CHECK(payload["summary"] == "[FIRING:2] HighLatency (card-service page)");
  CHECK(payload["source"] == "vitals");
  CHECK(payload["severity"] == "error");  // "page" is not one of PagerDuty's severities
  CHECK(payload["custom_details"]["num_firing"] == "2");
  CHECK(payload["custom_details"]["num_resolved"] == "0");
  CHECK(payload["custom_details"]["firing"].get<std::string>().find(" - instance = a:1\n") !=
        std::string::npos);
}

TEST_CASE("a resolved group resolves the same PagerDuty incident") {
  auto firing = pagerduty_event(sample_notification("g"), PayloadOptions{});
  auto resolved =
      pagerduty_event(sample_notification("g", {sample_alert("a:1", false)}), PayloadOptions{});
  CHECK(resolved["event_action"] == "resolve");
  CHECK(resolved["dedup_key"] == firing["dedup_key"]);
}

TEST_CASE("a common PagerDuty severity label sets the event's severity") {
  auto alert = sample_alert("a:1");
  alert.labels[3].value = "warning";
  auto event = pagerduty_event(sample_notification("g", {alert}), PayloadOptions{});
  CHECK(event["payload"]["severity"] == "warning");
}

TEST_CASE("a long summary is cut to PagerDuty's 1024 limit on a character boundary") {
  auto notification = sample_notification();
  notification.group_labels = {{"alertname", std::string(2000, 'x') + "é"}};
  auto event = pagerduty_event(notification, PayloadOptions{});
  const std::string summary = event["payload"]["summary"];
  CHECK(summary.size() <= kPagerDutySummaryMax);
  CHECK(summary.ends_with("…"));
  CHECK(truncate_utf8("aé", 4) == "aé");
  CHECK(truncate_utf8("abcdéf", 6) == "abc…");
  CHECK(truncate_utf8("aébcd", 5) == "a…");  // é is not split
}

TEST_CASE("the routing key is put in front of the stored event at send time") {
  auto event = pagerduty_event(sample_notification(), PayloadOptions{});
  auto body = add_routing_key(event.dump(), "R0UT1NG");
  REQUIRE(body);
  auto parsed = nlohmann::ordered_json::parse(*body);
  CHECK(parsed.begin().key() == "routing_key");
  CHECK(parsed["routing_key"] == "R0UT1NG");
  CHECK(parsed["dedup_key"] == event["dedup_key"]);
  CHECK_FALSE(add_routing_key("not json", "k"));
}
