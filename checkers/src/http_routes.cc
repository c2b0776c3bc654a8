// The only file that includes httplib.h: cpp-httplib is a big header, and keeping it here keeps
// the library's users' build times and ABI exposure small.
#include "vitals/checkers/http_routes.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <thread>

#include <httplib.h>

#include "health_json.h"

namespace vitals {
namespace {

constexpr const char* kPrometheusText = "text/plain; version=0.0.4; charset=utf-8";

bool wants_details(const HealthRegistry& registry, const httplib::Request& request) {
  return registry.details_allowed(request.get_header_value("Authorization"));
}

void serve_probe(const HealthRegistry& registry, detail::ProbeKind kind,
                 const httplib::Request& request, httplib::Response& response) {
  auto probe = detail::render_probe(*registry.snapshot(), kind, request.has_param("verbose"),
                                    wants_details(registry, request));
  response.status = probe.status;
  response.set_header("Cache-Control", "no-store");
  response.set_content(probe.body, "text/plain; charset=utf-8");
}

// SIGTERM/SIGINT arrive on a self-pipe so a normal thread, not the handler, does the draining.
int signal_pipe[2] = {-1, -1};

extern "C" void on_stop_signal(int) {
  char byte = 1;
  [[maybe_unused]] ssize_t n = write(signal_pipe[1], &byte, 1);
}

bool install_signal_pipe() {
  if (signal_pipe[0] < 0 && pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return false;
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  return sigaction(SIGTERM, &action, nullptr) == 0 && sigaction(SIGINT, &action, nullptr) == 0;
}

// A scraper's own deadline (Prometheus sends it as seconds, e.g. "4.5") caps the checkers'.
void honour_scrape_timeout(const HealthRegistry& registry, const httplib::Request& request) {
  std::string header = request.get_header_value("X-Prometheus-Scrape-Timeout-Seconds");
  if (header.empty()) return;
  char* end = nullptr;
  double seconds = std::strtod(header.c_str(), &end);
  if (end == header.c_str() || *end != '\0' || !(seconds > 0) || seconds > 86400) return;
  registry.cap_timeouts(
      std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds)));
}

}  // namespace

void mount_health_routes(httplib::Server& server, const HealthRegistry& registry) {
  server.Get("/health", [&registry](const httplib::Request& request, httplib::Response& response) {
    honour_scrape_timeout(registry, request);
    auto snapshot = registry.snapshot();
    response.status = detail::health_http_status(*snapshot);
    response.set_header("Cache-Control", "no-store");
    response.set_content(detail::render_health_json(*snapshot, wants_details(registry, request)),
                         "application/json");
  });
  server.Get("/livez", [&registry](const httplib::Request& request, httplib::Response& response) {
    serve_probe(registry, detail::ProbeKind::Live, request, response);
  });
  server.Get("/readyz", [&registry](const httplib::Request& request, httplib::Response& response) {
    serve_probe(registry, detail::ProbeKind::Ready, request, response);
  });
  server.Get("/metrics", [&registry](const httplib::Request&, httplib::Response& response) {
    response.set_content(registry.render_metrics(), kPrometheusText);
  });
}

struct HealthServer::Impl {
  HealthRegistry& registry;
  Options options;
  httplib::Server server;
  int port = 0;
  std::thread serve_thread;
  std::thread signal_thread;
  int stop_pipe[2] = {-1, -1};
  std::atomic<bool> stopped{false};

  Impl(HealthRegistry& r, Options o) : registry(r), options(std::move(o)) {}

  // Waits for a signal (or stop()), drains, keeps serving through the grace period, then stops.
  void watch_signals() {
    pollfd fds[2] = {{signal_pipe[0], POLLIN, 0}, {stop_pipe[0], POLLIN, 0}};
    while (poll(fds, 2, -1) < 0 && errno == EINTR) {
    }
    if (fds[1].revents != 0) return;
    registry.drain();
    int grace_ms = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(options.drain_grace).count());
    while (poll(&fds[1], 1, grace_ms) < 0 && errno == EINTR) {
    }
    server.stop();
  }
};

Result<std::unique_ptr<HealthServer>> HealthServer::start(HealthRegistry& registry,
                                                          Options options) {
  auto impl = std::make_unique<Impl>(registry, std::move(options));
  // httplib's default SO_REUSEPORT would let a second process share the port silently.
  impl->server.set_socket_options([](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  // Nagle's algorithm would hold httplib's separate header and body writes for a delayed ACK
  // (about 40 ms per kept-alive request).
  impl->server.set_tcp_nodelay(true);
  mount_health_routes(impl->server, registry);
  if (impl->options.mount) impl->options.mount(impl->server);
  const std::string& host = impl->options.host;
  if (impl->options.port == 0) {
    impl->port = impl->server.bind_to_any_port(host);
  } else if (impl->server.bind_to_port(host, impl->options.port)) {
    impl->port = impl->options.port;
  }
  if (impl->port <= 0) {
    return make_error(ErrorCode::Unavailable,
                      "cannot listen on " + host + ":" + std::to_string(impl->options.port));
  }
  if (pipe2(impl->stop_pipe, O_CLOEXEC) != 0) {
    return make_error(ErrorCode::Unavailable, "cannot create the stop pipe");
  }
  if (impl->options.handle_signals) {
    if (!install_signal_pipe()) return make_error(ErrorCode::Internal, "cannot handle signals");
    impl->signal_thread = std::thread([raw = impl.get()] { raw->watch_signals(); });
  }
  impl->serve_thread = std::thread([raw = impl.get()] { raw->server.listen_after_bind(); });
  // httplib's stop() is a no-op until the serving thread has marked itself running, which it
  // does first thing: wait for that so an early stop() cannot be lost.
  while (!impl->server.is_running()) std::this_thread::yield();
  return std::unique_ptr<HealthServer>(new HealthServer(std::move(impl)));
}

HealthServer::HealthServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HealthServer::~HealthServer() {
  stop();
  if (impl_->serve_thread.joinable()) impl_->serve_thread.join();
  close(impl_->stop_pipe[0]);
  close(impl_->stop_pipe[1]);
}

int HealthServer::port() const {
  return impl_->port;
}

httplib::Server& HealthServer::server() {
  return impl_->server;
}

void HealthServer::wait() {
  if (impl_->serve_thread.joinable()) impl_->serve_thread.join();
}

void HealthServer::stop() {
  if (impl_->stopped.exchange(true)) return;
  char byte = 1;
  [[maybe_unused]] ssize_t n = write(impl_->stop_pipe[1], &byte, 1);
  if (impl_->signal_thread.joinable()) impl_->signal_thread.join();
  impl_->server.stop();
}

}  // namespace vitals
