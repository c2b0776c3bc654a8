#include "agent/status/component_state.h"

#include <algorithm>
#include <array>

namespace vitals::status {
namespace {

struct StateName {
  ComponentState state;
  std::string_view code;
  std::string_view words;
};

constexpr std::array<StateName, 5> kStateNames = {{
    {ComponentState::NoData, "no_data", "No data"},
    {ComponentState::Operational, "operational", "Operational"},
    {ComponentState::DegradedPerformance, "degraded_performance", "Degraded performance"},
    {ComponentState::PartialOutage, "partial_outage", "Partial outage"},
    {ComponentState::MajorOutage, "major_outage", "Major outage"},
}};

const StateName& name_of(ComponentState state) {
  return kStateNames[static_cast<std::size_t>(state)];
}

// The signals of one component, tallied before the rule decides.
struct Tally {
  int reported = 0;  // services and probes that have reported
  int down = 0;      // of those, unhealthy or unreachable services and failing probes
  bool degraded = false;
  bool paging_alert = false;
  bool other_alert = false;
  std::vector<std::string> causes{};
};

// "database, risk-engine": the service's failing checks, critical ones only when it is down.
std::string failing_checks(const ServiceView& service) {
  std::string names;
  for (const CheckView& check : service.checks) {
    if (check.status == "healthy" || (service.down() && !check.critical)) continue;
    if (!names.empty()) names += ", ";
    names += check.name;
  }
  return names;
}

void tally_service(const ServiceView& service, Tally& tally) {
  if (service.status == "unknown") return;
  ++tally.reported;
  if (service.status == "healthy") return;
  std::string cause = service.name + " is " + service.status;
  if (service.status == "unreachable" && !service.error.empty()) {
    cause += ": " + service.error;
  } else if (std::string checks = failing_checks(service); !checks.empty()) {
    cause += " (failing: " + checks + ")";
  }
  tally.causes.push_back(std::move(cause));
  if (service.down()) {
    ++tally.down;
  } else {
    tally.degraded = true;
  }
}

void tally_probe(const ProbeView& probe, Tally& tally) {
  if (!probe.last) return;
  ++tally.reported;
  if (probe.last->success) return;
  ++tally.down;
  std::string cause = "probe " + probe.name + " fails";
  if (!probe.last->error.empty()) cause += ": " + probe.last->error;
  tally.causes.push_back(std::move(cause));
}

std::string_view annotation(const FiringAlert& alert, std::string_view name) {
  return notify::label_value(alert.annotations, name);
}

void tally_alert(const FiringAlert& alert, Tally& tally) {
  const std::string_view severity = severity_of(alert);
  (severity == "page" || severity == "critical" ? tally.paging_alert : tally.other_alert) = true;
  std::string cause =
      "alert " + std::string(notify::label_value(alert.labels, "alertname")) + " is firing";
  if (std::string_view summary = annotation(alert, "summary"); !summary.empty()) {
    cause += ": " + std::string(summary);
  }
  tally.causes.push_back(std::move(cause));
}

ComponentState decide(const Tally& tally) {
  if (tally.reported > 0 && tally.down == tally.reported) return ComponentState::MajorOutage;
  if (tally.down > 0 || tally.paging_alert) return ComponentState::PartialOutage;
  if (tally.degraded || tally.other_alert) return ComponentState::DegradedPerformance;
  return tally.reported > 0 ? ComponentState::Operational : ComponentState::NoData;
}

}  // namespace

std::string_view state_code(ComponentState state) {
  return name_of(state).code;
}

std::string_view state_words(ComponentState state) {
  return name_of(state).words;
}

ComponentState state_from_code(std::string_view code) {
  for (const StateName& name : kStateNames) {
    if (name.code == code) return name.state;
  }
  return ComponentState::NoData;
}

std::string_view severity_of(const FiringAlert& alert) {
  return notify::label_value(alert.labels, "severity");
}

Result<Components> Components::compile(const StatusPageConfig& page) {
  std::vector<std::vector<notify::Matcher>> matchers;
  for (const StatusComponentConfig& component : page.components) {
    auto parsed = notify::parse_matchers(component.alert_matchers);
    if (!parsed) {
      return tl::unexpected(
          Error{ErrorCode::InvalidArgument,
                "status page component \"" + component.name + "\": " + parsed.error().message,
                std::nullopt});
    }
    matchers.push_back(std::move(*parsed));
  }
  return Components(page, std::move(matchers));
}

std::vector<ComponentAssessment> Components::assess(const AgentSnapshot& snapshot,
                                                    std::span<const FiringAlert> firing) const {
  std::vector<ComponentAssessment> assessments;
  assessments.reserve(page_.components.size());
  for (std::size_t i = 0; i < page_.components.size(); ++i) {
    const StatusComponentConfig& component = page_.components[i];
    Tally tally;
    ComponentAssessment assessment;
    for (const std::string& name : component.services) {
      if (const ServiceView* service = snapshot.service(name)) tally_service(*service, tally);
    }
    for (const std::string& name : component.probes) {
      if (const ProbeView* probe = snapshot.probe(name)) tally_probe(*probe, tally);
    }
    // No matchers means no alerts, not every alert: matches_all() of nothing is true.
    if (!matchers_[i].empty()) {
      for (const FiringAlert& alert : firing) {
        if (!notify::matches_all(matchers_[i], alert.labels)) continue;
        tally_alert(alert, tally);
        assessment.alerts.push_back(&alert);
      }
    }
    assessment.state = decide(tally);
    assessment.causes = std::move(tally.causes);
    assessments.push_back(std::move(assessment));
  }
  return assessments;
}

}  // namespace vitals::status
