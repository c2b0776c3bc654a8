#include "agent/net/tcp_connect.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace vitals::detail {
namespace {

// A numeric address needs no lookup.
std::optional<sockaddr_storage> numeric_address(const HostPort& hp, socklen_t& length) {
  sockaddr_storage storage{};
  int port = std::atoi(hp.port.c_str());
  auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
  if (inet_pton(AF_INET, hp.host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<std::uint16_t>(port));
    length = sizeof(sockaddr_in);
    return storage;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
  if (inet_pton(AF_INET6, hp.host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<std::uint16_t>(port));
    length = sizeof(sockaddr_in6);
    return storage;
  }
  return std::nullopt;
}

// IPv4 first when a name has both, as most of our targets listen there.
const ares_addrinfo_node* pick(const ares_addrinfo* result) {
  const ares_addrinfo_node* first = result != nullptr ? result->nodes : nullptr;
  for (auto* node = first; node != nullptr; node = node->ai_next) {
    if (node->ai_family == AF_INET) return node;
  }
  return first;
}

}  // namespace

std::optional<HostPort> split_host_port(const std::string& address) {
  HostPort hp;
  std::size_t colon = std::string::npos;
  if (address.starts_with('[')) {
    std::size_t close = address.find(']');
    if (close == std::string::npos || close + 1 >= address.size() || address[close + 1] != ':') {
      return std::nullopt;
    }
    hp.host = address.substr(1, close - 1);
    colon = close + 1;
  } else {
    colon = address.rfind(':');
    if (colon == std::string::npos) return std::nullopt;
    hp.host = address.substr(0, colon);
  }
  hp.port = address.substr(colon + 1);
  int port = std::atoi(hp.port.c_str());
  if (hp.host.empty() || port <= 0 || port > 65535) return std::nullopt;
  return hp;
}

void TcpConnect::start(Done done) {
  cancel();
  done_ = std::move(done);
  phases_ = {};
  phase_start_ = now();
  auto hp = split_host_port(address_);
  if (!hp)
    return end({.failure = HttpResponse::Failure::Resolve, .error = "bad address " + address_});
  socklen_t length = 0;
  if (auto numeric = numeric_address(*hp, length)) {
    return connect_to(reinterpret_cast<const sockaddr*>(&*numeric), length);
  }
  if (!resolver_) {
    auto made = AresChannel::create(loop_, "", std::chrono::seconds(1));
    if (!made)
      return end({.failure = HttpResponse::Failure::Resolve, .error = made.error().message});
    resolver_ = std::move(*made);
  }
  resolver_->resolve(hp->host, [this, host = hp->host, port = hp->port](
                                   int status, const ares_addrinfo* result) {
    const ares_addrinfo_node* node = pick(result);
    if (status != ARES_SUCCESS || node == nullptr) {
      return end({.failure = HttpResponse::Failure::Resolve,
                  .error = "resolve " + host + ": " + ares_strerror(status)});
    }
    sockaddr_storage storage{};
    std::memcpy(&storage, node->ai_addr, node->ai_addrlen);
    auto* in = reinterpret_cast<sockaddr_in*>(&storage);  // the port sits here for both families
    in->sin_port = htons(static_cast<std::uint16_t>(std::atoi(port.c_str())));
    connect_to(reinterpret_cast<const sockaddr*>(&storage), node->ai_addrlen);
  });
}

void TcpConnect::connect_to(const sockaddr* address, socklen_t length) {
  phases_.resolve = now() - phase_start_;
  phase_start_ = now();
  fd_ = ::socket(address->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    return end({.failure = HttpResponse::Failure::Connect,
                .error = std::string("socket: ") + std::strerror(errno)});
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd_, address, length) == 0) return on_writable();
  if (errno != EINPROGRESS) {
    return end({.failure = HttpResponse::Failure::Connect,
                .error = "connect to " + address_ + ": " + std::strerror(errno)});
  }
  watch_ = loop_.watch(fd_, POLLOUT, [this](short) { on_writable(); });
}

void TcpConnect::on_writable() {
  int err = 0;
  socklen_t len = sizeof err;
  if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  phases_.connect = now() - phase_start_;
  if (err != 0) {
    return end({.failure = HttpResponse::Failure::Connect,
                .error = "connect to " + address_ + ": " + std::strerror(err)});
  }
  int fd = fd_;
  fd_ = -1;  // handed over
  end({.fd = fd});
}

// May run inside a c-ares callback, where cancelling c-ares' queries is not allowed; the
// lookup is over by then anyway.
void TcpConnect::end(Outcome outcome) {
  Done done = std::move(done_);
  done_ = nullptr;
  close_socket();
  if (done) done(std::move(outcome));
}

void TcpConnect::cancel() {
  if (resolver_) resolver_->cancel_all();
  close_socket();
  done_ = nullptr;
}

void TcpConnect::close_socket() {
  if (watch_ != 0) loop_.unwatch(watch_);
  watch_ = 0;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace vitals::detail
