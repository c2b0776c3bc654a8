// What a checker is: a function that looks at one dependency or invariant of a service and says
// whether it is fine (no error) plus string metadata, like Go's
// `type Checker func() (error, map[string]string)`.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "vitals/common/clock.h"

namespace vitals {

struct CheckResult {
  std::optional<std::string> error{};  // none: the check passed
  std::map<std::string, std::string> metadata{};

  static CheckResult ok(std::map<std::string, std::string> metadata = {}) {
    return {std::nullopt, std::move(metadata)};
  }
  static CheckResult fail(std::string error, std::map<std::string, std::string> metadata = {}) {
    return {std::move(error), std::move(metadata)};
  }
};

// What a checker knows of the run it is in. A checker should bound its own I/O by deadline;
// one that overruns is reported as timed out anyway, but its thread stays stuck until it returns.
struct CheckContext {
  SteadyTime deadline;
  const Clock* clock = nullptr;

  // Time left before the deadline, never negative.
  Duration remaining() const {
    Duration left = deadline - clock->now();
    return left > Duration::zero() ? left : Duration::zero();
  }
  WallTime wall_now() const { return clock->wall_now(); }
};

using Checker = std::function<CheckResult(const CheckContext&)>;

struct CheckOptions {
  Duration interval = std::chrono::seconds(10);
  Duration timeout = std::chrono::seconds(5);
  // A failing non-critical check only degrades the service; a critical one makes it unhealthy.
  bool critical = true;
  Duration initial_delay = Duration::zero();
  // Failures in a row before a healthy check is reported failing, and successes in a row before
  // a failing one is reported healthy again. The first run decides from `unknown` at once.
  int failures_before_unhealthy = 1;
  int successes_before_healthy = 1;
  // "live" and "ready" put the check in /livez and /readyz.
  std::set<std::string> tags{};
  // Metadata keys whose values are dropped as soon as the checker returns: never served, never
  // logged, never stored.
  std::set<std::string> secret_metadata_keys{};
};

enum class CheckStatus { Unknown, Healthy, Degraded, Unhealthy };

// "unknown", "healthy", "degraded", "unhealthy".
std::string_view to_string(CheckStatus status);

}  // namespace vitals
