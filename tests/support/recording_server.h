// A loopback HTTP server that records every POST it gets (path, body, Idempotency-Key) and
// answers with a status the test scripts, on a port the test may fix so a server can "come
// back" where an earlier one stopped. A 429 says `Retry-After: 3`. Tests only.
#pragma once

#include <functional>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

namespace vitals::testing {

struct RecordedRequest {
  std::string path{};
  std::string body{};
  std::string idempotency_key{};
  std::string content_type{};
};

class RecordingServer {
 public:
  // Answers the n-th request (0-based) with the status `respond` returns; 200 when unset.
  using Responder = std::function<int(const RecordedRequest&, std::size_t n)>;

  // port 0: any free port.
  explicit RecordingServer(int port = 0, Responder respond = {}) : respond_(std::move(respond)) {
    server_.set_keep_alive_timeout(1);
    server_.Post(".*", [this](const httplib::Request& req, httplib::Response& res) {
      RecordedRequest recorded{.path = req.path,
                               .body = req.body,
                               .idempotency_key = req.get_header_value("Idempotency-Key"),
                               .content_type = req.get_header_value("Content-Type")};
      std::size_t n = 0;
      {
        std::lock_guard lock(mu_);
        n = requests_.size();
        requests_.push_back(recorded);
      }
      res.status = respond_ ? respond_(recorded, n) : 200;
      if (res.status == 429) res.set_header("Retry-After", "3");  // as rate limiters say
      res.set_content(res.status < 300 ? "ok" : "nope", "text/plain");
    });
    server_.new_task_queue = [this] {
      running_.set_value();
      return new httplib::ThreadPool(4);
    };
    if (port == 0) {
      port_ = server_.bind_to_any_port("127.0.0.1");
    } else if (server_.bind_to_port("127.0.0.1", port)) {
      port_ = port;
    }
    if (port_ <= 0) throw std::runtime_error("cannot bind a loopback port");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    running_.get_future().wait();
  }
  ~RecordingServer() {
    server_.stop();
    thread_.join();
  }
  RecordingServer(const RecordingServer&) = delete;
  RecordingServer& operator=(const RecordingServer&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::vector<RecordedRequest> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }
  std::size_t count() const {
    std::lock_guard lock(mu_);
    return requests_.size();
  }

 private:
  httplib::Server server_;
  Responder respond_;
  std::promise<void> running_;
  int port_ = -1;
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<RecordedRequest> requests_;
};

// A port nothing listens on: one a server had a moment ago. Connections to it are refused.
inline int closed_port() {
  RecordingServer server;
  return server.port();
}

}  // namespace vitals::testing
