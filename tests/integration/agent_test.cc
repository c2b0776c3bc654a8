// Runs the real vitals-agent against real checkers-example services and loopback ports, and
// checks what an operator sees: the JSON API, /metrics and history; details only with the
// service's token; reloads that refuse bad files and keep state; the listen-address guard;
// `check config`; clean and unclean stops with a sound SQLite file; and the scrape timeout
// reaching the checkers.
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <future>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "tests/integration/agent_fixture.h"
#include "tests/support/loopback_http_server.h"
#include "tests/support/loopback_socket.h"
#include "vitals/common/duration.h"

namespace vitals::testing {
namespace {

using nlohmann::json;

std::string port_text(int port) {
  return std::to_string(port);
}

// `global` with 1 s intervals, so every target reports within about a second.
constexpr const char* kFastGlobal =
    "global:\n"
    "  scrape_interval: 1s\n";

std::string service_yaml(const std::string& name, const std::string& health_url,
                         const std::string& extra = "") {
  return "  - name: " + name + "\n    health_url: " + health_url + "\n" + extra;
}

std::string tcp_probe_yaml(const std::string& name, int port) {
  return "  - name: " + name + "\n    tcp: {address: 127.0.0.1:" + port_text(port) + "}\n";
}

std::string http_probe_yaml(const std::string& name, const std::string& url) {
  return "  - name: " + name + "\n    http: {url: " + url + "}\n";
}

// The check `name` of `service` in /api/v1/checks' list; an empty object when absent.
json find_check(const json& checks, const std::string& service, const std::string& name) {
  for (const auto& check : checks) {
    if (check.value("service", "") == service && check.value("check", "") == name) return check;
  }
  return json::object();
}

bool has_change(const json& history, const std::string& kind, const std::string& status,
                const std::string& check = "") {
  for (const auto& change : history.value("changes", json::array())) {
    if (change.value("kind", "") == kind && change.value("status", "") == status &&
        change.value("check", "") == check) {
      return true;
    }
  }
  return false;
}

TEST_CASE("the agent shows healthy, degraded and failing services and two probes everywhere") {
  TempDir dir;
  ExampleService healthy = start_example({});
  ExampleService degraded = start_example({"--degrade"});
  ExampleService failing = start_example({"--fail", "--degrade"});
  const int closed_port = unused_port();
  std::string config = dir.write_file(
      "vitals.yml",
      std::string(kFastGlobal) + "services:\n" + service_yaml("healthy", healthy.url("/health")) +
          service_yaml("degraded", degraded.url("/health")) +
          service_yaml("failing", failing.url("/health")) + "probes:\n" +
          http_probe_yaml("livez", healthy.url("/livez")) + tcp_probe_yaml("closed", closed_port));
  Agent agent = start_agent(config, dir.file("vitals.db"));
  agent.wait_for_state("healthy", "service", "healthy");
  agent.wait_for_state("degraded", "service", "degraded");
  agent.wait_for_state("failing", "service", "unhealthy");
  agent.wait_for_check("failing", "fail", "unhealthy");
  agent.wait_for_state("livez", "probe", "up");
  std::string closed_line = agent.wait_for_state("closed", "probe", "down");
  CHECK_MESSAGE(closed_line.find("reason=connect") != std::string::npos, closed_line);

  json services = poll_data(agent.port, "/api/v1/services", [](json data) {
    return find_by(data["services"], "name", "healthy").value("status", "") == "healthy" &&
           find_by(data["services"], "name", "degraded").value("status", "") == "degraded" &&
           find_by(data["services"], "name", "failing").value("status", "") == "unhealthy";
  })["services"];
  json up = find_by(services, "name", "healthy");
  CHECK_MESSAGE(up["status"] == "healthy", services.dump() << "\n" << agent.said());
  CHECK(up["health"] == 1.0);
  CHECK(up["health_url"] == healthy.url("/health"));
  CHECK(up["last_scrape"].is_string());
  CHECK_MESSAGE(!up.contains("reason"), up.dump());
  json half = find_by(services, "name", "degraded");
  CHECK(half["status"] == "degraded");
  CHECK(half["health"] == 0.5);
  json down = find_by(services, "name", "failing");
  CHECK(down["status"] == "unhealthy");
  CHECK(down["health"] == 0.0);
  CHECK(find_by(down["checks"], "check", "fail")["status"] == "unhealthy");
  CHECK(find_by(down["checks"], "check", "self")["status"] == "healthy");

  json checks = get_data(agent.port, "/api/v1/checks")["checks"];
  CHECK(find_check(checks, "healthy", "self")["status"] == "healthy");
  CHECK(find_check(checks, "degraded", "degrade")["status"] == "degraded");
  CHECK(find_check(checks, "degraded", "degrade")["critical"] == false);
  json fail = find_check(checks, "failing", "fail");
  CHECK(fail["status"] == "unhealthy");
  CHECK_MESSAGE(!fail.contains("error"), "no token, yet the agent shows: " << fail.dump());

  json probes = poll_data(agent.port, "/api/v1/probes", [](json data) {
    return find_by(data["probes"], "name", "closed").value("status", "") == "down" &&
           find_by(data["probes"], "name", "livez").value("status", "") == "up";
  });
  CHECK(probes["vantage_degraded"] == false);
  json livez = find_by(probes["probes"], "name", "livez");
  CHECK(livez["status"] == "up");
  CHECK(livez["kind"] == "http");
  CHECK(livez["target"] == healthy.url("/livez"));
  CHECK(livez["last"]["success"] == true);
  CHECK(livez["last"]["http_status"] == 200);
  json closed = find_by(probes["probes"], "name", "closed");
  CHECK(closed["status"] == "down");
  CHECK(closed["kind"] == "tcp");
  CHECK(closed["last"]["success"] == false);
  CHECK(closed["last"]["reason"] == "connect");
  CHECK_MESSAGE(closed["last"].value("error", "").find("127.0.0.1:" + port_text(closed_port)) !=
                    std::string::npos,
                closed.dump());

  std::vector<Sample> metrics = get_metrics(agent.port);
  CHECK(sample_value(metrics, "vitals_check_up", {{"service", "healthy"}, {"check", "self"}}) ==
        1.0);
  CHECK(sample_value(metrics, "vitals_check_up", {{"service", "failing"}, {"check", "fail"}}) ==
        0.0);
  CHECK(sample_value(metrics, "vitals_check_up", {{"service", "degraded"}, {"check", "degrade"}}) ==
        0.0);
  CHECK(sample_value(metrics, "vitals_service_health", {{"service", "healthy"}}) == 1.0);
  CHECK(sample_value(metrics, "vitals_service_health", {{"service", "degraded"}}) == 0.5);
  CHECK(sample_value(metrics, "vitals_service_health", {{"service", "failing"}}) == 0.0);
  CHECK(sample_value(metrics, "probe_success", {{"probe", "livez"}}) == 1.0);
  CHECK(sample_value(metrics, "probe_success", {{"probe", "closed"}}) == 0.0);
  CHECK(sample_value(metrics, "probe_http_status_code", {{"probe", "livez"}}) == 200.0);
  CHECK(sample_value(metrics, "probe_failure_reason",
                     {{"probe", "closed"}, {"reason", "connect"}}) == 1.0);
  CHECK(sample_value(metrics, "probe_failure_reason",
                     {{"probe", "closed"}, {"reason", "timeout"}}) == 0.0);
  CHECK(sample_value(metrics, "probe_failure_reason",
                     {{"probe", "livez"}, {"reason", "connect"}}) == 0.0);

  // The writer commits within 200 ms of a change; nothing announces the commit.
  json failing_history = poll_data(agent.port, "/api/v1/history?target=failing", [](json h) {
    return has_change(h, "service", "unhealthy") && has_change(h, "check", "unhealthy", "fail");
  });
  CHECK_MESSAGE(has_change(failing_history, "service", "unhealthy"), failing_history.dump());
  CHECK_MESSAGE(has_change(failing_history, "check", "unhealthy", "fail"), failing_history.dump());
  CHECK_MESSAGE(has_change(failing_history, "check", "healthy", "self"), failing_history.dump());
  json closed_history = poll_data(agent.port, "/api/v1/history?target=closed",
                                  [](json h) { return has_change(h, "probe", "down"); });
  REQUIRE_MESSAGE(has_change(closed_history, "probe", "down"), closed_history.dump());
  CHECK(closed_history["changes"][0]["reason"] == "connect");
  CHECK(closed_history["changes"][0]["target"] == "closed");
}

TEST_CASE("the agent shows a failing check's error and metadata only with the details token") {
  TempDir dir;
  ExampleService failing = start_example({"--fail", "--details-token", "s3cret"});
  dir.write_file("details-token", "s3cret\n");
  std::string config = dir.write_file(
      "vitals.yml", std::string(kFastGlobal) + "services:\n" +
                        service_yaml("with-token", failing.url("/health"),
                                     "    authorization: {credentials_file: details-token}\n") +
                        service_yaml("without-token", failing.url("/health")));
  Agent agent = start_agent(config, dir.file("vitals.db"));
  std::string shown = agent.wait_for_check("with-token", "fail", "unhealthy");
  CHECK_MESSAGE(shown.find("payments upstream refused the connection") != std::string::npos, shown);
  std::string hidden = agent.wait_for_check("without-token", "fail", "unhealthy");
  CHECK_MESSAGE(hidden.find("error=") == std::string::npos, hidden);

  json checks = poll_data(agent.port, "/api/v1/checks", [](json data) {
    return !find_check(data["checks"], "with-token", "fail").empty() &&
           !find_check(data["checks"], "without-token", "fail").empty();
  })["checks"];
  json with_token = find_check(checks, "with-token", "fail");
  CHECK(with_token["status"] == "unhealthy");
  CHECK(with_token["error"] == "payments upstream refused the connection");
  CHECK(with_token["metadata"]["upstream"] == "127.0.0.1:9");
  CHECK_MESSAGE(!with_token["metadata"].contains("api_key"), with_token.dump());
  CHECK(find_check(checks, "with-token", "orders")["metadata"].contains("orders_total"));

  json without_token = find_check(checks, "without-token", "fail");
  CHECK(without_token["status"] == "unhealthy");
  CHECK_MESSAGE(!without_token.contains("error"), without_token.dump());
  CHECK_MESSAGE(!without_token.contains("metadata"), without_token.dump());
  CHECK_MESSAGE(!find_check(checks, "without-token", "orders").contains("metadata"), checks.dump());
  CHECK_MESSAGE(checks.dump().find("example-secret") == std::string::npos, checks.dump());
}

TEST_CASE("SIGHUP refuses an invalid file and keeps the old targets, then applies a valid one") {
  TempDir dir;
  auto web = std::make_optional<LoopbackHttpServer>([](httplib::Server& server) {
    server.Get("/ping", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("pong", "text/plain");
    });
  });
  const std::string v1 = std::string(kFastGlobal) + "probes:\n" +    // lines 1-3
                         tcp_probe_yaml("closed", unused_port()) +   // lines 4-5
                         http_probe_yaml("web", web->url("/ping"));  // lines 6-7
  std::string config = dir.write_file("vitals.yml", v1);
  Agent agent = start_agent(config, dir.file("vitals.db"));
  agent.wait_for_state("closed", "probe", "down");
  agent.wait_for_state("web", "probe", "up");
  json before = poll_data(agent.port, "/api/v1/probes", [](json data) {
    return find_by(data["probes"], "name", "closed").value("status", "") == "down" &&
           find_by(data["probes"], "name", "web").value("status", "") == "up";
  });
  const std::string since = find_by(before["probes"], "name", "closed").value("since", "");
  REQUIRE_MESSAGE(!since.empty(), before.dump());

  // Line 9, column 5: the misspelt key.
  const std::string self_address = "    tcp: {address: 127.0.0.1:" + port_text(agent.port) + "}\n";
  dir.write_file("vitals.yml", v1 + "  - name: self\n    intervall: 1s\n" + self_address);
  agent.process.send_signal(SIGHUP);
  std::string refused = agent.wait_for_log({"configuration reload refused", config + ":9:5: "});
  CHECK_MESSAGE(refused.find("unknown key") != std::string::npos, refused);
  CHECK(get(agent.port, "/-/healthy").status == 200);
  // The agent logs the refusal, then sets the gauge.
  auto refused_gauge = [](const std::vector<Sample>& samples) {
    return sample_value(samples, "vitals_config_last_reload_successful") == 0.0;
  };
  CHECK(refused_gauge(poll_metrics(agent.port, refused_gauge)));
  // The old configuration still runs: the web probe notices its server going away.
  web.reset();
  agent.wait_for_state("web", "probe", "down");
  json kept = get_data(agent.port, "/api/v1/probes")["probes"];
  CHECK_MESSAGE(kept.size() == 2, kept.dump());
  CHECK_MESSAGE(find_by(kept, "name", "self").empty(), kept.dump());
  CHECK(find_by(kept, "name", "closed")["since"] == since);

  dir.write_file("vitals.yml", v1 + "  - name: self\n" + self_address);
  agent.process.send_signal(SIGHUP);
  agent.wait_for_log({"msg=\"configuration reloaded\""});
  agent.wait_for_state("self", "probe", "up");
  json probes = poll_data(agent.port, "/api/v1/probes", [](json data) {
    return find_by(data["probes"], "name", "self").value("status", "") == "up";
  })["probes"];
  REQUIRE_MESSAGE(probes.size() == 3, probes.dump());
  CHECK(find_by(probes, "name", "self")["status"] == "up");
  json closed = find_by(probes, "name", "closed");
  CHECK(closed["status"] == "down");
  CHECK_MESSAGE(closed["since"] == since, "the unchanged probe lost its state: " << closed.dump());
  std::vector<Sample> metrics = get_metrics(agent.port);
  CHECK(sample_value(metrics, "vitals_config_last_reload_successful") == 1.0);
  CHECK(sample_value(metrics, "probe_success", {{"probe", "self"}}) == 1.0);
}

TEST_CASE("POST /-/reload needs the admin token and reports a refused file") {
  TempDir dir;
  dir.write_file("admin-token", "let-me-in\n");
  const std::string valid = std::string(kFastGlobal) +
                            "web:\n  admin_token_file: admin-token\n"  // lines 3-4
                            "probes:\n" +                              // line 5
                            tcp_probe_yaml("closed", unused_port());   // lines 6-7
  std::string config = dir.write_file("vitals.yml", valid);
  Agent agent = start_agent(config, dir.file("vitals.db"));

  HttpReply anonymous = post(agent.port, "/-/reload");
  CHECK(anonymous.status == 401);
  CHECK(post(agent.port, "/-/reload", bearer("not-the-token")).status == 401);
  HttpReply allowed = post(agent.port, "/-/reload", bearer("let-me-in"));
  CHECK_MESSAGE(allowed.status == 200, allowed.body);
  agent.wait_for_log({"msg=\"configuration reloaded\""});
  CHECK(get(agent.port, "/-/reload").status == 405);

  dir.write_file("vitals.yml", valid + "    timeout: fast\n");  // line 8, column 14
  HttpReply refused = post(agent.port, "/-/reload", bearer("let-me-in"));
  CHECK(refused.status == 500);
  CHECK_MESSAGE(
      refused.body.find("failed to reload config: " + config + ":8:14: ") != std::string::npos,
      refused.body);
  CHECK(get(agent.port, "/-/ready").status == 200);
}

TEST_CASE("the agent refuses to listen on 0.0.0.0 without an admin token") {
  TempDir dir;
  std::string config = dir.write_file("vitals.yml", std::string(kFastGlobal) + "probes:\n" +
                                                        tcp_probe_yaml("closed", unused_port()));
  ToolRun run = run_to_exit(VITALS_AGENT_BIN,
                            {"--config.file=" + config, "--web.listen-address=0.0.0.0:0",
                             "--storage.path=" + dir.file("vitals.db")},
                            "/dev/null", Streams::StderrOnly);
  CHECK_MESSAGE((run.status.exit_code && *run.status.exit_code != 0), to_string(run.status)
                                                                          << "\n"
                                                                          << run.output);
  CHECK_MESSAGE(run.output.find("refusing to listen on 0.0.0.0:0 without an admin token") !=
                    std::string::npos,
                run.output);
  // Refused before it touched anything: no database, no "stopped" from a half start.
  CHECK_FALSE(std::filesystem::exists(dir.file("vitals.db")));
  CHECK(run.output.find("vitals-agent stopped") == std::string::npos);
}

TEST_CASE("check config accepts a good file and names file:line:col for an unknown key") {
  TempDir dir;
  std::string good = dir.write_file(
      "good.yml", std::string(kFastGlobal) + "probes:\n" + tcp_probe_yaml("closed", 9));
  ToolRun accepted = run_to_exit(VITALS_AGENT_BIN, {"check", "config", good});
  CHECK_MESSAGE(accepted.status.exited_with(0), to_string(accepted.status) << "\n"
                                                                           << accepted.output);
  CHECK_MESSAGE(accepted.output.find(good + ": SUCCESS") != std::string::npos, accepted.output);

  std::string bad = dir.write_file("bad.yml", std::string(kFastGlobal) +
                                                  "probes:\n"
                                                  "  - name: closed\n"
                                                  "    tcp: {address: 127.0.0.1:9, sned: hi}\n");
  ToolRun refused = run_to_exit(VITALS_AGENT_BIN, {"check", "config", bad});
  CHECK_MESSAGE(refused.status.exited_with(1), to_string(refused.status) << "\n" << refused.output);
  CHECK_MESSAGE(refused.output.find(bad + ":5:33: unknown key \"sned\"") != std::string::npos,
                refused.output);
}

// Waits until the history of `target` holds a change of `kind` to `status`; returns it.
json committed_history(const Agent& agent, const std::string& target, const std::string& kind,
                       const std::string& status) {
  json history = poll_data(agent.port, "/api/v1/history?target=" + target,
                           [&](json h) { return has_change(h, kind, status); });
  REQUIRE_MESSAGE(has_change(history, kind, status), target << ": " << history.dump());
  return history;
}

TEST_CASE("SIGTERM stops the agent with exit 0 and leaves a sound database") {
  TempDir dir;
  std::string config = dir.write_file("vitals.yml", std::string(kFastGlobal) + "probes:\n" +
                                                        tcp_probe_yaml("closed", unused_port()));
  std::string storage = dir.file("data/vitals.db");
  Agent agent = start_agent(config, storage);
  agent.wait_for_state("closed", "probe", "down");
  committed_history(agent, "closed", "probe", "down");

  agent.process.send_signal(SIGTERM);
  auto ended = agent.process.wait_exit(10s);
  REQUIRE_MESSAGE(ended, why(ended));
  CHECK_MESSAGE(ended->exited_with(0), to_string(*ended));
  agent.wait_for_log({"msg=\"vitals-agent stopped\""}, 2s);
  CHECK(integrity_check(storage) == "ok");
}

TEST_CASE("after kill -9 during scrapes the agent restarts on the same file with its history") {
  TempDir dir;
  ExampleService failing = start_example({"--fail"});
  std::string config =
      dir.write_file("vitals.yml", std::string(kFastGlobal) + "services:\n" +
                                       service_yaml("failing", failing.url("/health")) +
                                       "probes:\n" + tcp_probe_yaml("closed", unused_port()));
  std::string storage = dir.file("vitals.db");
  json before;
  {
    Agent agent = start_agent(config, storage);
    agent.wait_for_state("failing", "service", "unhealthy");
    agent.wait_for_state("closed", "probe", "down");
    committed_history(agent, "failing", "service", "unhealthy");
    before = committed_history(agent, "closed", "probe", "down");

    // Someone reads /metrics and the history as fast as they can while the agent dies.
    std::promise<bool> reading;
    std::jthread reader([&reading, port = agent.port](std::stop_token stop) {
      for (bool first = true; !stop.stop_requested(); first = false) {
        bool answered =
            http_get(port, "/metrics") && http_get(port, "/api/v1/history?target=closed");
        if (first) reading.set_value(answered);
        if (!answered) return;
      }
    });
    auto answered = reading.get_future();
    bool reads_answered =
        answered.wait_for(kEventTimeout) == std::future_status::ready && answered.get();
    ExitStatus killed = agent.process.kill();
    reader.request_stop();
    reader.join();
    CHECK(reads_answered);
    CHECK(killed.signal == SIGKILL);
  }
  CHECK(integrity_check(storage) == "ok");

  Agent again = start_agent(config, storage);
  // It says that the last run died, in its log and its metrics.
  again.wait_for_log({"level=warn", "the previous run did not stop cleanly"});
  CHECK(sample_value(get_metrics(again.port), "vitals_previous_run_unclean") == 1.0);
  json after = committed_history(again, "closed", "probe", "down");
  std::set<std::string> times;
  for (const auto& change : after["changes"]) times.insert(change.value("at", ""));
  for (const auto& change : before["changes"]) {
    CHECK_MESSAGE(times.count(change.value("at", "")) == 1,
                  "lost after kill -9: " << change.dump() << "\nnow: " << after.dump());
  }
  json service = committed_history(again, "failing", "service", "unhealthy");
  CHECK(has_change(service, "check", "unhealthy", "fail"));
  again.wait_for_state("closed", "probe", "down");
  again.process.send_signal(SIGTERM);
  auto ended = again.process.wait_exit(10s);
  REQUIRE_MESSAGE(ended, why(ended));
  CHECK_MESSAGE(ended->exited_with(0), to_string(*ended));
  CHECK(integrity_check(storage) == "ok");

  // After a clean stop, the next start has nothing to say about it.
  Agent clean = start_agent(config, storage);
  CHECK(sample_value(get_metrics(clean.port), "vitals_previous_run_unclean") == 0.0);
  bool complained = false;
  for (const std::string& line : clean.process.output()) {
    complained = complained || line.find("did not stop cleanly") != std::string::npos;
  }
  CHECK_MESSAGE(!complained, clean.said());
  CHECK(clean.process.terminate(10s).exited_with(0));

  // A start that fails (its port taken) leaves no marker to be mistaken for a crash next time.
  LoopbackSocket taken(SOCK_STREAM);
  REQUIRE(::listen(taken.fd(), 1) == 0);
  ToolRun refused = run_to_exit(
      VITALS_AGENT_BIN, {"--config.file=" + config, "--web.listen-address=" + taken.address(),
                         "--storage.path=" + storage});
  CHECK_FALSE(refused.status.exited_with(0));
  CHECK_FALSE(std::filesystem::exists(storage + ".running"));
}

TEST_CASE("a hung checker behind the agent times out within the agent's scrape timeout") {
  TempDir dir;
  ExampleService hung = start_example({"--hang", "--details-token", "s3cret"});
  dir.write_file("details-token", "s3cret");
  std::string config = dir.write_file(
      "vitals.yml", std::string(kFastGlobal) + "services:\n" +
                        service_yaml("hung", hung.url("/health"),
                                     "    timeout: 1s\n"
                                     "    authorization: {credentials_file: details-token}\n"));
  Agent agent = start_agent(config, dir.file("vitals.db"));
  std::string line = agent.wait_for_check("hung", "hang", "unhealthy");
  CHECK_MESSAGE(line.find("error=\"timeout after ") != std::string::npos, line);

  json checks = poll_data(agent.port, "/api/v1/checks", [](json data) {
    return find_check(data["checks"], "hung", "hang").value("status", "") == "unhealthy";
  })["checks"];
  json hang = find_check(checks, "hung", "hang");
  REQUIRE_MESSAGE(hang.value("status", "") == "unhealthy", checks.dump());
  const std::string error = hang.value("error", "");
  constexpr std::string_view kPrefix = "timeout after ";
  REQUIRE_MESSAGE(error.starts_with(kPrefix), hang.dump());
  auto waited = parse_duration(std::string_view(error).substr(kPrefix.size()));
  REQUIRE_MESSAGE(waited, error);
  CHECK_MESSAGE(*waited <= 1s, error);
  CHECK(hang["duration_seconds"].get<double>() <= 1.05);
  // /health answered in time while the checker hung: the service is unhealthy, not unreachable.
  json service = find_by(get_data(agent.port, "/api/v1/services")["services"], "name", "hung");
  CHECK(service["status"] == "unhealthy");
  CHECK(find_by(service["checks"], "check", "self")["status"] == "healthy");
}

}  // namespace
TEST_CASE("a service's metrics_url is scraped into the window with its target labels") {
  TempDir dir;
  ExampleService example = start_example({});
  std::string config =
      dir.write_file("vitals.yml", std::string(kFastGlobal) + "services:\n" +
                                       service_yaml("orders", example.url("/health"),
                                                    "    metrics_url: " + example.url("/metrics") +
                                                        "\n    labels: {team: shop}\n"));
  Agent agent = start_agent(config, dir.file("vitals.db"));
  json series = poll_data(agent.port, "/api/v1/series?match%5B%5D=example_orders_total",
                          [](json data) { return data.is_array() && data.size() == 1; });
  REQUIRE_MESSAGE((series.is_array() && series.size() == 1), series.dump() << "\n" << agent.said());
  CHECK(series[0]["service"] == "orders");
  CHECK(series[0]["team"] == "shop");
  CHECK(series[0]["instance"].get<std::string>().starts_with("127.0.0.1:"));
  json up = get_data(agent.port, "/api/v1/series?match%5B%5D=up%7Bservice%3D%22orders%22%7D");
  CHECK_MESSAGE(up.size() == 1, up.dump());
  // The agent's own series about the service sit beside the scraped ones, without instance.
  json health = poll_data(
      agent.port, "/api/v1/series?match%5B%5D=vitals_service_health%7Bservice%3D%22orders%22%7D",
      [](json data) { return data.is_array() && data.size() == 1; });
  REQUIRE_MESSAGE((health.is_array() && health.size() == 1), health.dump());
  CHECK(health[0]["team"] == "shop");
  CHECK_FALSE(health[0].contains("instance"));
  json checks = get_data(agent.port,
                         "/api/v1/series?match%5B%5D=vitals_check_up%7Bservice%3D%22orders%22%7D");
  CHECK_MESSAGE(checks.size() >= 2, checks.dump());  // the agent's, and the service's own
  std::string metrics = get(agent.port, "/metrics").body;
  CHECK_MESSAGE(metrics.find("vitals_window_series ") != std::string::npos, metrics.substr(0, 500));
}

}  // namespace vitals::testing
