#include "vitals/checkers/builtin/tcp_checker.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <future>
#include <optional>
#include <system_error>
#include <thread>
#include <tuple>
#include <vector>

#include "vitals/common/duration.h"

namespace vitals {
namespace {

struct Endpoint {
  sockaddr_storage address{};
  socklen_t length = 0;
  std::string text;  // "127.0.0.1:80", "[::1]:80"
};

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

std::string errno_text(int error) {
  return std::error_code(error, std::generic_category()).message();
}

std::string rounded(Duration d) {
  return format_duration(std::chrono::round<std::chrono::milliseconds>(d));
}

std::string endpoint_text(const sockaddr* address, socklen_t length) {
  char host[NI_MAXHOST] = "?";
  char port[NI_MAXSERV] = "?";
  getnameinfo(address, length, host, sizeof host, port, sizeof port,
              NI_NUMERICHOST | NI_NUMERICSERV);
  bool v6 = address->sa_family == AF_INET6;
  return (v6 ? "[" : "") + std::string(host) + (v6 ? "]:" : ":") + port;
}

// getaddrinfo with `flags`; gai error code and the endpoints in the resolver's order.
std::pair<int, std::vector<Endpoint>> lookup(const std::string& host, const std::string& port,
                                             int flags) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = flags | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &found);
  std::vector<Endpoint> endpoints;
  for (addrinfo* ai = rc == 0 ? found : nullptr; ai != nullptr; ai = ai->ai_next) {
    Endpoint& e = endpoints.emplace_back();
    std::memcpy(&e.address, ai->ai_addr, ai->ai_addrlen);
    e.length = ai->ai_addrlen;
    e.text = endpoint_text(ai->ai_addr, ai->ai_addrlen);
  }
  if (found != nullptr) freeaddrinfo(found);
  return {rc, std::move(endpoints)};
}

// getaddrinfo has no timeout of its own, so a name is looked up on a helper thread that the
// check stops waiting for at the deadline; the thread finishes on the resolver's own timeouts
// and its promise keeps the shared result alive until then. Numeric addresses need no thread.
Result<std::vector<Endpoint>> resolve(const std::string& host, int port, Duration budget) {
  std::string service = std::to_string(port);
  auto [rc, endpoints] = lookup(host, service, AI_NUMERICHOST);
  if (rc == EAI_NONAME) {
    std::promise<std::pair<int, std::vector<Endpoint>>> promise;
    auto future = promise.get_future();
    std::thread([promise = std::move(promise), host, service]() mutable {
      promise.set_value(lookup(host, service, 0));
    }).detach();
    if (future.wait_for(budget) != std::future_status::ready) {
      return make_error(ErrorCode::Timeout,
                        "resolve " + host + ": timeout after " + rounded(budget));
    }
    std::tie(rc, endpoints) = future.get();
  }
  if (rc != 0) {
    return make_error(ErrorCode::Unavailable, "resolve " + host + ": " + gai_strerror(rc));
  }
  if (endpoints.empty()) return make_error(ErrorCode::NotFound, "resolve " + host + ": no address");
  return std::move(endpoints);
}

// Non-blocking connect, then poll() for writability until the deadline. Empty when connected.
std::optional<std::string> connect_before_deadline(const Endpoint& to, const CheckContext& ctx) {
  std::string what = "connect " + to.text + ": ";
  Socket socket(::socket(to.address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (socket.fd() < 0) return what + errno_text(errno);
  if (::connect(socket.fd(), reinterpret_cast<const sockaddr*>(&to.address), to.length) == 0) {
    return std::nullopt;
  }
  if (errno != EINPROGRESS) return what + errno_text(errno);
  Duration budget = ctx.remaining();
  for (;;) {
    auto wait_ms = std::chrono::ceil<std::chrono::milliseconds>(ctx.remaining()).count();
    pollfd waiting{socket.fd(), POLLOUT, 0};
    int ready = wait_ms > 0 ? ::poll(&waiting, 1, static_cast<int>(wait_ms)) : 0;
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return what + errno_text(errno);
    if (ready == 0) return what + "timeout after " + rounded(budget);
    int error = 0;
    socklen_t length = sizeof error;
    getsockopt(socket.fd(), SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0) return what + errno_text(error);
    return std::nullopt;
  }
}

std::string milliseconds_text(Duration d) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", std::chrono::duration<double, std::milli>(d).count());
  return text;
}

CheckResult run_check(const std::string& host, int port, const CheckContext& ctx) {
  if (port < 1 || port > 65535) return CheckResult::fail("invalid port " + std::to_string(port));
  Result<std::vector<Endpoint>> endpoints = resolve(host, port, ctx.remaining());
  if (!endpoints) return CheckResult::fail(endpoints.error().message);
  // Like Go's net.Dial: try each address in order, report the first one's failure.
  std::optional<std::string> first_failure;
  for (const Endpoint& endpoint : *endpoints) {
    SteadyTime connect_start = ctx.clock->now();
    std::optional<std::string> failure = connect_before_deadline(endpoint, ctx);
    if (!failure) {
      return CheckResult::ok({{"address", endpoint.text},
                              {"connect_ms", milliseconds_text(ctx.clock->now() - connect_start)}});
    }
    if (!first_failure) first_failure = std::move(failure);
    if (ctx.remaining() == Duration::zero()) break;
  }
  return CheckResult::fail(*first_failure);
}

}  // namespace

Checker tcp_checker(std::string host, int port) {
  return [host = std::move(host), port](const CheckContext& ctx) {
    return run_check(host, port, ctx);
  };
}

Result<Checker> tcp_checker(std::string_view address) {
  size_t colon = address.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return make_error(ErrorCode::InvalidArgument,
                      "tcp address \"" + std::string(address) + "\" is not host:port");
  }
  std::string_view host = address.substr(0, colon);
  std::string_view port_text = address.substr(colon + 1);
  if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = 0;
  auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (error != std::errc() || end != port_text.data() + port_text.size() || port < 1 ||
      port > 65535 || host.empty()) {
    return make_error(ErrorCode::InvalidArgument, "tcp address \"" + std::string(address) +
                                                      "\" has no valid host and port 1-65535");
  }
  return tcp_checker(std::string(host), port);
}

}  // namespace vitals
