// What the agent currently knows of each service and probe: immutable values that the web
// server, /metrics and (later) the rule evaluator read as one consistent snapshot while the
// network thread goes on observing.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/config/config.h"
#include "agent/probe/probe_result.h"
#include "vitals/common/clock.h"

namespace vitals {

// One check of a service, as its /health last reported it.
struct CheckView {
  std::string name{};
  std::string status{};                // healthy, degraded, unhealthy, unknown
  std::optional<std::string> error{};  // absent when the service withholds details
  std::map<std::string, std::string> metadata{};
  double duration_seconds = 0;
  bool critical = true;
  WallTime since{};  // when it last changed status
};

struct ServiceView {
  std::string name{};
  LabelMap labels{};
  std::string health_url{};  // empty when the service has none
  // healthy, degraded, unhealthy (as the service says), unreachable (no valid answer) or
  // unknown (not scraped yet).
  std::string status = "unknown";
  FailureReason reason = FailureReason::None;  // why unreachable
  std::string error{};                         // why unreachable, for people
  std::vector<CheckView> checks{};             // ordered by name
  std::optional<WallTime> last_scrape{};
  double scrape_duration_seconds = 0;
  WallTime since{};                      // when status last changed
  std::optional<WallTime> back_since{};  // when it last came back from unhealthy or unreachable
  bool suppressed = false;               // a dependency is down (depends_on)

  // 1 healthy, 0.5 degraded, 0 unhealthy or unreachable; none while unknown.
  std::optional<double> health_value() const;
  // Unhealthy or unreachable: what depends_on and the agent's own success count as down.
  bool down() const { return status == "unhealthy" || status == "unreachable"; }
};

struct ProbeView {
  std::string name{};
  std::string kind{};    // http, tcp, tls, dns
  std::string target{};  // the URL, address or name probed
  LabelMap labels{};
  std::optional<ProbeResult> last{};  // none until the first run finished
  std::optional<WallTime> last_run{};
  WallTime since{};                      // when success last flipped
  std::optional<WallTime> back_since{};  // when it last succeeded again after failing
  bool suppressed = false;               // a dependency is down, or the vantage point is suspect

  bool down() const { return last && !last->success; }  // its last run failed
};

struct AgentSnapshot {
  std::vector<std::shared_ptr<const ServiceView>> services{};  // config order
  std::vector<std::shared_ptr<const ProbeView>> probes{};      // config order
  bool vantage_degraded = false;
  WallTime taken{};

  const ServiceView* service(std::string_view name) const;
  const ProbeView* probe(std::string_view name) const;
};

}  // namespace vitals
