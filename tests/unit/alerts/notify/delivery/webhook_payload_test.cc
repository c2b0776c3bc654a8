#include "alerts/notify/delivery/receivers/webhook_payload.h"

#include <doctest/doctest.h>

#include "tests/unit/alerts/notify/delivery/sample_notifications.h"

using namespace vitals;
using namespace vitals::notify;
using vitals::notify::testing::sample_alert;
using vitals::notify::testing::sample_notification;

TEST_CASE("the webhook payload has Alertmanager's version 4 fields in Go's order") {
  auto body = webhook_payload(sample_notification(), WebhookConfig{},
                              PayloadOptions{.external_url = "http://agent:9464"});
  std::vector<std::string> keys;
  for (const auto& [key, value] : body.items()) keys.push_back(key);
  CHECK(keys == std::vector<std::string>{"receiver", "status", "alerts", "groupLabels",
                                         "commonLabels", "commonAnnotations", "externalURL",
                                         "version", "groupKey", "truncatedAlerts"});
  CHECK(body["version"] == "4");
  CHECK(body["groupKey"] == "{}:{alertname=\"HighLatency\"}");
  CHECK(body["receiver"] == "oncall");
  CHECK(body["status"] == "firing");
  CHECK(body["externalURL"] == "http://agent:9464");
  CHECK(body["truncatedAlerts"] == 0);
  CHECK(body["groupLabels"] == nlohmann::json{{"alertname", "HighLatency"}});
  // instance differs between the two alerts, so it is not common.
  CHECK(body["commonLabels"] == nlohmann::json{{"alertname", "HighLatency"},
                                               {"service", "card-service"},
                                               {"severity", "page"}});
  CHECK(body["commonAnnotations"] ==
        nlohmann::json{{"runbook", "https://runbooks/latency"}, {"summary", "p99 above 1s"}});
}

TEST_CASE("each webhook alert carries status, labels, annotations, times, URL and fingerprint") {
  auto body = webhook_payload(sample_notification(), WebhookConfig{}, PayloadOptions{});
  REQUIRE(body["alerts"].size() == 2);
  const auto& alert = body["alerts"][0];
  std::vector<std::string> keys;
  for (const auto& [key, value] : alert.items()) keys.push_back(key);
  CHECK(keys == std::vector<std::string>{"status", "labels", "annotations", "startsAt", "endsAt",
                                         "generatorURL", "fingerprint"});
  CHECK(alert["status"] == "firing");
  CHECK(alert["labels"]["instance"] == "a:1");
  CHECK(alert["startsAt"] == "2025-12-31T23:59:00Z");
  CHECK(alert["endsAt"] == "0001-01-01T00:00:00Z");  // unknown end, as Alertmanager writes it
  CHECK(alert["generatorURL"] == "http://agent:9464/graph?g0.expr=latency");
  CHECK(alert["fingerprint"] == "0123456789abcdef");
}

TEST_CASE("a group whose alerts all resolved is sent as resolved with their end times") {
  auto body = webhook_payload(
      sample_notification("g", {sample_alert("a:1", false), sample_alert("b:1", false)}),
      WebhookConfig{}, PayloadOptions{});
  CHECK(body["status"] == "resolved");
  CHECK(body["alerts"][0]["status"] == "resolved");
  CHECK(body["alerts"][0]["endsAt"] == "2026-01-01T00:00:00Z");
}

TEST_CASE("one firing alert makes the whole group firing") {
  auto body =
      webhook_payload(sample_notification("g", {sample_alert("a:1"), sample_alert("b:1", false)}),
                      WebhookConfig{}, PayloadOptions{});
  CHECK(body["status"] == "firing");
  CHECK(body["alerts"][1]["status"] == "resolved");
}

TEST_CASE("max_alerts keeps the first alerts and counts the rest in truncatedAlerts") {
  auto notification = sample_notification(
      "g", {sample_alert("a:1"), sample_alert("b:1"), sample_alert("c:1", false)});
  auto body = webhook_payload(notification, WebhookConfig{.max_alerts = 1}, PayloadOptions{});
  REQUIRE(body["alerts"].size() == 1);
  CHECK(body["alerts"][0]["labels"]["instance"] == "a:1");
  CHECK(body["truncatedAlerts"] == 2);
  // Common labels describe the alerts sent, as in Alertmanager.
  CHECK(body["commonLabels"]["instance"] == "a:1");

  auto all = webhook_payload(notification, WebhookConfig{.max_alerts = 5}, PayloadOptions{});
  CHECK(all["alerts"].size() == 3);
  CHECK(all["truncatedAlerts"] == 0);
}

TEST_CASE("the receiver name is regexp-quoted as Alertmanager does") {
  auto notification = sample_notification();
  notification.receiver = "team.a (prod)";
  auto body = webhook_payload(notification, WebhookConfig{}, PayloadOptions{});
  CHECK(body["receiver"] == "team\\.a \\(prod\\)");
}

TEST_CASE("times are Go's RFC 3339 with only the significant fraction digits") {
  CHECK(go_time(0) == "0001-01-01T00:00:00Z");
  CHECK(go_time(1767225600000) == "2026-01-01T00:00:00Z");
  CHECK(go_time(1767225600120) == "2026-01-01T00:00:00.12Z");
  CHECK(go_time(1767225600007) == "2026-01-01T00:00:00.007Z");
}

TEST_CASE("the subject line names the status, the count and the group and common labels") {
  auto notification = sample_notification();
  CHECK(subject_line(notification, notification.alerts) ==
        "[FIRING:2] HighLatency (card-service page)");
  auto resolved = sample_notification("g", {sample_alert("a:1", false)});
  CHECK(subject_line(resolved, resolved.alerts) ==
        "[RESOLVED] HighLatency (a:1 card-service page)");
}
