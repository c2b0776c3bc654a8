// Starting the real Prometheus and Alertmanager from Debian's packages (prometheus,
// prometheus-alertmanager) for the integration and end-to-end tests, and reading their bare-JSON
// APIs. A missing binary fails the test: a proof that silently does not run proves nothing.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "tests/integration/agent_fixture.h"

namespace vitals::testing {

// Both are large Go binaries; a loaded 2-core machine may take a while to start them.
constexpr auto kPrometheusStartTimeout = 20s;
constexpr auto kAlertmanagerStartTimeout = 20s;

// `name` on $PATH (prometheus, promtool, prometheus-alertmanager).
inline std::string require_tool(const std::string& name) {
  auto path = find_on_path(name);
  REQUIRE_MESSAGE(path, name << " not found on PATH: run scripts/setup, which installs Debian's "
                                "prometheus and prometheus-alertmanager packages");
  return *path;
}

// Whole seconds as a Prometheus duration, e.g. "3s".
inline std::string prometheus_seconds(Duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + "s";
}

struct Prometheus {
  Process process;
  int port = 0;
};

// Starts Prometheus with `config` on a free loopback port, data under `dir`. The port is chosen
// before Prometheus binds it, so a port taken in between is retried.
inline Prometheus start_prometheus(const std::string& binary, const TempDir& dir,
                                   const std::string& config) {
  std::string failures;
  for (int attempt = 1;; ++attempt) {
    int port = unused_port();
    Process process = spawn_with_stderr(
        binary, {"--config.file=" + config, "--storage.tsdb.path=" + dir.file("tsdb"),
                 "--web.listen-address=127.0.0.1:" + std::to_string(port)});
    auto ready = process.wait_for_line_where(
        [](std::string_view line) {
          return line.find("Server is ready to receive web requests") != std::string_view::npos;
        },
        kPrometheusStartTimeout);
    if (ready) return Prometheus{std::move(process), port};
    failures += "\n" + to_string(ready.error());
    // Exited (a taken port, say): try another port. Hung: give up.
    bool exited = ready.error().code == ErrorCode::Unavailable;
    REQUIRE_MESSAGE((exited && attempt < 3), "prometheus did not start:" << failures);
  }
}

struct Alertmanager {
  Process process;
  int port = 0;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
};

// Where a clustered Alertmanager gossips, the peer it joins, and how long it waits for that peer
// before sending what the peer has not logged as sent.
struct ClusterPorts {
  int listen = 0;
  int peer = 0;
  Duration peer_timeout{};
};

// Starts Alertmanager on `port` with its data in `storage`; clustered when `cluster` is set.
// Nothing when it exited before serving (a port taken since it was chosen, say), so the caller
// may retry with other ports; a hang fails the test.
inline std::optional<Alertmanager> try_start_alertmanager(const std::string& binary,
                                                          const std::string& config,
                                                          const std::string& storage, int port,
                                                          std::optional<ClusterPorts> cluster,
                                                          std::string& failures) {
  std::vector<std::string> args = {"--config.file=" + config, "--storage.path=" + storage,
                                   "--web.listen-address=127.0.0.1:" + std::to_string(port)};
  if (cluster) {
    const std::string self = "127.0.0.1:" + std::to_string(cluster->listen);
    args.insert(args.end(),
                {"--cluster.listen-address=" + self, "--cluster.advertise-address=" + self,
                 "--cluster.peer=127.0.0.1:" + std::to_string(cluster->peer),
                 "--cluster.peer-timeout=" + prometheus_seconds(cluster->peer_timeout),
                 // Fast gossip and a short settle: a loopback pair agrees within milliseconds,
                 // and Alertmanager holds back every notification until it has settled.
                 "--cluster.gossip-interval=50ms", "--cluster.pushpull-interval=1s",
                 "--cluster.settle-timeout=2s",
                 // The peer started second may not be up when the first tries to join it.
                 "--cluster.reconnect-interval=1s"});
  } else {
    args.push_back("--cluster.listen-address=");
  }
  Process process = spawn_with_stderr(binary, args);
  auto ready = process.wait_for_line_where(
      [](std::string_view line) {
        return line.find("msg=\"Listening on\"") != std::string_view::npos;
      },
      kAlertmanagerStartTimeout);
  if (ready) return Alertmanager{std::move(process), port};
  failures += "\n" + to_string(ready.error());
  for (const std::string& line : process.output()) failures += "\n  | " + line;
  REQUIRE_MESSAGE(ready.error().code == ErrorCode::Unavailable,
                  "prometheus-alertmanager did not start:" << failures);
  return std::nullopt;
}

// One Alertmanager with clustering off, its data under `dir`.
inline Alertmanager start_alertmanager(const std::string& binary, const TempDir& dir,
                                       const std::string& config) {
  std::string failures;
  for (int attempt = 1;; ++attempt) {
    auto started = try_start_alertmanager(binary, config, dir.file("am"), unused_port(),
                                          std::nullopt, failures);
    if (started) return std::move(*started);
    REQUIRE_MESSAGE(attempt < 3, "prometheus-alertmanager did not start:" << failures);
  }
}

// Two Alertmanagers on loopback with `config`, each naming the other as its peer, their data
// under `dir` (am-a, am-b). Every port is chosen before it is bound, so a pair that lost one to
// another process is started again on new ones. The cluster may not have formed yet: see
// wait_until_clustered.
inline std::pair<Alertmanager, Alertmanager> start_alertmanager_pair(const std::string& binary,
                                                                     const TempDir& dir,
                                                                     const std::string& config,
                                                                     Duration peer_timeout) {
  std::string failures;
  for (int attempt = 1;; ++attempt) {
    const int gossip_a = unused_port();
    const int gossip_b = unused_port();
    auto a = try_start_alertmanager(binary, config, dir.file("am-a"), unused_port(),
                                    ClusterPorts{gossip_a, gossip_b, peer_timeout}, failures);
    std::optional<Alertmanager> b;
    if (a) {
      b = try_start_alertmanager(binary, config, dir.file("am-b"), unused_port(),
                                 ClusterPorts{gossip_b, gossip_a, peer_timeout}, failures);
    }
    if (b) return {std::move(*a), std::move(*b)};
    REQUIRE_MESSAGE(attempt < 3, "the Alertmanager cluster did not start:" << failures);
  }
}

// GET `path` as JSON, asked again until `done` holds or `timeout` passes; returns the last
// answer. Prometheus' and Alertmanager's APIs answer bare JSON, not the agent's envelope.
template <class Done>
nlohmann::json poll_json(int port, const std::string& path, Done done, Duration timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    HttpReply reply = get(port, path);
    auto body = nlohmann::json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
    if ((reply.status == 200 && done(body)) || std::chrono::steady_clock::now() >= deadline) {
      return body;
    }
    std::this_thread::sleep_for(100ms);
  }
}

// Waits until `am` counts `members` members in its cluster, itself included, and has settled
// (status "ready"); fails the test when it has not within `timeout`.
inline void wait_until_clustered(const Alertmanager& am, std::size_t members, Duration timeout) {
  auto joined = [&](const nlohmann::json& status) {
    if (!status.is_object()) return false;
    const nlohmann::json cluster = status.value("cluster", nlohmann::json::object());
    return cluster.value("status", "") == "ready" &&
           cluster.value("peers", nlohmann::json::array()).size() == members;
  };
  nlohmann::json status = poll_json(am.port, "/api/v2/status", joined, timeout);
  REQUIRE_MESSAGE(joined(status), am.url() << ": " << status.dump());
}

// How many notifications the Alertmanager sent to webhooks, by its own /metrics.
inline double webhooks_sent(const Alertmanager& am) {
  HttpReply reply = get(am.port, "/metrics");
  REQUIRE_MESSAGE(reply.status == 200, reply.body);
  auto sent = sample_value(parse_samples(reply.body), "alertmanager_notifications_total",
                           {{"integration", "webhook"}});
  REQUIRE_MESSAGE(sent, am.url() << " has no alertmanager_notifications_total for webhooks");
  return *sent;
}

}  // namespace vitals::testing
