#include "alerts/notify/delivery/receivers/slack_payload.h"

namespace vitals::notify {
namespace {

// Slack's mrkdwn treats these three characters as markup; their escapes are the only ones it
// asks for.
std::string escape_mrkdwn(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string alert_line(const NotifiedAlert& alert) {
  std::string line = alert.firing ? "*[FIRING]* " : "*[RESOLVED]* ";
  line += escape_mrkdwn(value_of(alert.labels, "alertname"));
  std::string_view summary = value_of(alert.annotations, "summary");
  if (summary.empty()) summary = value_of(alert.annotations, "description");
  if (!summary.empty()) line += ": " + escape_mrkdwn(summary);
  std::string labels;
  for (const LabelPair& pair : alert.labels) {
    if (pair.name == "alertname") continue;
    labels += (labels.empty() ? "" : ", ") + pair.name + "=" + pair.value;
  }
  if (!labels.empty()) line += "\n`" + escape_mrkdwn(labels) + "`";
  return line;
}

}  // namespace

nlohmann::ordered_json slack_message(const Notification& notification, const SlackConfig& config,
                                     const PayloadOptions& options) {
  const std::string subject = subject_line(notification, notification.alerts);
  std::string text;
  for (const NotifiedAlert& alert : notification.alerts) {
    text += (text.empty() ? "" : "\n") + alert_line(alert);
  }
  nlohmann::ordered_json attachment = {
      {"color", group_status(notification.alerts) == "firing" ? "danger" : "good"},
      {"title", subject},
      {"fallback", options.external_url.empty() ? subject : subject + " | " + options.external_url},
      {"text", std::move(text)},
      {"mrkdwn_in", {"fallback", "pretext", "text"}}};
  if (!options.external_url.empty()) attachment["title_link"] = options.external_url;
  nlohmann::ordered_json message = nlohmann::ordered_json::object();
  if (!config.channel.empty()) message["channel"] = config.channel;
  message["username"] = options.username;
  // The top-level text is what phones show in the notification itself.
  message["text"] = escape_mrkdwn(subject);
  message["attachments"] = nlohmann::ordered_json::array({std::move(attachment)});
  return message;
}

}  // namespace vitals::notify
