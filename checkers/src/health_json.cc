#include "health_json.h"

#include <nlohmann/json.hpp>

#include "vitals/common/duration.h"
#include "vitals/common/time_format.h"

namespace vitals::detail {
namespace {

using Json = nlohmann::ordered_json;

Json optional_time(const std::optional<WallTime>& t) {
  return t ? Json(format_rfc3339(*t)) : Json(nullptr);
}

Json check_json(const CheckState& check, bool show_details) {
  Json out = Json::object();
  out["status"] = to_string(check.status);
  if (show_details) {
    out["error"] = check.error ? Json(*check.error) : Json(nullptr);
    out["metadata"] = Json(check.metadata);
  }
  out["duration_seconds"] = to_seconds(check.duration);
  out["last_run"] = optional_time(check.last_run);
  out["last_success"] = optional_time(check.last_success);
  out["consecutive_failures"] = check.consecutive_failures;
  out["critical"] = check.critical;
  out["tags"] = Json(check.tags);
  return out;
}

const char* tag_of(ProbeKind kind) {
  return kind == ProbeKind::Live ? "live" : "ready";
}

bool probe_passes(const CheckState& check, ProbeKind kind) {
  if (check.status == CheckStatus::Unhealthy) return false;
  return kind == ProbeKind::Live || check.status != CheckStatus::Unknown;
}

std::string probe_line(const CheckState& check, ProbeKind kind, bool show_details) {
  if (probe_passes(check, kind)) return "[+]" + check.name + " ok\n";
  std::string reason = "reason withheld";
  if (check.status == CheckStatus::Unknown) {
    reason = "not yet run";
  } else if (show_details && check.error) {
    reason = *check.error;
  }
  return "[-]" + check.name + " failed: " + reason + "\n";
}

}  // namespace

std::string render_health_json(const HealthSnapshot& snapshot, bool show_details) {
  Json body = Json::object();
  body["status"] = to_string(snapshot.status());
  body["service"] = snapshot.service;
  Json checks = Json::object();
  for (const CheckState& check : snapshot.checks)
    checks[check.name] = check_json(check, show_details);
  body["checks"] = std::move(checks);
  // Replace invalid UTF-8 from checkers instead of throwing mid-request.
  return body.dump(-1, ' ', false, Json::error_handler_t::replace);
}

int health_http_status(const HealthSnapshot& snapshot) {
  return snapshot.status() == CheckStatus::Unhealthy ? 503 : 200;
}

ProbeResponse render_probe(const HealthSnapshot& snapshot, ProbeKind kind, bool verbose,
                           bool show_details) {
  const bool passed = kind == ProbeKind::Live ? snapshot.live() : snapshot.ready();
  ProbeResponse response{passed ? 200 : 503, ""};
  const std::string name = kind == ProbeKind::Live ? "livez" : "readyz";
  if (!verbose) {
    response.body = passed ? "ok" : name + " check failed";
    return response;
  }
  for (const CheckState& check : snapshot.checks) {
    if (check.tags.contains(tag_of(kind))) response.body += probe_line(check, kind, show_details);
  }
  if (kind == ProbeKind::Ready && snapshot.draining)
    response.body += "[-]draining failed: draining\n";
  response.body += name + (passed ? " check passed\n" : " check failed\n");
  return response;
}

}  // namespace vitals::detail
