#include "agent/web/server.h"

#include <sys/socket.h>

#include <atomic>
#include <mutex>
#include <thread>

#include <httplib.h>

#include "agent/web/bounded_task_queue.h"
#include "agent/web/listen_address.h"
#include "agent/web/rate_limiter.h"
#include "agent/web/routes.h"
#include "vitals/common/log.h"

namespace vitals {

struct WebServer::Impl {
  const WebOptions options;
  const WebHandlers handlers;  // the routes hold references into these two
  detail::RateLimiter api_limiter{{options.api_requests_per_second, options.api_burst}};
  httplib::Server server{};
  int port = 0;
  std::thread serve_thread{};
  std::atomic<bool> serving_ended{false};
  std::once_flag stopped{};

  Impl(WebOptions o, WebHandlers h) : options(std::move(o)), handlers(std::move(h)) {}
};

namespace {

constexpr time_t kKeepAliveSeconds = 2;
constexpr int kWorkerNiceness = 10;  // added to the web workers' nice value

Result<void> check_handlers(const WebHandlers& handlers) {
  const char* missing = !handlers.snapshot         ? "snapshot"
                        : !handlers.render_metrics ? "render_metrics"
                        : !handlers.reload         ? "reload"
                        : !handlers.ready          ? "ready"
                                                   : nullptr;
  if (missing == nullptr) return {};
  return make_error(ErrorCode::InvalidArgument,
                    std::string("web server: handler ") + missing + " is not set");
}

Result<detail::ListenAddress> check_address(const WebOptions& options) {
  auto address = detail::parse_listen_address(options.listen_address);
  if (!address) return address;
  if (!address->loopback && options.admin_token.empty()) {
    return make_error(ErrorCode::InvalidArgument,
                      "refusing to listen on " + options.listen_address +
                          " without an admin token: set web.admin_token_file, or listen on a "
                          "loopback address (127.0.0.1, ::1, localhost)");
  }
  return address;
}

}  // namespace

Result<void> WebServer::check_listen(const WebOptions& options) {
  auto address = check_address(options);
  if (!address) return tl::unexpected(address.error());
  return {};
}

namespace {

void configure(httplib::Server& server, const WebOptions& options) {
  // httplib's default SO_REUSEPORT would let a second process share the port silently.
  server.set_socket_options([](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  // Nagle's algorithm would hold httplib's separate header and body writes for a delayed ACK.
  server.set_tcp_nodelay(true);
  // An idle kept-alive connection holds one of the few workers, and stop() waits for it: a
  // scraper comes back only every scrape interval anyway, so keep idle connections briefly.
  server.set_keep_alive_timeout(kKeepAliveSeconds);
  // The workers run at a lower priority than the agent's watching and rules: when requests
  // saturate the CPU, answering them late is better than detecting late (bench/load.sh).
  server.new_task_queue = [threads = options.worker_threads,
                           pending = options.max_pending_connections] {
    return new detail::BoundedTaskQueue(threads, pending, kWorkerNiceness);
  };
}

// Returns the bound port.
Result<int> bind_listener(httplib::Server& server, const detail::ListenAddress& address,
                          const std::string& text) {
  int port = address.port;
  if (port == 0) {
    port = server.bind_to_any_port(address.host);
  } else if (!server.bind_to_port(address.host, port)) {
    port = -1;
  }
  if (port <= 0) {
    return make_error(ErrorCode::Unavailable,
                      "cannot listen on " + text + " (is the port already in use?)");
  }
  return port;
}

}  // namespace

Result<std::unique_ptr<WebServer>> WebServer::start(WebOptions options, WebHandlers handlers) {
  if (auto ok = check_handlers(handlers); !ok) return tl::unexpected(ok.error());
  auto address = check_address(options);
  if (!address) return tl::unexpected(address.error());
  auto impl = std::make_unique<Impl>(std::move(options), std::move(handlers));
  configure(impl->server, impl->options);
  detail::install_edge_handlers(impl->server, impl->options, impl->api_limiter);
  detail::mount_lifecycle_routes(impl->server, impl->handlers, impl->options);
  detail::mount_api_routes(impl->server, impl->handlers);
  detail::mount_query_routes(impl->server, impl->handlers);
  detail::mount_rules_routes(impl->server, impl->handlers);
  detail::mount_notify_routes(impl->server, impl->handlers, impl->options);
  detail::mount_status_routes(impl->server, impl->handlers);
  detail::mount_federate_routes(impl->server, impl->handlers);
  auto port = bind_listener(impl->server, *address, impl->options.listen_address);
  if (!port) return tl::unexpected(port.error());
  impl->port = *port;
  impl->serve_thread = std::thread([raw = impl.get()] {
    raw->server.listen_after_bind();
    raw->serving_ended = true;
  });
  // httplib's stop() is a no-op until the serving thread has marked itself running, which it
  // does first thing: wait for that so an early stop() cannot be lost.
  while (!impl->server.is_running() && !impl->serving_ended) std::this_thread::yield();
  log::info("web server listening",
            {{"address", impl->options.listen_address}, {"port", std::to_string(impl->port)}});
  return std::unique_ptr<WebServer>(new WebServer(std::move(impl)));
}

WebServer::WebServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

WebServer::~WebServer() {
  stop();
}

int WebServer::port() const {
  return impl_->port;
}

void WebServer::stop() {
  std::call_once(impl_->stopped, [this] {
    impl_->server.stop();
    if (impl_->serve_thread.joinable()) impl_->serve_thread.join();
  });
}

}  // namespace vitals
