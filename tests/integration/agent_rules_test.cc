// The rule engine inside the real agent: PromQL over what it scraped (/api/v1/query and
// query_range), alerts on /api/v1/alerts and /api/v1/rules, and state that survives kill -9.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <thread>

#include "tests/integration/agent_fixture.h"

namespace vitals::testing {
namespace {

using nlohmann::json;

constexpr const char* kGlobal =
    "global:\n"
    "  scrape_interval: 1s\n"
    "  evaluation_interval: 1s\n";

constexpr const char* kRules = R"(groups:
  - name: availability
    rules:
      - alert: DownForAnHour
        expr: vitals_service_health == 0
        for: 1h
      - alert: DownNow
        expr: vitals_service_health == 0
        labels: {severity: page}
        annotations:
          summary: "{{ $labels.service }} is down"
)";

json alerts_named(int port, const std::string& name) {
  json out = json::array();
  const json data = get_data(port, "/api/v1/alerts");
  for (const json& alert : data["alerts"]) {
    if (alert["labels"].value("alertname", "") == name) out.push_back(alert);
  }
  return out;
}

// Waits until both alerts are there, DownNow firing; returns their activeAt by name.
std::map<std::string, std::string> wait_for_alerts(const Agent& agent) {
  json data = poll_data(agent.port, "/api/v1/alerts", [](const json& d) {
    int seen = 0;
    for (const json& alert : d["alerts"]) {
      const std::string name = alert["labels"].value("alertname", "");
      if (name == "DownNow" && alert["state"] == "firing") ++seen;
      if (name == "DownForAnHour" && alert["state"] == "pending") ++seen;
    }
    return seen == 2;
  });
  std::map<std::string, std::string> active_at;
  for (const json& alert : data["alerts"]) {
    active_at[alert["labels"].value("alertname", "")] = alert.value("activeAt", "");
  }
  REQUIRE_MESSAGE(active_at.size() == 2, data.dump() << agent.said());
  return active_at;
}

// Waits for `n` more evaluations of the (only) rule group.
void wait_evaluations(const Agent& agent, int n) {
  auto last = [&] {
    return get_data(agent.port, "/api/v1/rules")["groups"][0].value("lastEvaluation", "");
  };
  std::set<std::string> seen{last()};
  const auto deadline = std::chrono::steady_clock::now() + kEventTimeout;
  while (static_cast<int>(seen.size()) <= n && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
    seen.insert(last());
  }
  REQUIRE_MESSAGE(static_cast<int>(seen.size()) > n, "the group stopped evaluating");
}

TEST_CASE("alerts fire from the agent's own series and survive kill -9 unchanged") {
  TempDir dir;
  dir.write_file("rules.yml", kRules);
  std::string config = dir.write_file(
      "vitals.yml", std::string(kGlobal) + "services:\n  - name: gone\n    health_url: " +
                        "http://127.0.0.1:" + std::to_string(unused_port()) + "/health\n" +
                        "rule_files: [rules.yml]\n");
  std::string storage = dir.file("data/vitals.db");
  std::map<std::string, std::string> before;
  {
    Agent agent = start_agent(config, storage);
    before = wait_for_alerts(agent);
    agent.wait_for_log({"msg=\"alert due\"", "alertname=DownNow", "state=firing"});
    json rules = get_data(agent.port, "/api/v1/rules")["groups"][0]["rules"];
    CHECK(rules[0]["state"] == "pending");
    CHECK(rules[1]["state"] == "firing");
    CHECK(rules[1]["alerts"][0]["annotations"]["summary"] == "gone is down");
    wait_evaluations(agent, 2);  // the state after firing is on disk
    ExitStatus killed = agent.process.kill();
    CHECK(killed.signal == SIGKILL);
  }
  Agent again = start_agent(config, storage);
  std::map<std::string, std::string> after = wait_for_alerts(again);
  CHECK(after["DownForAnHour"] == before["DownForAnHour"]);  // pending since, kept
  CHECK(after["DownNow"] == before["DownNow"]);              // firing since, kept
  // Handed to the notifier once more as the rules start again, as firing (its groups died with
  // the process; its log keeps receivers from being paged twice), and not at each evaluation.
  again.wait_for_log({"msg=\"alert due\"", "alertname=DownNow", "state=firing"});
  wait_evaluations(again, 3);
  (void)again.process.wait_for_line_where([](std::string_view) { return false; }, 0s);
  std::string resent;
  for (const std::string& line : again.process.output()) {
    if (line.find("msg=\"alert due\"") != std::string::npos) resent += line + "\n";
  }
  CHECK_MESSAGE(std::count(resent.begin(), resent.end(), '\n') == 1, resent);
  CHECK_MESSAGE(alerts_named(again.port, "DownNow").size() == 1,
                get_data(again.port, "/api/v1/rules").dump() << again.said());
}

TEST_CASE("PromQL over scraped counters, before and right after a restart") {
  TempDir dir;
  ExampleService shop = start_example({});
  std::string config = dir.write_file(
      "vitals.yml", std::string(kGlobal) + "services:\n  - name: shop\n    health_url: " +
                        shop.url("/health") + "\n    metrics_url: " + shop.url("/metrics") + "\n");
  std::string storage = dir.file("vitals.db");
  auto order = [&] {
    httplib::Client client("127.0.0.1", shop.port);
    auto placed = client.Post("/order", "", "text/plain");
    REQUIRE(placed);
  };
  const std::string count = "/api/v1/query?query=count_over_time(example_orders_total%5B1h%5D)";
  double counted = 0;
  {
    Agent agent = start_agent(config, storage);
    json data = poll_data(agent.port, count, [&](const json& d) {
      order();
      return d["result"].size() == 1 &&
             std::stod(d["result"][0]["value"][1].get<std::string>()) >= 4;
    });
    REQUIRE_MESSAGE(data["result"].size() == 1, data.dump() << agent.said());
    CHECK(data["resultType"] == "vector");
    CHECK(data["result"][0]["metric"]["service"] == "shop");
    counted = std::stod(data["result"][0]["value"][1].get<std::string>());
    json rate = get_data(agent.port, "/api/v1/query?query=rate(example_orders_total%5B1m%5D)");
    REQUIRE(rate["result"].size() == 1);
    CHECK(std::stod(rate["result"][0]["value"][1].get<std::string>()) > 0);

    json range =
        get_data(agent.port, "/api/v1/query_range?query=up%7Bservice%3D%22shop%22%7D&start=" +
                                 std::to_string(std::time(nullptr) - 5) +
                                 "&end=" + std::to_string(std::time(nullptr)) + "&step=1s");
    CHECK(range["resultType"] == "matrix");
    REQUIRE(range["result"].size() == 1);
    CHECK(range["result"][0]["values"].size() >= 2);

    HttpReply bad = get(agent.port, "/api/v1/query?query=sum(");
    CHECK(bad.status == 400);
    CHECK(bad.body.find("parse error") != std::string::npos);

    agent.process.send_signal(SIGTERM);
    auto ended = agent.process.wait_exit(10s);
    REQUIRE_MESSAGE(ended, why(ended));
  }
  Agent again = start_agent(config, storage);
  json data = get_data(again.port, count);
  REQUIRE_MESSAGE(data["result"].size() == 1, data.dump());
  CHECK(std::stod(data["result"][0]["value"][1].get<std::string>()) >= counted);
}

}  // namespace
}  // namespace vitals::testing
