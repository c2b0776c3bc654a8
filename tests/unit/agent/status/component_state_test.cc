#include "agent/status/component_state.h"

#include <doctest/doctest.h>

namespace {

using vitals::AgentSnapshot;
using vitals::ProbeResult;
using vitals::ProbeView;
using vitals::ServiceView;
using vitals::status::Components;
using vitals::status::ComponentState;
using vitals::status::FiringAlert;

std::shared_ptr<ServiceView> service(const std::string& name, const std::string& status) {
  auto view = std::make_shared<ServiceView>();
  view->name = name;
  view->status = status;
  return view;
}

std::shared_ptr<ProbeView> probe(const std::string& name, std::optional<bool> success) {
  auto view = std::make_shared<ProbeView>();
  view->name = name;
  if (success) {
    view->last = ProbeResult{.success = *success};
    if (!*success) view->last->error = "connection refused";
  }
  return view;
}

// Card payments: card-service and the card-api probe, alerts of service="card-service".
Components cards() {
  vitals::StatusPageConfig page;
  page.components.push_back({.name = "Card payments",
                             .services = {"card-service"},
                             .probes = {"card-api"},
                             .alert_matchers = {R"(service="card-service")"}});
  auto compiled = Components::compile(page);
  REQUIRE(compiled);
  return *compiled;
}

AgentSnapshot world(const std::string& service_status, std::optional<bool> probe_success) {
  AgentSnapshot snapshot;
  snapshot.services.push_back(service("card-service", service_status));
  snapshot.probes.push_back(probe("card-api", probe_success));
  return snapshot;
}

FiringAlert alert(const std::string& name, const std::string& service,
                  const std::string& severity) {
  return {.labels = {{"alertname", name}, {"service", service}, {"severity", severity}},
          .annotations = {{"summary", name + " summary"}}};
}

ComponentState state_of(const AgentSnapshot& snapshot,
                        const std::vector<FiringAlert>& firing = {}) {
  return cards().assess(snapshot, firing).at(0).state;
}

}  // namespace

TEST_CASE("every signal healthy is Operational; nothing reported yet is No data") {
  CHECK(state_of(world("healthy", true)) == ComponentState::Operational);
  CHECK(state_of(world("unknown", std::nullopt)) == ComponentState::NoData);
  // What has not reported counts for nothing: the probe alone decides here.
  CHECK(state_of(world("unknown", true)) == ComponentState::Operational);
}

TEST_CASE("some signals down is a Partial outage, all of them a Major outage") {
  CHECK(state_of(world("unhealthy", true)) == ComponentState::PartialOutage);
  CHECK(state_of(world("healthy", false)) == ComponentState::PartialOutage);
  CHECK(state_of(world("unreachable", false)) == ComponentState::MajorOutage);
  CHECK(state_of(world("unknown", false)) == ComponentState::MajorOutage);
}

TEST_CASE("a degraded service is Degraded performance") {
  CHECK(state_of(world("degraded", true)) == ComponentState::DegradedPerformance);
}

TEST_CASE("matching firing alerts: paging ones make a Partial outage, others degrade") {
  const AgentSnapshot healthy = world("healthy", true);
  CHECK(state_of(healthy, {alert("CardDeclineRatioHigh", "card-service", "page")}) ==
        ComponentState::PartialOutage);
  CHECK(state_of(healthy, {alert("Disk", "card-service", "critical")}) ==
        ComponentState::PartialOutage);
  CHECK(state_of(healthy, {alert("FeedLag", "card-service", "ticket")}) ==
        ComponentState::DegradedPerformance);
  // Another service's alert does not match.
  CHECK(state_of(healthy, {alert("FeedDown", "feed-service", "page")}) ==
        ComponentState::Operational);
  // An alert cannot make things better than the signals say.
  CHECK(state_of(world("unreachable", false), {alert("X", "card-service", "ticket")}) ==
        ComponentState::MajorOutage);
}

TEST_CASE("the assessment lists its causes and the matching alerts") {
  const std::vector<FiringAlert> firing = {alert("CardDeclineRatioHigh", "card-service", "page"),
                                           alert("FeedDown", "feed-service", "page")};
  AgentSnapshot snapshot = world("unhealthy", true);
  auto failing = std::make_shared<ServiceView>(*snapshot.services[0]);
  failing->checks = {{.name = "database", .status = "unhealthy"},
                     {.name = "risk-engine", .status = "healthy"},
                     {.name = "feed", .status = "degraded", .critical = false}};
  snapshot.services[0] = failing;
  const auto assessment = cards().assess(snapshot, firing).at(0);
  CHECK(assessment.causes ==
        std::vector<std::string>{
            "card-service is unhealthy (failing: database)",
            "alert CardDeclineRatioHigh is firing: CardDeclineRatioHigh summary"});
  REQUIRE(assessment.alerts.size() == 1);
  CHECK(assessment.alerts[0] == &firing[0]);
}

TEST_CASE("a component without alert matchers matches no alert") {
  vitals::StatusPageConfig page;
  page.components.push_back({.name = "Public API", .probes = {"card-api"}});
  auto compiled = Components::compile(page);
  REQUIRE(compiled);
  const std::vector<FiringAlert> firing = {alert("Anything", "card-service", "page")};
  const auto assessment = compiled->assess(world("healthy", true), firing).at(0);
  CHECK(assessment.state == ComponentState::Operational);
  CHECK(assessment.alerts.empty());
}

TEST_CASE("a matcher that does not parse names its component") {
  vitals::StatusPageConfig page;
  page.components.push_back({.name = "Broken", .alert_matchers = {"service=~\"(\""}});
  auto compiled = Components::compile(page);
  REQUIRE_FALSE(compiled);
  CHECK(compiled.error().message.find("\"Broken\"") != std::string::npos);
}

TEST_CASE("state codes and words round-trip") {
  for (auto state :
       {ComponentState::NoData, ComponentState::Operational, ComponentState::DegradedPerformance,
        ComponentState::PartialOutage, ComponentState::MajorOutage}) {
    CHECK(vitals::status::state_from_code(vitals::status::state_code(state)) == state);
  }
  CHECK(vitals::status::state_words(ComponentState::DegradedPerformance) == "Degraded performance");
}
