// The main job end to end (issue 7): the demo world with a real Prometheus and a real
// Alertmanager, the shipped rules loaded into both. Each fault of the example services in turn
// must fire its alert in the agent, reach the webhook sink through the agent's notifier and
// through Alertmanager (from the agent and from Prometheus alike), and resolve once cleared; and
// Prometheus and the agent must agree on which alerts fire. Durations in the rules run
// kTimeFactor times faster (demo_world.h).
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <thread>

#include "tests/e2e/demo_world.h"

namespace vitals::testing {
namespace {

using nlohmann::json;

// Generous for a loaded 2-core machine: the slowest path is a 30-day burn-rate pair, whose
// 1h window (2 min here) must reach 14.4 times the budget.
constexpr auto kFireTimeout = 90s;
constexpr auto kResolveTimeout = 90s;
constexpr auto kAgreeTimeout = 60s;

struct FaultCase {
  std::string fault;
  bool on_feed = false;
  std::string alertname;
  Labels labels;  // that the alert must carry, among others
};

// Whether an alert named `alertname` with `labels` is the fault's.
bool is_the_alert(const std::string& alertname, const Labels& labels, const FaultCase& c) {
  if (alertname != c.alertname) return false;
  for (const auto& [name, value] : c.labels) {
    auto found = labels.find(name);
    if (found == labels.end() || found->second != value) return false;
  }
  return true;
}

bool is_firing_in(const std::set<AlertKey>& firing, const FaultCase& c) {
  return std::any_of(firing.begin(), firing.end(), [&](const AlertKey& key) {
    return is_the_alert(key.alertname, key.labels, c);
  });
}

// Polls `done` every half second until it holds or `timeout` passes.
bool eventually(const std::function<bool()>& done, Duration timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(500ms);
  }
  return true;
}

// Whether a notification from `since` on carries the fault's alert in `status` (firing or
// resolved); with `source`, only that source's copy counts (Alertmanager gets both).
bool notified(DemoWorld& world, const std::string& path, std::size_t since, const FaultCase& c,
              const std::string& status, const std::string& source = "") {
  for (const json& payload : world.received(path, since)) {
    for (const json& alert : payload.value("alerts", json::array())) {
      const Labels labels = labels_of(alert.value("labels", json::object()));
      const auto named = labels.find("alertname");
      if (alert.value("status", "") == status && named != labels.end() &&
          is_the_alert(named->second, labels, c) &&
          (source.empty() || (labels.count("source") != 0 && labels.at("source") == source))) {
        return true;
      }
    }
  }
  return false;
}

void expect_agreement(DemoWorld& world, const std::string& when) {
  std::set<AlertKey> agent, prometheus;
  bool agree = eventually(
      [&] {
        agent = world.agent_firing();
        prometheus = world.prometheus_firing();
        return agent == prometheus;
      },
      kAgreeTimeout);
  CHECK_MESSAGE(agree, when << ": the agent fires " << to_string(agent) << " but Prometheus "
                            << to_string(prometheus));
}

void walk_through(DemoWorld& world, const FaultCase& c) {
  CAPTURE(c.fault);
  const LoggedProcess& service = c.on_feed ? world.feed : world.card;
  const std::size_t since = world.received_count();
  world.inject(service, c.fault);

  REQUIRE_MESSAGE(eventually([&] { return is_firing_in(world.agent_firing(), c); }, kFireTimeout),
                  c.alertname << " did not fire in the agent; it fires "
                              << to_string(world.agent_firing()) << "\n"
                              << world.logs());
  CHECK_MESSAGE(eventually([&] { return notified(world, "/agent", since, c, "firing"); }, 30s),
                "the agent's notifier did not page " << c.alertname);
  for (const char* source : {"agent", "prometheus"}) {
    CHECK_MESSAGE(
        eventually([&] { return notified(world, "/alertmanager", since, c, "firing", source); },
                   60s),
        "Alertmanager did not page " << c.alertname << " from " << source);
  }
  expect_agreement(world, c.fault + " on");

  const std::size_t cleared = world.received_count();
  world.clear(service, c.fault);
  CHECK_MESSAGE(
      eventually([&] { return !is_firing_in(world.agent_firing(), c); }, kResolveTimeout),
      c.alertname << " did not resolve in the agent: " << to_string(world.agent_firing()));
  CHECK_MESSAGE(eventually([&] { return notified(world, "/agent", cleared, c, "resolved"); }, 30s),
                "the agent's notifier did not send " << c.alertname << "'s resolution");
  CHECK_MESSAGE(
      eventually([&] { return notified(world, "/alertmanager", cleared, c, "resolved"); }, 60s),
      "Alertmanager did not send " << c.alertname << "'s resolution");
  expect_agreement(world, c.fault + " cleared");
}

TEST_CASE(
    "each fault fires its alert in the agent and Prometheus, pages through both paths, "
    "and resolves") {
  DemoWorld world;
  // A quiet start: the services healthy, nothing firing, both systems in agreement.
  REQUIRE_MESSAGE(
      eventually(
          [&] {
            json services = get_data(world.agent.port, "/api/v1/services")["services"];
            return find_by(services, "name", "card-service").value("status", "") == "healthy" &&
                   find_by(services, "name", "feed-service").value("status", "") == "healthy";
          },
          60s),
      world.logs());
  CHECK_MESSAGE(eventually([&] { return world.agent_firing().empty(); }, 60s),
                "firing before any fault: " << to_string(world.agent_firing()));
  expect_agreement(world, "before any fault");

  // The slow feed last: its long burn-rate windows keep a ticket burning for a while.
  const FaultCase cases[] = {
      {"decline-spike", false, "CardDeclineRatioHigh", {{"service", "card-service"}}},
      {"error-burst", false, "CardAuthorisationErrorsHigh", {{"service", "card-service"}}},
      {"hang-checker", false, "CheckFailing", {{"check", "risk-engine"}}},
      {"db-down", false, "CheckFailing", {{"check", "database"}}},
      {"stop-traffic", false, "CardAuthorisationsAbsent", {}},
      {"slow-feed", true, "FeedLatencyBudgetBurn", {{"severity", "page"}}},
  };
  for (const FaultCase& c : cases) walk_through(world, c);
}

}  // namespace
}  // namespace vitals::testing
