// A service that misbehaves on demand, for the fault suite: one loopback HTTP/1.1 server whose
// /health and /metrics answer well until the test switches on a fault, and then hang, reset the
// connection, trickle bytes, stream 100 MB, list a million series, send invalid UTF-8 or repeat
// series. Hand-written on sockets, since no well-behaved server library can misbehave like this.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "tests/support/loopback_socket.h"

namespace vitals::testing {

enum class Fault {
  None,             // a healthy service with one check and a small exposition
  Hang,             // reads the request, never answers
  Reset,            // reads the request, resets the connection (RST)
  Trickle,          // announces 100 kB, sends one byte every 100 ms
  HugeBody,         // a chunked body of 100 MB
  MillionSeries,    // /metrics lists 1,000,000 series (about 28 MB)
  InvalidUtf8,      // a check error and a label value with bytes that are not UTF-8
  DuplicateSeries,  // /metrics lists each series twice, with different values
};

class FaultyTarget {
 public:
  FaultyTarget() : socket_(SOCK_STREAM) {
    if (::listen(socket_.fd(), 128) != 0) throw std::runtime_error("cannot listen");
    accept_thread_ = std::thread([this] { accept_connections(); });
  }
  // Stops every connection's thread: those waiting or sending notice the stop pipe.
  ~FaultyTarget() {
    socket_.request_stop();
    accept_thread_.join();
    std::lock_guard lock(mutex_);
    for (std::thread& connection : connections_) connection.join();
  }
  FaultyTarget(const FaultyTarget&) = delete;
  FaultyTarget& operator=(const FaultyTarget&) = delete;

  void set(Fault fault) { fault_ = fault; }
  std::string url(std::string_view path) const {
    return "http://" + socket_.address() + std::string(path);
  }

 private:
  void accept_connections() {
    while (socket_.wait_readable(socket_.fd())) {
      int fd = ::accept4(socket_.fd(), nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      std::lock_guard lock(mutex_);
      connections_.emplace_back([this, fd] {
        serve(fd);
        ::close(fd);
      });
    }
  }

  // Requests one after another on a kept-alive connection, until the peer or a fault ends it.
  void serve(int fd) {
    std::string buffer;
    for (;;) {
      std::optional<std::string> path = read_request(fd, buffer);
      if (!path || !respond(fd, *path)) return;
    }
  }

  // The path of the next request (GET: a head and no body); none once the peer closed.
  std::optional<std::string> read_request(int fd, std::string& buffer) {
    std::size_t end;
    while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
      char chunk[4096];
      if (!socket_.wait_readable(fd)) return std::nullopt;
      ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
      if (got <= 0) return std::nullopt;
      buffer.append(chunk, static_cast<std::size_t>(got));
    }
    std::string head = buffer.substr(0, end);
    buffer.erase(0, end + 4);
    std::size_t start = head.find(' ') + 1;
    return head.substr(start, head.find(' ', start) - start);
  }

  // Whether the connection may carry another request.
  bool respond(int fd, const std::string& path) {
    const bool health = path == "/health";
    switch (fault_.load()) {
      case Fault::None:
        return health ? send_body(fd, kJson, kHealthy) : send_body(fd, kText, "target_up 1\n");
      case Fault::Hang:
        while (socket_.wait_readable(fd)) {
          char byte;
          if (::recv(fd, &byte, 1, 0) <= 0) break;
        }
        return false;
      case Fault::Reset: {
        linger abort{.l_onoff = 1, .l_linger = 0};  // close() then sends RST
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
        return false;
      }
      case Fault::Trickle:
        return trickle(fd);
      case Fault::HugeBody:
        return send_huge(fd, health);
      case Fault::MillionSeries:
        return health ? send_body(fd, kJson, kHealthy) : send_body(fd, kText, million_series());
      case Fault::InvalidUtf8:
        return health ? send_body(fd, kJson, kInvalidUtf8Health)
                      : send_body(fd, kText, "target_up{zone=\"\xff\xfe\"} 1\n");
      case Fault::DuplicateSeries:
        return health
                   ? send_body(fd, kJson, kHealthy)
                   : send_body(fd, kText, "target_up 1\ntarget_up 0\ntarget_ok 1\ntarget_ok 1\n");
    }
    return false;
  }

  bool send_body(int fd, std::string_view type, std::string_view body) {
    std::string head = "HTTP/1.1 200 OK\r\nContent-Type: " + std::string(type) +
                       "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    return send_all(fd, head) && send_all(fd, body);
  }

  bool trickle(int fd) {
    if (!send_all(fd,
                  "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                  "Content-Length: 100000\r\n\r\n")) {
      return false;
    }
    for (int i = 0; i < 100000; ++i) {
      pollfd stop{socket_.stop_fd(), POLLIN, 0};
      if (::poll(&stop, 1, 100) != 0 || !send_all(fd, "#")) return false;
    }
    return true;
  }

  // 100 MB in 64 kB chunks: for /health a JSON document that turns malformed at its first
  // padding byte (so only a reader that buffers it all gets that far), for /metrics comment lines
  // and then one valid sample, so only the size is wrong.
  bool send_huge(int fd, bool health) {
    constexpr std::size_t kChunk = 64 * 1024, kChunks = 100 * 1024 * 1024 / kChunk;
    std::string head = std::string("HTTP/1.1 200 OK\r\nContent-Type: ") + (health ? kJson : kText) +
                       "\r\nTransfer-Encoding: chunked\r\n\r\n";
    std::string opening = health ? R"({"status":"healthy","checks":{},"padding":)" : "";
    std::string filler(kChunk, health ? 'x' : '#');
    if (!health) {
      for (std::size_t i = 63; i < kChunk; i += 64) filler[i] = '\n';
    }
    auto chunk = [](std::string_view data) {
      char size[16];
      std::snprintf(size, sizeof size, "%zx\r\n", data.size());
      return size + std::string(data) + "\r\n";
    };
    if (!send_all(fd, head) || !send_all(fd, chunk(opening + "\n"))) return false;
    const std::string framed = chunk(filler);
    for (std::size_t i = 0; i < kChunks; ++i) {
      if (!send_all(fd, framed)) return false;
    }
    return send_all(fd, chunk(health ? "}" : "target_up 1\n") + "0\r\n\r\n");
  }

  static const std::string& million_series() {
    static const std::string body = [] {
      std::string text = "# TYPE target_series gauge\n";
      for (int i = 0; i < 1'000'000; ++i)
        text += "target_series{i=\"" + std::to_string(i) + "\"} 1\n";
      return text;
    }();
    return body;
  }

  // Sends all of `data` unless the peer goes or the test stops the server; never blocks past
  // either, so a client that stops reading cannot hold the destructor.
  bool send_all(int fd, std::string_view data) {
    while (!data.empty()) {
      pollfd fds[2] = {{fd, POLLOUT, 0}, {socket_.stop_fd(), POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0) continue;
      if ((fds[1].revents & POLLIN) != 0 || (fds[0].revents & (POLLERR | POLLHUP)) != 0) {
        return false;
      }
      ssize_t sent = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (sent < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (sent <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
  }

  static constexpr const char* kJson = "application/json";
  static constexpr const char* kText = "text/plain; version=0.0.4";
  static constexpr std::string_view kHealthy =
      R"({"service":"victim","status":"healthy","checks":{"db":{"status":"healthy"}}})";
  static constexpr std::string_view kInvalidUtf8Health =
      "{\"service\":\"victim\",\"status\":\"unhealthy\",\"checks\":{\"db\":{\"status\":"
      "\"unhealthy\",\"error\":\"disk \xff\xfe gone\",\"metadata\":{\"\xc3\x28\":\"\xa0\"}}}}";

  LoopbackSocket socket_;
  std::atomic<Fault> fault_{Fault::None};
  std::mutex mutex_;
  std::vector<std::thread> connections_;
  std::thread accept_thread_;
};

}  // namespace vitals::testing
