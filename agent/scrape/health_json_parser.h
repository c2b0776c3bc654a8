// Reads a service's /health body, in the checkers library's JSON format, into plain values. A
// foreign or malformed body is an error with a reason a person can act on, never a crash.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vitals/common/error.h"

namespace vitals {

struct ScrapedCheck {
  std::string name{};
  std::string status{};                // healthy, degraded, unhealthy or unknown
  std::optional<std::string> error{};  // absent when the service withholds details
  std::map<std::string, std::string> metadata{};
  double duration_seconds = 0;
  int consecutive_failures = 0;
  bool critical = true;
  std::vector<std::string> tags{};
};

struct ServiceHealthReport {
  std::string status{};  // healthy, degraded or unhealthy
  std::string service{};
  std::vector<ScrapedCheck> checks{};  // ordered by name
};

// InvalidArgument naming the offending field, e.g. `health JSON: checks.db.status: expected
// one of healthy, degraded, unhealthy, unknown, got "ok"`.
Result<ServiceHealthReport> parse_health_json(std::string_view body);

}  // namespace vitals
