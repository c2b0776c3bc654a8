#include "alerts/notify/delivery/outbox_messages.h"

#include <doctest/doctest.h>

#include "tests/unit/alerts/notify/delivery/sample_notifications.h"

using namespace vitals;
using namespace vitals::notify;
using vitals::notify::testing::sample_alert;
using vitals::notify::testing::sample_notification;

namespace {

ReceiverConfig full_receiver() {
  return ReceiverConfig{
      .name = "oncall",
      .webhook_configs = {{.url = "http://hook/1"}, {.url = "http://hook/2", .max_alerts = 1}},
      .pagerduty_configs = {{.url = "http://pd", .routing_key = "SECRET-KEY"}},
      .slack_configs = {
          {.url = "http://slack/SECRET-PATH", .channel = "#c", .send_resolved = true}}};
}

}  // namespace

TEST_CASE("each integration of the receiver gets its own message") {
  auto messages = outbox_messages(sample_notification(), full_receiver(), PayloadOptions{});
  REQUIRE(messages.size() == 4);
  CHECK(messages[0].integration == "webhook[0]");
  CHECK(messages[1].integration == "webhook[1]");
  CHECK(messages[2].integration == "pagerduty[0]");
  CHECK(messages[3].integration == "slack[0]");
  CHECK(messages[0].url == "http://hook/1");
  CHECK(messages[2].url == "http://pd");
  CHECK(messages[3].url.empty());  // Slack's URL is the secret
  CHECK(nlohmann::json::parse(messages[1].body)["truncatedAlerts"] == 1);
  for (const OutboxMessage& m : messages) {
    CHECK(m.receiver == "oncall");
    CHECK(m.group_key == sample_notification().group_key);
    CHECK(m.created_ms == vitals::notify::testing::kStartMs);
    CHECK(m.alerts_firing == 2);
    CHECK(m.dedup_key.size() == 32);
    CHECK(m.body.find("SECRET") == std::string::npos);
  }
}

TEST_CASE("dedup keys are stable for the same notification and differ between messages") {
  auto first = outbox_messages(sample_notification(), full_receiver(), PayloadOptions{});
  auto again = outbox_messages(sample_notification(), full_receiver(), PayloadOptions{});
  for (std::size_t i = 0; i < first.size(); ++i) CHECK(first[i].dedup_key == again[i].dedup_key);
  CHECK(first[0].dedup_key != first[1].dedup_key);
  auto later = sample_notification();
  later.created_ms += 1000;  // the same group sent again later is a new notification
  CHECK(outbox_messages(later, full_receiver(), PayloadOptions{})[0].dedup_key !=
        first[0].dedup_key);
}

TEST_CASE("integrations without send_resolved get only the firing alerts, or nothing") {
  ReceiverConfig receiver{.name = "r",
                          .webhook_configs = {{.url = "http://hook", .send_resolved = false}},
                          .slack_configs = {{.url = "http://slack"}}};  // Slack: false by default
  auto mixed = sample_notification("g", {sample_alert("a:1"), sample_alert("b:1", false)});
  auto messages = outbox_messages(mixed, receiver, PayloadOptions{});
  REQUIRE(messages.size() == 2);
  CHECK(nlohmann::json::parse(messages[0].body)["alerts"].size() == 1);
  CHECK(messages[0].alerts_resolved == 0);

  auto resolved = sample_notification("g", {sample_alert("a:1", false)});
  CHECK(outbox_messages(resolved, receiver, PayloadOptions{}).empty());
}

TEST_CASE("secret files are remembered by path, never by content") {
  ReceiverConfig receiver{.name = "r",
                          .pagerduty_configs = {{.routing_key_file = "/etc/vitals/pd"}},
                          .slack_configs = {{.url_file = "/etc/vitals/slack"}}};
  auto messages = outbox_messages(sample_notification(), receiver, PayloadOptions{});
  REQUIRE(messages.size() == 2);
  CHECK(messages[0].secret_file == "/etc/vitals/pd");
  CHECK(messages[1].secret_file == "/etc/vitals/slack");
  CHECK(messages[1].url.empty());
}
