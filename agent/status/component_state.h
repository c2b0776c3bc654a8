// A status page component's state, derived from its services' health, its probes' latest
// results and the firing alerts matching its alert_matchers, by the rule docs/status-page.md
// states. Pure functions over a snapshot; thread-safe once compiled.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "agent/config/config.h"
#include "agent/state/views.h"
#include "agent/store/label_set.h"
#include "alerts/notify/matcher.h"
#include "vitals/common/error.h"

namespace vitals::status {

// Ordered from best to worst, so the worst of several is their maximum. NoData is below
// Operational: it never outweighs a state that was observed.
enum class ComponentState : std::uint8_t {
  NoData,
  Operational,
  DegradedPerformance,
  PartialOutage,
  MajorOutage,
};

std::string_view state_code(ComponentState state);   // "partial_outage"
std::string_view state_words(ComponentState state);  // "Partial outage"
// The inverse of state_code; NoData for an unknown code.
ComponentState state_from_code(std::string_view code);

// A firing alert as /api/v1/alerts shows it.
struct FiringAlert {
  LabelPairs labels{};  // sorted; alertname included
  LabelPairs annotations{};
  std::int64_t active_at_ms = 0;
  std::string fingerprint{};
};

struct ComponentAssessment {
  ComponentState state = ComponentState::NoData;
  // For people: what made the state, e.g. "card-service is unhealthy: database check fails".
  std::vector<std::string> causes{};
  std::vector<const FiringAlert*> alerts{};  // matching firing alerts, into the caller's span
};

// The configured components with their matchers compiled once.
class Components {
 public:
  // InvalidArgument naming the component when one of its matchers does not parse (the
  // configuration's validation already refused such a file).
  static Result<Components> compile(const StatusPageConfig& page);

  // One assessment per component, in configuration order. Pointers in the result point into
  // `firing`.
  std::vector<ComponentAssessment> assess(const AgentSnapshot& snapshot,
                                          std::span<const FiringAlert> firing) const;

  const StatusPageConfig& page() const { return page_; }

 private:
  Components(StatusPageConfig page, std::vector<std::vector<notify::Matcher>> matchers)
      : page_(std::move(page)), matchers_(std::move(matchers)) {}

  StatusPageConfig page_;
  std::vector<std::vector<notify::Matcher>> matchers_;  // one list per component
};

// The alert's severity label, "" without one.
std::string_view severity_of(const FiringAlert& alert);

}  // namespace vitals::status
