// Real Alertmanagers (Debian's prometheus-alertmanager) fed by the real agent through API v2: one
// routes the agent's alert to a webhook receiver, firing and then resolved; and an HA pair of
// identically configured agents pushing to two clustered Alertmanagers pages exactly once.
// A missing Alertmanager fails the test, as a missing Prometheus does in agent_prometheus_test:
// a proof that silently does not run proves nothing.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/integration/agent_fixture.h"
#include "tests/integration/real_servers.h"
#include "tests/integration/webhook_receiver.h"
#include "tests/support/loopback_http_server.h"
#include "tests/support/recording_server.h"

namespace vitals::testing {
namespace {

using nlohmann::json;

// A 2-node loopback cluster gossips every 50 ms and stops waiting to settle after 2 s.
constexpr auto kClusterTimeout = 10s;
// The second Alertmanager in the cluster waits this long before sending what the first has not
// logged as sent. Short, so that a duplicate it would send shows up within the test.
constexpr auto kPeerTimeout = 1s;
// Alertmanager's route timers below (group_wait, group_interval). Longer than the peer timeout,
// as in any real setup (15 s against 5 min by default): a group interval shorter than it lets
// the second Alertmanager's held flushes overlap the first's, and a resolution landing between
// them pages "firing" again however the alerts are sent (Alertmanager's own race).
constexpr auto kGroupInterval = 3s;
// How long after a notification a duplicate could still come: the other Alertmanager flushes
// its group up to a group interval apart, holds its copy for the peer timeout, and checks again
// at its next flush. One second more covers sending.
constexpr auto kDuplicateWindow = kPeerTimeout + 2 * kGroupInterval + 1s;

constexpr const char* kRules = R"(groups:
  - name: cards
    rules:
      - alert: CardsFailing
        expr: cards_failing == 1
        annotations:
          summary: "cards are failing"
)";

// The service the agents watch: cards' /metrics, its failure switched by the test.
class World {
 public:
  World()
      : server_([this](httplib::Server& s) {
          s.Get("/cards/metrics", [this](const httplib::Request&, httplib::Response& res) {
            res.set_content(std::string("cards_failing ") + (cards_failing ? "1" : "0") + "\n",
                            "text/plain; version=0.0.4");
          });
        }) {}

  // The agents' configuration: no route of their own, only the Alertmanagers to push to.
  std::string agent_config(const TempDir& dir, const std::vector<std::string>& alertmanagers) {
    dir.write_file("rules.yml", kRules);
    std::string targets;
    for (const std::string& url : alertmanagers) {
      targets += (targets.empty() ? "" : ", ") + std::string("{url: ") + url + "}";
    }
    return dir.write_file("vitals.yml",
                          "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
                          "services:\n"
                          "  - name: cards\n"
                          "    metrics_url: http://127.0.0.1:" +
                              std::to_string(server_.port()) +
                              "/cards/metrics\n"
                              "rule_files: [rules.yml]\n"
                              "alerting:\n"
                              "  alertmanagers: [" +
                              targets + "]\n");
  }

  std::atomic<bool> cards_failing{false};

 private:
  LoopbackHttpServer server_;
};

// Alertmanager's own configuration: everything to the webhook at `hook`, resolutions too, and a
// repeat far beyond the test, so that a second notification of an unchanged alert is a
// duplicate.
std::string alertmanager_config(const TempDir& dir, const std::string& hook) {
  return dir.write_file("alertmanager.yml",
                        "route:\n"
                        "  receiver: hook\n"
                        "  group_by: [alertname]\n"
                        "  group_wait: " +
                            prometheus_seconds(kGroupInterval) +
                            "\n"
                            "  group_interval: " +
                            prometheus_seconds(kGroupInterval) +
                            "\n"
                            "  repeat_interval: 1h\n"
                            "receivers:\n"
                            "  - name: hook\n"
                            "    webhook_configs: [{url: \"" +
                            hook + "\", send_resolved: true}]\n");
}

// The Alertmanager's active alerts named `name`, once it has at least one.
json wait_for_alerts(const Alertmanager& am, const std::string& name) {
  auto named = [&](const json& alerts) {
    json out = json::array();
    if (!alerts.is_array()) return out;
    for (const json& alert : alerts) {
      if (alert.is_object() &&
          alert.value("labels", json::object()).value("alertname", "") == name) {
        out.push_back(alert);
      }
    }
    return out;
  };
  json alerts = poll_json(
      am.port, "/api/v2/alerts?active=true", [&](const json& a) { return !named(a).empty(); },
      kEventTimeout);
  json found = named(alerts);
  REQUIRE_MESSAGE(!found.empty(), am.url() << ": " << alerts.dump());
  return found;
}

double pushes(const std::vector<Sample>& samples, const std::string& alertmanager) {
  return sample_value(samples, "vitals_alertmanager_pushes_total",
                      {{"alertmanager", alertmanager}, {"result", "success"}})
      .value_or(0);
}

// Waits until the agent has pushed to `alertmanager` successfully more than `than` times.
double wait_pushes(const Agent& agent, const std::string& alertmanager, double than) {
  auto samples = poll_metrics(
      agent.port, [&](const std::vector<Sample>& s) { return pushes(s, alertmanager) > than; });
  const double count = pushes(samples, alertmanager);
  REQUIRE_MESSAGE(count > than, "pushes to " << alertmanager << ": " << count << agent.said());
  return count;
}

TEST_CASE("a real Alertmanager routes the agent's alert to its receiver, firing then resolved") {
  const std::string binary = require_tool("prometheus-alertmanager");
  World world;
  RecordingServer hook;
  TempDir dir;
  Alertmanager am =
      start_alertmanager(binary, dir, alertmanager_config(dir, hook.url("/alertmanager")));
  Agent agent = start_agent(world.agent_config(dir, {am.url()}), dir.file("vitals.db"));
  world.cards_failing = true;

  std::vector<RecordedRequest> got = wait_requests(hook, 0);
  REQUIRE(got.size() == 1);
  CHECK(got[0].path == "/alertmanager");
  json firing = body_of(got[0]);
  CHECK(firing["version"] == "4");
  CHECK(firing["status"] == "firing");
  CHECK(firing["receiver"] == "hook");
  CHECK(firing["groupLabels"] == json{{"alertname", "CardsFailing"}});
  REQUIRE(firing["alerts"].size() == 1);
  json alert = firing["alerts"][0];
  CHECK(alert["status"] == "firing");
  CHECK(alert["labels"]["alertname"] == "CardsFailing");
  CHECK(alert["labels"]["service"] == "cards");
  CHECK(alert["annotations"]["summary"] == "cards are failing");
  CHECK_MESSAGE(alert.value("generatorURL", "").find("/graph?g0.expr=") != std::string::npos,
                alert.dump());
  CHECK(alert.value("startsAt", "") != "0001-01-01T00:00:00Z");

  json known = wait_for_alerts(am, "CardsFailing");
  CHECK(known[0]["status"]["state"] == "active");
  const double pushed_firing = wait_pushes(agent, am.url(), 0);

  world.cards_failing = false;
  json resolved;
  for (std::size_t seen = 1; !resolved.is_object();) {
    got = wait_requests(hook, seen);
    for (; seen < got.size(); ++seen) {
      json body = body_of(got[seen]);
      REQUIRE_MESSAGE(body["status"] == "resolved", got[seen].body);
      resolved = body;
    }
  }
  REQUIRE(resolved["alerts"].size() == 1);
  CHECK(resolved["alerts"][0]["status"] == "resolved");
  CHECK(resolved["alerts"][0]["labels"]["service"] == "cards");
  CHECK(resolved["alerts"][0]["fingerprint"] == alert["fingerprint"]);
  // Alertmanager shows a firing alert's endsAt as Go's zero time; a resolved one's is the
  // agent's resolution time.
  CHECK(resolved["alerts"][0].value("endsAt", "") != "0001-01-01T00:00:00Z");
  // The resolution went out as a push of its own, not at the next 1-minute resend.
  wait_pushes(agent, am.url(), pushed_firing);
}

TEST_CASE("an HA pair of agents and two clustered Alertmanagers page once, and resolve once") {
  const std::string binary = require_tool("prometheus-alertmanager");
  World world;
  RecordingServer hook;
  TempDir dir;
  auto [a, b] = start_alertmanager_pair(
      binary, dir, alertmanager_config(dir, hook.url("/alertmanager")), kPeerTimeout);
  wait_until_clustered(a, 2, kClusterTimeout);
  wait_until_clustered(b, 2, kClusterTimeout);
  // One configuration file for both: the pair differs only in its storage and its port.
  const std::string config = world.agent_config(dir, {a.url(), b.url()});
  Agent one = start_agent(config, dir.file("one.db"));
  Agent two = start_agent(config, dir.file("two.db"));
  world.cards_failing = true;

  std::vector<RecordedRequest> got = wait_requests(hook, 0);
  const auto fired_at = std::chrono::steady_clock::now();
  json firing = body_of(got[0]);
  CHECK(firing["status"] == "firing");
  REQUIRE(firing["alerts"].size() == 1);
  CHECK(firing["alerts"][0]["labels"]["alertname"] == "CardsFailing");
  CHECK(firing["alerts"][0]["labels"]["service"] == "cards");

  // Both Alertmanagers hold the alert, and each heard it from both agents: what makes a single
  // page the cluster's doing rather than one of them missing the alert.
  json at_a = wait_for_alerts(a, "CardsFailing");
  json at_b = wait_for_alerts(b, "CardsFailing");
  CHECK(at_a.size() == 1);
  CHECK(at_b.size() == 1);
  CHECK(at_a[0]["fingerprint"] == at_b[0]["fingerprint"]);
  for (const Agent* agent : {&one, &two}) {
    wait_pushes(*agent, a.url(), 0);
    wait_pushes(*agent, b.url(), 0);
  }
  std::this_thread::sleep_until(fired_at + kDuplicateWindow);
  got = hook.requests();
  CHECK_MESSAGE(got.size() == 1, got.size() << " notifications; the last: " << got.back().body);
  CHECK(webhooks_sent(a) + webhooks_sent(b) == 1);

  // Each agent resolves the alert at its own evaluation, up to a scrape and an evaluation
  // interval apart; the later resolution must not page again either.
  world.cards_failing = false;
  got = wait_requests(hook, 1);
  const auto resolved_at = std::chrono::steady_clock::now();
  json resolved = body_of(got[1]);
  CHECK_MESSAGE(resolved["status"] == "resolved", got[1].body);
  CHECK(resolved["alerts"][0]["fingerprint"] == firing["alerts"][0]["fingerprint"]);
  std::this_thread::sleep_until(resolved_at + kDuplicateWindow);
  got = hook.requests();
  CHECK_MESSAGE(got.size() == 2, got.size() << " notifications; the last: " << got.back().body);
  CHECK(webhooks_sent(a) + webhooks_sent(b) == 2);
}

}  // namespace
}  // namespace vitals::testing
