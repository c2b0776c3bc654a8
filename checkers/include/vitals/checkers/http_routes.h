// The checkers' HTTP face: GET /health, /livez, /readyz and /metrics, on a server the service
// already has or on one the library starts.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "vitals/checkers/health_registry.h"
#include "vitals/common/error.h"

namespace httplib {
class Server;
}

namespace vitals {

// Adds the four routes to `server`. The registry must outlive the server.
void mount_health_routes(httplib::Server& server, const HealthRegistry& registry);

// A server of the library's own, serving the health routes (and whatever the service mounts on
// server()) from a background thread. Thread-safe.
class HealthServer {
 public:
  struct Options {
    std::string host = "127.0.0.1";
    int port = 0;  // 0: any free port; see port()
    // On SIGTERM or SIGINT: drain at once, keep serving for drain_grace so load balancers see
    // /readyz fail, then stop; wait() returns.
    bool handle_signals = false;
    Duration drain_grace = std::chrono::seconds(5);
    // The service's own routes, added before the server accepts its first connection.
    std::function<void(httplib::Server&)> mount{};
  };

  // Binds and starts serving; Unavailable when the address cannot be bound.
  static Result<std::unique_ptr<HealthServer>> start(HealthRegistry& registry, Options options);
  ~HealthServer();

  int port() const;
  httplib::Server& server();
  // Blocks until the server stops (stop(), or a handled signal after the grace period).
  void wait();
  void stop();

 private:
  struct Impl;
  explicit HealthServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vitals
