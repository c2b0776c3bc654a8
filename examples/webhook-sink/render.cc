#include "render.h"

#include <string>

namespace vitals::sink {
namespace {

using nlohmann::json;

std::string text_of(const json& object, const char* key) {
  auto found = object.find(key);
  if (found == object.end() || !found->is_string()) return "";
  return found->get<std::string>();
}

// `name="value"` pairs in the order the payload gives them (sorted by Alertmanager).
std::string labels_line(const json& labels, std::string_view skip) {
  std::string line;
  for (const auto& [name, value] : labels.items()) {
    if (name == skip || !value.is_string()) continue;
    line += (line.empty() ? "" : " ") + name + "=" + value.get<std::string>();
  }
  return line;
}

std::string render_alert(const json& alert) {
  const json labels = alert.value("labels", json::object());
  const json annotations = alert.value("annotations", json::object());
  const bool firing = text_of(alert, "status") == "firing";
  std::string out = std::string(firing ? "  ● FIRING   " : "  ○ RESOLVED ") +
                    text_of(labels, "alertname") + "  " + labels_line(labels, "alertname") + "\n";
  for (const char* key : {"summary", "description", "runbook_url"}) {
    std::string value = text_of(annotations, key);
    if (!value.empty()) out += "      " + std::string(key) + ": " + value + "\n";
  }
  out += "      since: " + text_of(alert, "startsAt");
  if (!firing) out += "  until: " + text_of(alert, "endsAt");
  return out + "\n";
}

std::string render_alertmanager(const json& payload) {
  const json& alerts = payload["alerts"];
  std::string out = "  [" + text_of(payload, "status") + "] group " + text_of(payload, "groupKey") +
                    " to " + text_of(payload, "receiver") + ", " + std::to_string(alerts.size()) +
                    " alert" + (alerts.size() == 1 ? "" : "s") + "\n";
  for (const json& alert : alerts) out += render_alert(alert);
  return out;
}

std::string render_pagerduty(const json& payload) {
  const json details = payload.value("payload", json::object());
  return "  PagerDuty " + text_of(payload, "event_action") + " (dedup " +
         text_of(payload, "dedup_key") + "): " + text_of(details, "summary") + "\n";
}

std::string render_slack(const json& payload) {
  std::string out = "  Slack " + text_of(payload, "channel") + "\n";
  for (const json& attachment : payload.value("attachments", json::array())) {
    out += "      " + text_of(attachment, "title") + "\n";
    std::string text = text_of(attachment, "text");
    if (!text.empty()) out += "      " + text + "\n";
  }
  return out;
}

}  // namespace

std::string render_notification(std::string_view path, std::string_view received_at,
                                const json& json, std::string_view body) {
  std::string out = std::string(received_at) + "  POST " + std::string(path) + "\n";
  if (json.is_object() && json.contains("alerts") && json["alerts"].is_array()) {
    return out + render_alertmanager(json);
  }
  if (json.is_object() && json.contains("event_action")) return out + render_pagerduty(json);
  if (json.is_object() && json.contains("attachments")) return out + render_slack(json);
  return out + "  " + std::string(body) + "\n";
}

}  // namespace vitals::sink
