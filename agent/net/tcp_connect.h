// Resolving a "host:port" and opening a TCP connection to it without blocking the loop: IP
// literals go straight to a non-blocking connect, names through c-ares first. Shared by the
// TCP and TLS probers and the scrapes' HTTP client; lives on the network loop's thread.
#pragma once

#include <sys/socket.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "agent/net/ares_channel.h"
#include "agent/net/net_loop.h"

namespace vitals::detail {

struct HostPort {
  std::string host{};  // without brackets
  std::string port{};
};

// "host:port" or "[v6]:port"; nullopt when either part is missing.
std::optional<HostPort> split_host_port(const std::string& address);

class TcpConnect {
 public:
  // On success `fd` is a connected, non-blocking socket the callee now owns; on failure fd is
  // -1 and failure/error say why.
  struct Outcome {
    int fd = -1;
    HttpResponse::Failure failure = HttpResponse::Failure::None;  // Resolve or Connect
    std::string error{};
  };
  using Done = std::function<void(Outcome)>;

  TcpConnect(NetLoop& loop, std::string address) : loop_(loop), address_(std::move(address)) {}
  ~TcpConnect() { cancel(); }
  TcpConnect(const TcpConnect&) = delete;
  TcpConnect& operator=(const TcpConnect&) = delete;

  // `done` runs once, possibly before start() returns.
  void start(Done done);
  // Stops a lookup or connect in progress, closing its socket, without calling `done`.
  void cancel();
  // Resolve and connect times of the last start().
  const PhaseTimings& phases() const { return phases_; }

 private:
  void connect_to(const sockaddr* address, socklen_t length);
  void on_writable();
  void end(Outcome outcome);
  void close_socket();
  SteadyTime now() const { return loop_.events().clock().now(); }

  NetLoop& loop_;
  std::string address_;
  std::unique_ptr<AresChannel> resolver_{};  // made on first use of a name
  Done done_{};
  PhaseTimings phases_{};
  SteadyTime phase_start_{};
  int fd_ = -1;
  NetLoop::WatchId watch_ = 0;
};

}  // namespace vitals::detail
