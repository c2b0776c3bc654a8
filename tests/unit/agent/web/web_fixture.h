// A WebServer on a loopback port with handlers a test controls, a hand-built snapshot, and a
// small HTTP client that returns status, headers and body, for the web server's tests.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "agent/web/server.h"
#include "tests/support/fake_clock.h"

namespace vitals::testing {

inline WallTime at_offset(Duration d) {
  return FakeClock::kStartWall + std::chrono::duration_cast<WallTime::duration>(d);
}

// card-service (degraded: one healthy check, one failing with details), feed-service
// (unreachable), and probes card-api (up), public-cert (down, certificate) and api-dns (not run).
inline std::shared_ptr<const AgentSnapshot> sample_snapshot() {
  using std::chrono::hours;
  using std::chrono::milliseconds;
  auto card = std::make_shared<ServiceView>(
      ServiceView{.name = "card-service",
                  .labels = {{"team", "cards"}},
                  .health_url = "http://127.0.0.1:8081/health",
                  .status = "degraded",
                  .checks = {CheckView{.name = "db",
                                       .status = "healthy",
                                       .duration_seconds = 0.002,
                                       .since = at_offset(-hours(3))},
                             CheckView{.name = "feed",
                                       .status = "degraded",
                                       .error = "feed is 12s late",
                                       .metadata = {{"lag", "12s"}},
                                       .duration_seconds = 0.5,
                                       .critical = false,
                                       .since = at_offset(-hours(1))}},
                  .last_scrape = at_offset(-milliseconds(1500)),
                  .scrape_duration_seconds = 0.025,
                  .since = at_offset(-hours(1))});
  auto feed = std::make_shared<ServiceView>(ServiceView{.name = "feed-service",
                                                        .status = "unreachable",
                                                        .reason = FailureReason::Connect,
                                                        .error = "connection refused",
                                                        .since = at_offset(-hours(2)),
                                                        .suppressed = true});
  ProbeResult up{.success = true,
                 .duration = milliseconds(12),
                 .phases = {.resolve = milliseconds(1),
                            .connect = milliseconds(2),
                            .processing = milliseconds(8),
                            .transfer = milliseconds(1)},
                 .http_status = 200};
  ProbeResult expiring{.reason = FailureReason::Certificate,
                       .error = "certificate expires in 3 days",
                       .duration = milliseconds(40),
                       .cert_expiry = at_offset(hours(72))};
  auto snapshot = std::make_shared<AgentSnapshot>();
  snapshot->services = {card, feed};
  snapshot->probes = {
      std::make_shared<ProbeView>(ProbeView{.name = "card-api",
                                            .kind = "http",
                                            .target = "http://127.0.0.1:8081/ping",
                                            .labels = {{"component", "cards"}},
                                            .last = up,
                                            .last_run = at_offset(-std::chrono::seconds(4)),
                                            .since = at_offset(-hours(5))}),
      std::make_shared<ProbeView>(ProbeView{.name = "public-cert",
                                            .kind = "tls",
                                            .target = "example.test:443",
                                            .last = expiring,
                                            .last_run = at_offset(-std::chrono::seconds(9)),
                                            .since = at_offset(-hours(6))}),
      std::make_shared<ProbeView>(
          ProbeView{.name = "api-dns", .kind = "dns", .target = "api.example.test"})};
  snapshot->taken = at_offset(Duration(0));
  return snapshot;
}

struct Reply {
  int status = 0;
  std::string body{};
  httplib::Headers headers{};

  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  nlohmann::json json() const { return nlohmann::json::parse(body); }
};

// One request on its own connection; status 0 with the error's name as body when none came.
inline Reply request(int port, const std::string& method, const std::string& path,
                     const httplib::Headers& headers = {}, const std::string& body = "") {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(std::chrono::seconds(2));
  client.set_read_timeout(std::chrono::seconds(5));
  httplib::Result result = method == "GET"    ? client.Get(path, headers)
                           : method == "POST" ? client.Post(path, headers, body, "text/plain")
                           : method == "PUT"  ? client.Put(path, headers, body, "text/plain")
                           : method == "HEAD" ? client.Head(path, headers)
                                              : client.Delete(path, headers);
  if (!result) return Reply{.body = httplib::to_string(result.error())};
  return Reply{.status = result->status, .body = result->body, .headers = result->headers};
}

// Handlers answering from fields the test sets between requests.
struct WebFixture {
  FakeClock clock{};
  std::atomic<bool> ready{true};
  std::atomic<bool> reload_fails{false};
  std::atomic<int> reloads{0};
  std::atomic<bool> snapshot_throws{false};
  std::shared_ptr<const AgentSnapshot> snapshot = sample_snapshot();
  HistoryStore* history = nullptr;
  SampleWindow* window = nullptr;
  notify::ExternalLabels external_labels{};

  WebHandlers handlers() {
    return WebHandlers{.snapshot =
                           [this] {
                             if (snapshot_throws) throw std::runtime_error("snapshot exploded");
                             return snapshot;
                           },
                       .render_metrics = [] { return std::string("vitals_up 1\n"); },
                       .reload = [this]() -> Result<void> {
                         ++reloads;
                         if (reload_fails) {
                           return make_error(ErrorCode::InvalidArgument,
                                             "vitals.yml:3:5: unknown key \"scrape_intervall\"");
                         }
                         return {};
                       },
                       .ready = [this] { return ready.load(); },
                       .history = history,
                       .window = window,
                       .external_labels = [this] { return external_labels; },
                       .clock = &clock};
  }

  Result<std::unique_ptr<WebServer>> start(WebOptions options = {.listen_address = "127.0.0.1:0"}) {
    return WebServer::start(std::move(options), handlers());
  }
};

}  // namespace vitals::testing
