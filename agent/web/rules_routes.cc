// The rule engine's state in Prometheus' HTTP API shapes (and the Alert Generator Compliance
// Specification's):
// GET /api/v1/rules[?type=alert|record]
//   data: {"groups":[{"name","file","interval","limit","lastEvaluation","evaluationTime",
//                     "rules":[rule…]}]}
//   alerting rule:  {"type":"alerting","name","query","duration","keepFiringFor","labels",
//                    "annotations","alerts":[alert…],"health","lastError"?,"state",
//                    "lastEvaluation","evaluationTime"}
//   recording rule: {"type":"recording","name","query","labels","health","lastError"?,
//                    "lastEvaluation","evaluationTime"}
// GET /api/v1/alerts   data: {"alerts":[alert…]}, every pending and firing alert
//   alert: {"labels","annotations","state":"pending|firing","activeAt","value","fingerprint",
//           "notification"?: {"state":"active|suppressed","silencedBy","inhibitedBy",
//                             "suppressedBy"? (a dependency is down),"acked","receivers"}}
//   ("notification" once the notifier has the alert: firing, with an alerting.route)
// Durations are seconds; times RFC 3339 ("0001-01-01T00:00:00Z" before the first evaluation);
// an alert's value is Go's %e spelling, as Prometheus writes it ("1e+00").
#include <httplib.h>

#include "agent/notify/notifier.h"
#include "agent/web/api_json.h"
#include "agent/web/routes.h"
#include "alerts/gotext/strconv.h"
#include "alerts/notify/fingerprint.h"
#include "vitals/common/time_format.h"

namespace vitals::detail {
namespace {

using httplib::Request;
using httplib::Response;

std::string api_time(std::int64_t ms) {
  if (ms == 0) return "0001-01-01T00:00:00Z";
  return format_rfc3339(WallTime(std::chrono::milliseconds(ms)));
}

double seconds(std::int64_t ms) {
  return static_cast<double>(ms) / 1000;
}

// strconv.FormatFloat(v, 'e', -1, 64), as Prometheus writes an alert's value.
std::string go_exponent(double value) {
  return gotext::format_float(value, 'e', -1);
}

nlohmann::json map_json(const std::map<std::string, std::string>& values) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, value] : values) out[name] = value;
  return out;
}

nlohmann::json pairs_json(const LabelPairs& pairs) {
  nlohmann::json out = nlohmann::json::object();
  for (const LabelPair& pair : pairs) out[pair.name] = pair.value;
  return out;
}

nlohmann::json alert_json(const rules::Alert& alert) {
  return {{"labels", pairs_json(alert.labels)},
          {"annotations", pairs_json(alert.annotations)},
          {"state", std::string(rules::to_string(alert.state))},
          {"activeAt", api_time(alert.active_at_ms)},
          {"value", go_exponent(alert.value)}};
}

nlohmann::json rule_json(const rules::RuleStatus& rule) {
  nlohmann::json out = {{"type", rule.type},
                        {"name", rule.name},
                        {"query", rule.query},
                        {"labels", map_json(rule.labels)},
                        {"health", rule.health},
                        {"lastEvaluation", api_time(rule.last_evaluation_ms)},
                        {"evaluationTime", rule.evaluation_seconds}};
  if (!rule.last_error.empty()) out["lastError"] = rule.last_error;
  if (rule.type == "alerting") {
    out["duration"] = seconds(rule.for_ms);
    out["keepFiringFor"] = seconds(rule.keep_firing_for_ms);
    out["annotations"] = map_json(rule.annotations);
    out["state"] = std::string(rules::to_string(rule.state));
    nlohmann::json alerts = nlohmann::json::array();
    for (const rules::Alert& alert : rule.alerts) alerts.push_back(alert_json(alert));
    out["alerts"] = std::move(alerts);
  }
  return out;
}

void serve_rules(const WebHandlers& handlers, const Request& request, Response& response) {
  const std::string type = request.get_param_value("type");
  if (!type.empty() && type != "alert" && type != "record") {
    return write_error(request, response, 400, "bad_data", "invalid query parameter type");
  }
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& group : handlers.rules ? handlers.rules() : RuleStatuses{}) {
    nlohmann::json rules = nlohmann::json::array();
    for (const rules::RuleStatus& rule : group->rules) {
      if ((type == "alert" && rule.type != "alerting") ||
          (type == "record" && rule.type != "recording")) {
        continue;
      }
      rules.push_back(rule_json(rule));
    }
    groups.push_back({{"name", group->name},
                      {"file", group->file},
                      {"interval", seconds(group->interval_ms)},
                      {"limit", 0},
                      {"lastEvaluation", api_time(group->last_evaluation_ms)},
                      {"evaluationTime", group->evaluation_seconds},
                      {"rules", std::move(rules)}});
  }
  response.set_content(success_body({{"groups", std::move(groups)}}), "application/json");
}

// What the notifier makes of a firing alert: whether it is muted and why, acked, to whom.
nlohmann::json notification_json(const notify::AlertStatus& status) {
  nlohmann::json out = {{"state", std::string(status.state())},
                        {"silencedBy", status.silenced_by},
                        {"inhibitedBy", status.inhibited_by},
                        {"acked", status.acked},
                        {"receivers", status.receivers}};
  if (status.dependency) out["suppressedBy"] = *status.dependency;
  return out;
}

void serve_alerts(const WebHandlers& handlers, Response& response) {
  std::map<std::string, const notify::AlertStatus*> notified;
  std::shared_ptr<const notify::DispatchStatus> dispatch;
  if (handlers.notifier != nullptr) {
    dispatch = handlers.notifier->status();
    for (const notify::AlertStatus& status : dispatch->alerts) {
      notified[status.alert.fingerprint] = &status;
    }
  }
  nlohmann::json alerts = nlohmann::json::array();
  for (const auto& group : handlers.rules ? handlers.rules() : RuleStatuses{}) {
    for (const rules::RuleStatus& rule : group->rules) {
      for (const rules::Alert& alert : rule.alerts) {
        nlohmann::json json = alert_json(alert);
        const std::string fingerprint = handlers.notifier != nullptr
                                            ? handlers.notifier->fingerprint_of(alert.labels)
                                            : notify::fingerprint(alert.labels);
        json["fingerprint"] = fingerprint;
        if (auto found = notified.find(fingerprint); found != notified.end()) {
          json["notification"] = notification_json(*found->second);
        }
        alerts.push_back(std::move(json));
      }
    }
  }
  response.set_content(success_body({{"alerts", std::move(alerts)}}), "application/json");
}

}  // namespace

void mount_rules_routes(httplib::Server& server, const WebHandlers& handlers) {
  server.Get("/api/v1/rules", guarded([&handlers](const Request& request, Response& response) {
               serve_rules(handlers, request, response);
             }));
  server.Get("/api/v1/alerts", guarded([&handlers](const Request&, Response& response) {
               serve_alerts(handlers, response);
             }));
}

}  // namespace vitals::detail
