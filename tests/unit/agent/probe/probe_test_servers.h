// Small real servers on 127.0.0.1 for the probe tests, each on its own thread and a port the
// kernel picks: a TCP server (banner + echo, or read-then-close) and a UDP DNS responder. The
// destructors stop and join their threads; nothing here sleeps.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "agent/probe/prober.h"
#include "tests/support/loopback_socket.h"

namespace vitals::testing {

// One client at a time. BannerThenEcho sends `banner` on accept, then echoes what it reads;
// CloseAfterRead reads once (an HTTP request, say) and closes without a word.
class TcpTestServer {
 public:
  enum class Mode { BannerThenEcho, CloseAfterRead };

  explicit TcpTestServer(Mode mode, std::string banner = "")
      : mode_(mode), banner_(std::move(banner)), socket_(SOCK_STREAM) {
    if (::listen(socket_.fd(), 16) != 0) throw std::runtime_error("listen failed");
    thread_ = std::thread([this] { serve(); });
  }
  ~TcpTestServer() {
    socket_.request_stop();
    thread_.join();
  }

  std::string address() const { return socket_.address(); }
  int port() const { return socket_.port(); }
  int connections() const { return connections_.load(); }

 private:
  void serve() {
    while (socket_.wait_readable(socket_.fd())) {
      int client = ::accept4(socket_.fd(), nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) continue;
      ++connections_;
      talk(client);
      ::close(client);
    }
  }

  void talk(int client) {
    char buffer[4096];
    if (mode_ == Mode::CloseAfterRead) {
      if (socket_.wait_readable(client)) (void)!::recv(client, buffer, sizeof buffer, 0);
      return;
    }
    (void)!::send(client, banner_.data(), banner_.size(), MSG_NOSIGNAL);
    while (socket_.wait_readable(client)) {
      ssize_t n = ::recv(client, buffer, sizeof buffer, 0);
      if (n <= 0) return;
      (void)!::send(client, buffer, static_cast<std::size_t>(n), MSG_NOSIGNAL);
    }
  }

  Mode mode_;
  std::string banner_;
  LoopbackSocket socket_;
  std::atomic<int> connections_{0};
  std::thread thread_;
};

// A DNS server on UDP that answers every A query with 10.1.2.3 (Answer), or never answers
// (Silent). Names starting with "missing." get NXDOMAIN; other types get an empty answer.
class DnsTestServer {
 public:
  enum class Mode { Answer, Silent };

  explicit DnsTestServer(Mode mode) : mode_(mode), socket_(SOCK_DGRAM) {
    thread_ = std::thread([this] { serve(); });
  }
  ~DnsTestServer() {
    socket_.request_stop();
    thread_.join();
  }

  std::string address() const { return socket_.address(); }
  int queries() const { return queries_.load(); }

 private:
  void serve() {
    while (socket_.wait_readable(socket_.fd())) {
      unsigned char query[512];
      sockaddr_storage from{};
      socklen_t from_length = sizeof from;
      ssize_t n = ::recvfrom(socket_.fd(), query, sizeof query, 0,
                             reinterpret_cast<sockaddr*>(&from), &from_length);
      if (n < 12) continue;
      ++queries_;
      if (mode_ == Mode::Silent) continue;
      auto reply = answer(query, static_cast<std::size_t>(n));
      if (!reply) continue;
      ::sendto(socket_.fd(), reply->data(), reply->size(), 0, reinterpret_cast<sockaddr*>(&from),
               from_length);
    }
  }

  // The reply: the query's id and question, then at most one A record pointing at the name.
  static std::optional<std::vector<unsigned char>> answer(const unsigned char* q, std::size_t n) {
    std::size_t end = 12;
    std::string first_label;
    while (end < n && q[end] != 0) {
      if (first_label.empty())
        first_label.assign(reinterpret_cast<const char*>(q + end + 1), q[end]);
      end += q[end] + 1u;
    }
    end += 5;  // the root label, QTYPE, QCLASS
    if (end > n) return std::nullopt;
    int qtype = (q[end - 4] << 8) | q[end - 3];
    bool missing = first_label == "missing";
    bool has_a = !missing && qtype == 1;
    std::vector<unsigned char> r(q, q + end);
    r[2] = 0x81;                     // QR, RD
    r[3] = missing ? 0x83 : 0x80;    // RA; NXDOMAIN for missing names
    r[4] = 0, r[5] = 1;              // QDCOUNT
    r[6] = 0, r[7] = has_a ? 1 : 0;  // ANCOUNT
    r[8] = r[9] = r[10] = r[11] = 0;
    if (has_a) {
      const unsigned char record[] = {0xc0, 12, 0, 1, 0, 1, 0, 0, 1, 44, 0, 4, 10, 1, 2, 3};
      r.insert(r.end(), std::begin(record), std::end(record));
    }
    return r;
  }

  Mode mode_;
  LoopbackSocket socket_;
  std::atomic<int> queries_{0};
  std::thread thread_;
};

}  // namespace vitals::testing
