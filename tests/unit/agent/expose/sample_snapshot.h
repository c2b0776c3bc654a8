// A hand-built AgentSnapshot covering every kind of target state the /metrics series distinguish,
// and small readers of exposition text, shared by the expose tests.
#pragma once

#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

#include "agent/state/views.h"

namespace vitals::testing {

inline constexpr WallTime kCertExpiry{std::chrono::seconds(1790000000)};

inline std::shared_ptr<const ServiceView> service(std::string name, std::string status,
                                                  std::vector<CheckView> checks = {},
                                                  LabelMap labels = {}) {
  auto view = std::make_shared<ServiceView>();
  view->name = std::move(name);
  view->status = std::move(status);
  view->checks = std::move(checks);
  view->labels = std::move(labels);
  return view;
}

inline std::shared_ptr<const ProbeView> probe(std::string name, std::string kind,
                                              std::optional<ProbeResult> last,
                                              LabelMap labels = {}) {
  auto view = std::make_shared<ProbeView>();
  view->name = std::move(name);
  view->kind = std::move(kind);
  view->last = std::move(last);
  view->labels = std::move(labels);
  return view;
}

inline ProbeResult failed(FailureReason reason) {
  return ProbeResult{.success = false, .reason = reason, .error = "it failed"};
}

// Services in an order that is not alphabetical, so config order shows.
inline AgentSnapshot sample_snapshot() {
  using std::chrono::milliseconds;
  AgentSnapshot snapshot;
  snapshot.services = {
      service(
          "card-service", "healthy",
          {CheckView{.name = "db", .status = "healthy", .duration_seconds = 0.012},
           CheckView{
               .name = "fraud", .status = "degraded", .duration_seconds = 0.25, .critical = false}},
          {{"team", "cards"}}),
      service("feed-service", "degraded",
              {CheckView{.name = "lag", .status = "unknown"},
               CheckView{.name = "queue", .status = "unhealthy", .duration_seconds = 1.5}}),
      service("ledger", "unreachable", {CheckView{.name = "stale", .status = "healthy"}}),
      service("audit", "unknown"),
  };
  auto suppressed = std::make_shared<ServiceView>(*snapshot.services[3]);
  suppressed->suppressed = true;
  snapshot.services[3] = suppressed;

  ProbeResult card_api{.success = true,
                       .duration = milliseconds(120),
                       .phases = {.resolve = milliseconds(1),
                                  .connect = milliseconds(2),
                                  .tls = milliseconds(30),
                                  .processing = milliseconds(80),
                                  .transfer = milliseconds(7)},
                       .http_status = 200,
                       .cert_expiry = kCertExpiry};
  ProbeResult broken_api = failed(FailureReason::Status);
  broken_api.http_status = 500;
  ProbeResult expired = failed(FailureReason::Certificate);
  expired.cert_expiry = WallTime(std::chrono::seconds(1700000000));
  snapshot.probes = {
      probe("card-api", "http", card_api, {{"component", "cards"}}),
      probe("broken-api", "http", broken_api),
      probe("down-api", "http", failed(FailureReason::Connect)),
      probe("db-port", "tcp",
            ProbeResult{.success = true,
                        .phases = {.resolve = milliseconds(0), .connect = milliseconds(1)}}),
      probe("closed-port", "tcp", failed(FailureReason::Connect)),
      probe("public-cert", "tls", ProbeResult{.success = true, .cert_expiry = kCertExpiry}),
      probe("expired-cert", "tls", expired),
      probe("api-dns", "dns", ProbeResult{.success = true}),
      probe("bad-dns", "dns", failed(FailureReason::Resolve)),
      probe("slow-api", "http", failed(FailureReason::Timeout)),
      probe("pending-api", "http", std::nullopt),
  };
  snapshot.vantage_degraded = true;
  return snapshot;
}

// The value of the sample line that starts with `series` (name and labels exactly as printed),
// or none.
inline std::optional<double> value_of(const std::string& text, std::string_view series) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.size() > series.size() && line.starts_with(series) && line[series.size()] == ' ') {
      return std::stod(line.substr(series.size() + 1));
    }
  }
  return std::nullopt;
}

// How many lines start with `prefix`.
inline int count_lines(const std::string& text, std::string_view prefix) {
  std::istringstream lines(text);
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) count += line.starts_with(prefix) ? 1 : 0;
  return count;
}

}  // namespace vitals::testing
