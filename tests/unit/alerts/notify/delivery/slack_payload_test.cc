#include "alerts/notify/delivery/receivers/slack_payload.h"

#include <doctest/doctest.h>

#include "tests/unit/alerts/notify/delivery/sample_notifications.h"

using namespace vitals;
using namespace vitals::notify;
using vitals::notify::testing::sample_alert;
using vitals::notify::testing::sample_notification;

TEST_CASE("a Slack message names the channel and summarises each alert") {
  auto message = slack_message(sample_notification(), SlackConfig{.channel = "#oncall"},
                               PayloadOptions{.external_url = "http://agent:9464"});
  CHECK(message["channel"] == "#oncall");
  CHECK(message["username"] == "vitals");
  CHECK(message["text"] == "[FIRING:2] HighLatency (card-service page)");
  REQUIRE(message["attachments"].size() == 1);
  const auto& attachment = message["attachments"][0];
  CHECK(attachment["color"] == "danger");
  CHECK(attachment["title"] == "[FIRING:2] HighLatency (card-service page)");
  CHECK(attachment["title_link"] == "http://agent:9464");
  CHECK(attachment["text"] ==
        "*[FIRING]* HighLatency: p99 above 1s\n`instance=a:1, service=card-service, "
        "severity=page`\n*[FIRING]* HighLatency: p99 above 1s\n`instance=b:1, "
        "service=card-service, severity=page`");
}

TEST_CASE("a Slack message without a channel uses the webhook's own and resolved is green") {
  auto message = slack_message(sample_notification("g", {sample_alert("a:1", false)}),
                               SlackConfig{}, PayloadOptions{});
  CHECK_FALSE(message.contains("channel"));
  CHECK(message["attachments"][0]["color"] == "good");
  CHECK_FALSE(message["attachments"][0].contains("title_link"));
  CHECK(message["text"] == "[RESOLVED] HighLatency (a:1 card-service page)");
}

TEST_CASE("Slack markup characters in alert text are escaped") {
  auto alert = sample_alert("a:1");
  alert.annotations[1].value = "<b> & co";
  auto message = slack_message(sample_notification("g", {alert}), SlackConfig{}, PayloadOptions{});
  CHECK(message["attachments"][0]["text"].get<std::string>().find("&lt;b&gt; &amp; co") !=
        std::string::npos);
}
