// A real HTTP server on 127.0.0.1 and a port the kernel picks, serving one test from its own
// thread, so HTTP clients are tested over a real socket. Tests only: library code never includes
// httplib.h outside checkers/src/http_routes.cc.
#pragma once

#include <functional>
#include <future>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

#include <httplib.h>

namespace vitals::testing {

class LoopbackHttpServer {
 public:
  // `routes` registers the handlers; it runs before the server starts, since httplib's handler
  // tables must not change while it serves. Returns once the server is accepting connections.
  // Throws std::runtime_error when no port can be bound.
  explicit LoopbackHttpServer(const std::function<void(httplib::Server&)>& routes) {
    routes(server_);
    // The clients under test close their connections, but a stray keep-alive one must not hold
    // the destructor for httplib's default 5 s.
    server_.set_keep_alive_timeout(1);
    // httplib 0.11 has no wait_until_ready(), and stop() is a no-op until the listen loop has
    // marked itself running. The loop makes its task queue right after that, so this hook is
    // the moment stop() starts to work.
    server_.new_task_queue = [this] {
      running_.set_value();
      return new httplib::ThreadPool(CPPHTTPLIB_THREAD_POOL_COUNT);
    };
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ < 0) throw std::runtime_error("cannot bind a loopback port");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    running_.get_future().wait();
  }
  // Stops accepting, waits for running handlers to return and joins the thread. A handler that
  // blocks must be released by the test before this runs.
  ~LoopbackHttpServer() {
    server_.stop();
    thread_.join();
  }
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

  int port() const { return port_; }
  // "http://127.0.0.1:<port><path>".
  std::string url(std::string_view path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }

 private:
  httplib::Server server_;
  std::promise<void> running_;  // set once, when the listen loop runs
  int port_ = -1;
  std::thread thread_;
};

}  // namespace vitals::testing
