// The status page inside the real agent: components' states from real services, probes and
// alerts; /api/v1/status agreeing with /api/v1/alerts; incidents in the real SQLite file,
// surviving kill -9; the page itself served from the binary.
#include <doctest/doctest.h>

#include "tests/integration/agent_fixture.h"

namespace vitals::testing {
namespace {

using nlohmann::json;

constexpr const char* kRules = R"(groups:
  - name: business
    rules:
      - alert: PaymentsFailing
        expr: vector(1)
        labels: {team: payments, severity: page}
        annotations:
          summary: "<img src=x onerror=alert(1)> payments fail"
      - alert: PaymentsSlow
        expr: vector(1)
        labels: {team: payments, severity: ticket}
)";

std::string config_for(const TempDir& dir, const ExampleService& healthy,
                       const ExampleService& degraded, const ExampleService& failing) {
  dir.write_file("rules.yml", kRules);
  return dir.write_file(
      "vitals.yml",
      "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
      "services:\n"
      "  - {name: healthy, health_url: '" +
          healthy.url("/health") +
          "'}\n"
          "  - {name: degraded, health_url: '" +
          degraded.url("/health") +
          "'}\n"
          "  - {name: failing, health_url: '" +
          failing.url("/health") +
          "'}\n"
          "probes:\n"
          "  - {name: healthy-livez, http: {url: '" +
          healthy.url("/livez") +
          "'}}\n"
          "rule_files: [rules.yml]\n"
          "status_page:\n"
          "  title: Test status\n"
          "  components:\n"
          "    - {name: Good, services: [healthy], probes: [healthy-livez], slo: 99.9}\n"
          "    - {name: Slow, services: [degraded]}\n"
          "    - {name: Mixed, services: [healthy, failing]}\n"
          "    - {name: Broken, services: [failing]}\n"
          "    - {name: Payments, services: [healthy], alert_matchers: ['team=\"payments\"']}\n");
}

// A healthy, a degraded and a failing checkers-example.
struct Services {
  ExampleService healthy = start_example({});
  ExampleService degraded = start_example({"--degrade"});
  ExampleService failing = start_example({"--fail"});
};

std::string config_for(const TempDir& dir, const Services& s) {
  return config_for(dir, s.healthy, s.degraded, s.failing);
}

std::string state_of(const json& status, const std::string& component) {
  return find_by(status["components"], "name", component).value("state", "");
}

bool settled(const json& status) {
  return state_of(status, "Good") == "operational" &&
         state_of(status, "Slow") == "degraded_performance" &&
         state_of(status, "Mixed") == "partial_outage" &&
         state_of(status, "Broken") == "major_outage" &&
         find_by(status["components"], "name", "Payments")["active_incidents"].size() == 2;
}

// Firing alerts of /api/v1/alerts matching team="payments", by fingerprint.
std::map<std::string, json> payments_alerts(const json& alerts) {
  std::map<std::string, json> out;
  for (const json& alert : alerts["alerts"]) {
    if (alert["state"] == "firing" && alert["labels"].value("team", "") == "payments") {
      out[alert["fingerprint"]] = alert;
    }
  }
  return out;
}

}  // namespace

TEST_CASE(
    "components take their state from services, probes and alerts, as /api/v1/alerts has them") {
  TempDir dir;
  Services services;
  const std::string config = config_for(dir, services);
  Agent agent = start_agent(config, dir.file("data/vitals.db"));

  json status = poll_data(agent.port, "/api/v1/status", settled, 20s);
  REQUIRE_MESSAGE(settled(status), status.dump(2) << agent.said());
  CHECK(status["title"] == "Test status");
  CHECK(status["state"] == "major_outage");
  CHECK(status["state_text"] == "Major outage");
  CHECK(state_of(status, "Payments") == "partial_outage");  // a paging alert
  const json good = find_by(status["components"], "name", "Good");
  CHECK(good["causes"].empty());
  CHECK(good["uptime"].size() == 90);
  CHECK(good["slo"]["objective"] == 99.9);
  CHECK(good["response_time"][0]["probe"] == "healthy-livez");
  const json broken = find_by(status["components"], "name", "Broken");
  CHECK(broken["causes"][0].get<std::string>().starts_with("failing is unhealthy"));
  CHECK(broken["services"][0]["failing_checks"][0]["name"] == "fail");

  // The same instant: the alerts read before and after the status agree, so the status's
  // active incidents must be exactly the matching firing alerts.
  bool compared = false;
  for (int attempt = 0; attempt < 20 && !compared; ++attempt) {
    const json before = get_data(agent.port, "/api/v1/alerts");
    const json now = get_data(agent.port, "/api/v1/status");
    const json after = get_data(agent.port, "/api/v1/alerts");
    const auto expected = payments_alerts(before);
    if (expected != payments_alerts(after)) continue;
    compared = true;
    const json incidents = find_by(now["components"], "name", "Payments")["active_incidents"];
    REQUIRE(incidents.size() == expected.size());
    for (const json& incident : incidents) {
      const std::string fingerprint = incident["fingerprint"];
      REQUIRE_MESSAGE(expected.count(fingerprint) == 1, incident.dump());
      const json& alert = expected.at(fingerprint);
      CHECK(incident["labels"] == alert["labels"]);
      CHECK(incident["since"] == alert["activeAt"]);
      CHECK(incident["summary"] == alert["annotations"].value("summary", ""));
    }
  }
  CHECK_MESSAGE(compared, "the alerts never held still between two reads");

  // Incidents opened by themselves, one per component out of Operational, kept in SQLite.
  status = poll_data(agent.port, "/api/v1/status",
                     [](const json& s) { return s["incidents"].size() == 4; });
  REQUIRE_MESSAGE(status["incidents"].size() == 4, status["incidents"].dump(2));
  std::map<std::string, json> incidents;
  for (const json& incident : status["incidents"]) incidents[incident["component"]] = incident;
  CHECK(incidents.count("Good") == 0);
  CHECK(incidents["Broken"]["state"] == "major_outage");
  CHECK(incidents["Broken"]["closed"].is_null());
  CHECK(incidents["Payments"]["timeline"][0]["detail"].get<std::string>().find(
            "<img src=x onerror=alert(1)> payments fail") != std::string::npos);

  // kill -9: the incidents are still there, still open, and not opened twice.
  const std::string broken_id = incidents["Broken"]["id"].dump();
  agent.process.kill();
  Agent again = start_agent(config, dir.file("data/vitals.db"));
  json restarted = poll_data(again.port, "/api/v1/status", settled, 20s);
  CHECK(restarted["incidents"].size() == 4);
  CHECK(find_by(restarted["incidents"], "component", "Broken")["id"].dump() == broken_id);
  CHECK(find_by(restarted["incidents"], "component", "Broken")["closed"].is_null());
}

TEST_CASE("an incident closes when its component is operational again, with its timeline") {
  TempDir dir;
  Services services;
  const std::string config = config_for(dir, services);
  {
    Agent agent = start_agent(config, dir.file("vitals.db"));
    poll_data(
        agent.port, "/api/v1/status",
        [](const json& s) {
          return find_by(s["incidents"], "component", "Slow").is_object() &&
                 !find_by(s["incidents"], "component", "Slow").empty();
        },
        20s);
  }
  // The degraded service recovers while the agent is down: the next agent closes the incident.
  services.degraded.process.kill();
  ExampleService recovered = start_example({});
  const std::string next = config_for(dir, services.healthy, recovered, services.failing);
  Agent agent = start_agent(next, dir.file("vitals.db"));
  json status = poll_data(
      agent.port, "/api/v1/status",
      [](const json& s) {
        return !find_by(s["incidents"], "component", "Slow").value("closed", json()).is_null();
      },
      20s);
  const json slow = find_by(status["incidents"], "component", "Slow");
  REQUIRE_MESSAGE(slow["closed"].is_string(), status["incidents"].dump(2) << agent.said());
  CHECK(slow["state"] == "degraded_performance");
  REQUIRE(slow["timeline"].size() == 2);
  CHECK(slow["timeline"][0]["state"] == "degraded_performance");
  CHECK(slow["timeline"][1]["state"] == "operational");
  CHECK(state_of(status, "Slow") == "operational");
}

TEST_CASE("the page is served from the binary, with its script and style") {
  TempDir dir;
  Services services;
  Agent agent = start_agent(config_for(dir, services), dir.file("vitals.db"));
  const HttpReply page = get(agent.port, "/");
  CHECK(page.status == 200);
  CHECK(page.content_type == "text/html; charset=utf-8");
  CHECK(page.body.find("static/status.js") != std::string::npos);
  CHECK(get(agent.port, "/static/status.js").status == 200);
  CHECK(get(agent.port, "/static/status.css").status == 200);
  CHECK(get(agent.port, "/static/../vitals.yml").status == 404);
}

}  // namespace vitals::testing
