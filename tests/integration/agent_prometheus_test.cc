// A real Prometheus (Debian's prometheus package) scrapes a real vitals-agent: Prometheus sees
// the agent up and stores the values the agent exports, and the real `promtool check metrics`
// accepts the live exposition. Missing tools fail the test: a check that silently does not run
// would let a broken exposition ship.
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "tests/integration/agent_fixture.h"
#include "tests/integration/real_servers.h"

namespace vitals::testing {
namespace {

using nlohmann::json;

// Prometheus scrapes every second; its first scrape lands within one interval of its start.
constexpr auto kScrapeTimeout = 30s;

// A 1 s scrape of the agent.
std::string prometheus_config(const TempDir& dir, int agent_port) {
  return dir.write_file("prometheus.yml",
                        "global:\n"
                        "  scrape_interval: 1s\n"
                        "  scrape_timeout: 1s\n"
                        "scrape_configs:\n"
                        "  - job_name: vitals-agent\n"
                        "    static_configs:\n"
                        "      - targets: ['127.0.0.1:" +
                            std::to_string(agent_port) + "']\n");
}

// The agent's target in Prometheus' /api/v1/targets once Prometheus has scraped it; the last
// answer when it did not within kScrapeTimeout.
json scraped_target(const Prometheus& prometheus) {
  auto scraped = [](json data) {
    for (const auto& target : data["activeTargets"]) {
      if (target.value("health", "") != "unknown") return true;
    }
    return false;
  };
  json data = poll_data(prometheus.port, "/api/v1/targets", scraped, kScrapeTimeout);
  REQUIRE_MESSAGE(data["activeTargets"].size() == 1, data.dump());
  return data["activeTargets"][0];
}

// Prometheus' instant vector for `query` once it has `count` series.
json query_series(const Prometheus& prometheus, const std::string& query, std::size_t count) {
  json data = poll_data(
      prometheus.port, "/api/v1/query?query=" + query,
      [&](json d) { return d["result"].size() == count; }, kScrapeTimeout);
  REQUIRE_MESSAGE(data["resultType"] == "vector", data.dump());
  REQUIRE_MESSAGE(data["result"].size() == count, query << ": " << data.dump());
  return data["result"];
}

double value_of(const json& series) {
  return std::stod(series["value"][1].get<std::string>());
}

TEST_CASE("a real Prometheus scrapes the agent, sees it up and stores the values it exports") {
  const std::string prometheus_bin = require_tool("prometheus");
  TempDir dir;
  ExampleService example = start_example({"--degrade"});
  std::string config = dir.write_file("vitals.yml",
                                      "global:\n  scrape_interval: 1s\n"
                                      "services:\n  - name: example\n    health_url: " +
                                          example.url("/health") +
                                          "\nprobes:\n"
                                          "  - name: livez\n    http: {url: " +
                                          example.url("/livez") +
                                          "}\n"
                                          "  - name: closed\n    tcp: {address: 127.0.0.1:" +
                                          std::to_string(unused_port()) + "}\n");
  Agent agent = start_agent(config, dir.file("vitals.db"));
  agent.wait_for_state("example", "service", "degraded");
  agent.wait_for_state("livez", "probe", "up");
  agent.wait_for_state("closed", "probe", "down");

  Prometheus prometheus = start_prometheus(prometheus_bin, dir, prometheus_config(dir, agent.port));
  json target = scraped_target(prometheus);
  CHECK_MESSAGE(target["health"] == "up", target.dump());
  CHECK(target["labels"]["job"] == "vitals-agent");
  CHECK(target["scrapeUrl"] == "http://127.0.0.1:" + std::to_string(agent.port) + "/metrics");
  CHECK_MESSAGE(target.value("lastError", "") == "", target.dump());

  std::vector<Sample> exported = get_metrics(agent.port);
  json probes = query_series(prometheus, "probe_success", 2);
  for (const auto& series : probes) {
    std::string probe = series["metric"].value("probe", "");
    CAPTURE(probe);
    CHECK(series["metric"]["job"] == "vitals-agent");
    CHECK(value_of(series) == sample_value(exported, "probe_success", {{"probe", probe}}));
  }
  json checks = query_series(prometheus, "vitals_check_up", 3);
  for (const auto& series : checks) {
    std::string check = series["metric"].value("check", "");
    CAPTURE(check);
    CHECK(value_of(series) ==
          sample_value(exported, "vitals_check_up", {{"service", "example"}, {"check", check}}));
  }
  // The values themselves, so that two empty answers cannot agree.
  CHECK(sample_value(exported, "probe_success", {{"probe", "livez"}}) == 1.0);
  CHECK(sample_value(exported, "probe_success", {{"probe", "closed"}}) == 0.0);
  CHECK(sample_value(exported, "vitals_check_up", {{"service", "example"}, {"check", "self"}}) ==
        1.0);
  CHECK(sample_value(exported, "vitals_check_up", {{"service", "example"}, {"check", "degrade"}}) ==
        0.0);
  json health = query_series(prometheus, "vitals_service_health", 1);
  CHECK(value_of(health[0]) == 0.5);
}

// docs/scaling.md: a Prometheus above the agents pulls their rule outputs through /federate.
TEST_CASE("a real Prometheus federates the agent's recording rules and alerts") {
  const std::string prometheus_bin = require_tool("prometheus");
  TempDir dir;
  ExampleService example = start_example({"--degrade"});
  dir.write_file("rules.yml",
                 "groups:\n"
                 "  - name: federated\n"
                 "    interval: 1s\n"
                 "    rules:\n"
                 "      - record: service:vitals_service_health:min\n"
                 "        expr: min by (service) (vitals_service_health)\n"
                 "      - alert: ServiceDegraded\n"
                 "        expr: vitals_service_health < 1\n");
  std::string config = dir.write_file("vitals.yml",
                                      "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                                      "  external_labels: {cluster: demo}\n"
                                      "rule_files: [rules.yml]\n"
                                      "services:\n  - name: example\n    health_url: " +
                                          example.url("/health") + "\n");
  Agent agent = start_agent(config, dir.file("vitals.db"));
  agent.wait_for_state("example", "service", "degraded");

  Prometheus prometheus =
      start_prometheus(prometheus_bin, dir,
                       dir.write_file("prometheus.yml",
                                      "global: {scrape_interval: 1s, scrape_timeout: 1s}\n"
                                      "scrape_configs:\n"
                                      "  - job_name: federate\n"
                                      "    honor_labels: true\n"
                                      "    metrics_path: /federate\n"
                                      "    params:\n"
                                      "      'match[]': ['{__name__=~\"service:.*\"}', 'ALERTS']\n"
                                      "    static_configs:\n"
                                      "      - targets: ['127.0.0.1:" +
                                          std::to_string(agent.port) + "']\n"));
  json target = scraped_target(prometheus);
  CHECK_MESSAGE(target["health"] == "up", target.dump());

  json recorded = query_series(prometheus, "service:vitals_service_health:min", 1);
  CHECK(recorded[0]["metric"]["service"] == "example");
  CHECK(recorded[0]["metric"]["cluster"] == "demo");
  CHECK(value_of(recorded[0]) == 0.5);
  json alerts = query_series(prometheus, "ALERTS", 1);
  CHECK(alerts[0]["metric"]["alertname"] == "ServiceDegraded");
  CHECK(alerts[0]["metric"]["alertstate"] == "firing");
  CHECK(alerts[0]["metric"]["cluster"] == "demo");
}

TEST_CASE("promtool check metrics accepts the live agent's /metrics without lint problems") {
  const std::string promtool = require_tool("promtool");
  TempDir dir;
  ExampleService example = start_example({"--fail", "--degrade"});
  std::string config = dir.write_file("vitals.yml",
                                      "global:\n  scrape_interval: 1s\n"
                                      "services:\n  - name: example\n    health_url: " +
                                          example.url("/health") +
                                          "\n    labels: {team: cards}\n"
                                          "probes:\n"
                                          "  - name: livez\n    http: {url: " +
                                          example.url("/livez") +
                                          "}\n"
                                          "  - name: closed\n    tcp: {address: 127.0.0.1:" +
                                          std::to_string(unused_port()) + "}\n");
  Agent agent = start_agent(config, dir.file("vitals.db"));
  agent.wait_for_state("example", "service", "unhealthy");
  agent.wait_for_state("livez", "probe", "up");
  agent.wait_for_state("closed", "probe", "down");
  // Every kind of series present: the service's checks, both probes' results.
  // The snapshot follows the log within 20 ms.
  SteadyTime deadline = std::chrono::steady_clock::now() + kSettleTimeout;
  HttpReply metrics = get(agent.port, "/metrics");
  while ((metrics.body.find("probe_success{probe=\"closed\"}") == std::string::npos ||
          metrics.body.find("vitals_check_up{") == std::string::npos) &&
         std::chrono::steady_clock::now() < deadline) {
    metrics = get(agent.port, "/metrics");
  }
  REQUIRE(metrics.status == 200);
  CHECK(metrics.content_type == "text/plain; version=0.0.4; charset=utf-8");

  std::string body = dir.write_file("metrics.txt", metrics.body);
  ToolRun run = run_to_exit(promtool, {"check", "metrics"}, body);
  CHECK_MESSAGE(run.status.exited_with(0), to_string(run.status) << ":\n" << run.output);
  CHECK_MESSAGE(run.output.empty(), "promtool said:\n" << run.output << "\non:\n" << metrics.body);
}

}  // namespace
}  // namespace vitals::testing
