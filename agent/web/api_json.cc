#include "agent/web/api_json.h"

#include "vitals/common/duration.h"
#include "vitals/common/time_format.h"

namespace vitals::detail {
namespace {

using nlohmann::json;

// A target that has not run yet has no `since`; null, like the other times not yet reached.
json since_json(WallTime since) {
  return since == WallTime{} ? json(nullptr) : json(format_rfc3339(since));
}

json time_or_null(const std::optional<WallTime>& t) {
  return t ? json(format_rfc3339(*t)) : json(nullptr);
}

// Keys a view does not have (no error, no reason, details withheld) are left out, not null:
// null would read as "no error".
void put_if(json& out, const char* key, std::string_view text) {
  if (!text.empty()) out[key] = text;
}

void put_if(json& out, const char* key, const std::map<std::string, std::string>& map) {
  if (!map.empty()) out[key] = map;
}

json check_json(const CheckView& check) {
  json out = {{"check", check.name},
              {"status", check.status},
              {"duration_seconds", check.duration_seconds},
              {"critical", check.critical},
              {"since", format_rfc3339(check.since)}};
  if (check.error) out["error"] = *check.error;
  put_if(out, "metadata", check.metadata);
  return out;
}

json service_json(const ServiceView& service) {
  auto health = service.health_value();
  json out = {{"name", service.name},
              {"labels", service.labels},
              {"health_url", service.health_url},
              {"status", service.status},
              {"health", health ? json(*health) : json(nullptr)},
              {"since", since_json(service.since)},
              {"last_scrape", time_or_null(service.last_scrape)},
              {"scrape_duration_seconds", service.scrape_duration_seconds},
              {"suppressed", service.suppressed},
              {"checks", json::array()}};
  put_if(out, "reason", to_string(service.reason));
  put_if(out, "error", service.error);
  for (const CheckView& check : service.checks) out["checks"].push_back(check_json(check));
  return out;
}

json phases_json(const PhaseTimings& phases) {
  return {{"resolve", to_seconds(phases.resolve)},
          {"connect", to_seconds(phases.connect)},
          {"tls", to_seconds(phases.tls)},
          {"processing", to_seconds(phases.processing)},
          {"transfer", to_seconds(phases.transfer)}};
}

json result_json(const ProbeResult& result) {
  json out = {{"success", result.success},
              {"duration_seconds", to_seconds(result.duration)},
              {"phases", phases_json(result.phases)}};
  put_if(out, "reason", to_string(result.reason));
  put_if(out, "error", result.error);
  if (result.http_status) out["http_status"] = *result.http_status;
  if (result.cert_expiry) out["cert_expiry"] = format_rfc3339(*result.cert_expiry);
  return out;
}

std::string_view probe_status(const ProbeView& probe) {
  if (!probe.last) return "unknown";
  return probe.last->success ? "up" : "down";
}

json probe_json(const ProbeView& probe) {
  return {{"name", probe.name},
          {"kind", probe.kind},
          {"target", probe.target},
          {"labels", probe.labels},
          {"status", probe_status(probe)},
          {"since", since_json(probe.since)},
          {"last_run", time_or_null(probe.last_run)},
          {"suppressed", probe.suppressed},
          {"last", probe.last ? result_json(*probe.last) : json(nullptr)}};
}

json change_json(const StateChange& change) {
  json out = {{"target", change.target},
              {"kind", change.kind},
              {"at", format_rfc3339(change.at)},
              {"status", change.status}};
  put_if(out, "check", change.check);
  put_if(out, "error", change.error);
  put_if(out, "reason", change.reason);
  put_if(out, "metadata", change.metadata);
  return out;
}

json rollup_json(const Rollup& rollup) {
  // The store writes a rollup only for a minute with samples; the guard keeps JSON finite anyway.
  double count = rollup.count > 0 ? static_cast<double>(rollup.count) : 1.0;
  return {{"minute", format_rfc3339(rollup.minute)},
          {"count", rollup.count},
          {"successes", rollup.successes},
          {"success_ratio", static_cast<double>(rollup.successes) / count},
          {"latency_avg_seconds", rollup.latency_sum_seconds / count},
          {"latency_max_seconds", rollup.latency_max_seconds}};
}

}  // namespace

json services_json(const AgentSnapshot& snapshot) {
  json list = json::array();
  for (const auto& service : snapshot.services) list.push_back(service_json(*service));
  return {{"services", std::move(list)}};
}

json probes_json(const AgentSnapshot& snapshot) {
  json list = json::array();
  for (const auto& probe : snapshot.probes) list.push_back(probe_json(*probe));
  return {{"probes", std::move(list)}, {"vantage_degraded", snapshot.vantage_degraded}};
}

json checks_json(const AgentSnapshot& snapshot) {
  json list = json::array();
  for (const auto& service : snapshot.services) {
    for (const CheckView& check : service->checks) {
      json item = check_json(check);
      item["service"] = service->name;
      list.push_back(std::move(item));
    }
  }
  return {{"checks", std::move(list)}};
}

json history_json(const std::vector<StateChange>& changes, const std::vector<Rollup>& rollups) {
  json out = {{"changes", json::array()}, {"rollups", json::array()}};
  for (const StateChange& change : changes) out["changes"].push_back(change_json(change));
  for (const Rollup& rollup : rollups) out["rollups"].push_back(rollup_json(rollup));
  return out;
}

std::string success_body(const json& data) {
  return json{{"status", "success"}, {"data", data}}.dump();
}

std::string error_body(std::string_view type, std::string_view message) {
  // Replace, not throw, on invalid UTF-8: error texts can quote a client's bytes.
  return json{{"status", "error"}, {"errorType", type}, {"error", message}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
}

}  // namespace vitals::detail
