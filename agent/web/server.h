// The agent's HTTP server: /metrics, the lifecycle endpoints (/-/healthy, /-/ready, /-/reload)
// and the JSON API under /api/v1/. It only reads snapshots and calls the handlers it is given, so
// a slow client never holds up scraping or probing.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "agent/state/views.h"
#include "agent/store/history_store.h"
#include "agent/store/sample_window.h"
#include "alerts/notify/rule_alerts.h"
#include "alerts/rules/rule_group.h"
#include "vitals/common/clock.h"
#include "vitals/common/error.h"

namespace vitals {

class Notifier;

using RuleStatuses = rules::GroupStatuses;

// What the server reads and calls. Each function is called from the server's worker threads,
// several at once, so each must be thread-safe. The pointed-to objects must outlive the server.
struct WebHandlers {
  std::function<std::shared_ptr<const AgentSnapshot>()> snapshot{};  // required
  std::function<std::string()> render_metrics{};  // required: the whole /metrics body (0.0.4)
  // Required: POST /-/reload applies the configuration file again; an error (the refused
  // configuration's reason) is answered with 500 and its text.
  std::function<Result<void>()> reload{};
  std::function<bool()> ready{};    // required: GET /-/ready
  HistoryStore* history = nullptr;  // /api/v1/history answers 503 without it
  SampleWindow* window = nullptr;   // /api/v1/{series,labels,label/…/values}, /federate; 503
                                    // without it
  // global.external_labels as configured now, for /federate; none without it.
  std::function<notify::ExternalLabels()> external_labels{};
  const Clock* clock = nullptr;  // the "now" of history's default `since`; real clock if null
  // /api/v1/rules and /api/v1/alerts; no groups without it.
  std::function<RuleStatuses()> rules{};
  // Silences, acks, the notification log, and alerts' notification state; 503 without it.
  Notifier* notifier = nullptr;
  // The data of GET /api/v1/status (docs/status-page.md); 503 without it. The page at / is
  // served either way.
  std::function<nlohmann::json()> status{};
};

struct WebOptions {
  // host:port; "[::1]:port" for IPv6; port 0 takes any free port (see WebServer::port()).
  std::string listen_address = "127.0.0.1:9464";
  // Required for admin endpoints when set; without it only a loopback address is accepted.
  std::string admin_token{};
  std::size_t max_request_body_bytes = 1 << 20;  // larger bodies: 413
  std::size_t max_query_bytes = 8192;            // longer query strings: 414
  // Requests under /api/ per client address: a token bucket refilled at this rate, holding at
  // most api_burst; past it 429 with Retry-After. 0 turns the limit off.
  double api_requests_per_second = 100;
  double api_burst = 200;
  std::size_t worker_threads = 8;  // connections served at once
  // Accepted connections waiting for a worker; past this the server stops accepting and the
  // kernel's listen backlog holds the rest.
  std::size_t max_pending_connections = 64;
};

// Thread-safe. Serves on its own threads from start() until stop() or destruction.
class WebServer {
 public:
  // Binds and starts serving before returning. InvalidArgument for a malformed address, for a
  // non-loopback address without an admin token, or for a missing required handler; Unavailable
  // naming the address when it cannot be bound (e.g. the port is taken).
  static Result<std::unique_ptr<WebServer>> start(WebOptions options, WebHandlers handlers);
  // The address and token rules of start() alone, so a caller can refuse before doing work.
  static Result<void> check_listen(const WebOptions& options);
  ~WebServer();
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  // The bound port: the configured one, or the one the system chose for port 0.
  int port() const;
  // Stops accepting, lets requests in progress finish and joins the threads. Idempotent.
  void stop();

 private:
  struct Impl;
  explicit WebServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vitals
