// An HTTP server on 127.0.0.1 that answers every request with "ok" from one poll(2) thread and
// a deep accept backlog, so a burst of hundreds of connections is served at once. (httplib's
// backlog of 5 drops SYNs under such a burst, and the client's retries take whole seconds.)
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace vitals::testing {

class BurstHttpServer {
 public:
  BurstHttpServer() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::listen(listen_fd_, 1024) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0 ||
        ::pipe2(stop_, O_CLOEXEC) != 0) {
      throw std::runtime_error("cannot start the burst server");
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~BurstHttpServer() {
    (void)!::write(stop_[1], "x", 1);
    thread_.join();
    for (const auto& [fd, request] : clients_) ::close(fd);
    ::close(listen_fd_);
    ::close(stop_[0]);
    ::close(stop_[1]);
  }
  BurstHttpServer(const BurstHttpServer&) = delete;
  BurstHttpServer& operator=(const BurstHttpServer&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }
  int requests() const { return requests_.load(); }

 private:
  void serve() {
    for (;;) {
      std::vector<pollfd> fds = {{stop_[0], POLLIN, 0}, {listen_fd_, POLLIN, 0}};
      for (const auto& [fd, request] : clients_) fds.push_back({fd, POLLIN, 0});
      if (::poll(fds.data(), fds.size(), -1) < 0) continue;
      if (fds[0].revents != 0) return;
      if (fds[1].revents != 0) accept_all();
      for (std::size_t i = 2; i < fds.size(); ++i) {
        if (fds[i].revents != 0) read_from(fds[i].fd);
      }
    }
  }

  void accept_all() {
    for (;;) {
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;
      clients_[fd] = "";
    }
  }

  // A request is complete at its blank line; the small reply fits the socket buffer at once.
  void read_from(int fd) {
    char buffer[4096];
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n > 0) {
      std::string& request = clients_[fd];
      request.append(buffer, static_cast<std::size_t>(n));
      if (request.find("\r\n\r\n") == std::string::npos) return;
      static const std::string kReply =
          "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
      ++requests_;  // before the reply, so a client that has it sees the count
      (void)!::send(fd, kReply.data(), kReply.size(), MSG_NOSIGNAL);
    } else if (n < 0 && errno == EAGAIN) {
      return;
    }
    ::close(fd);
    clients_.erase(fd);
  }

  int listen_fd_ = -1;
  int stop_[2] = {-1, -1};
  int port_ = 0;
  std::map<int, std::string> clients_;  // the server thread's only
  std::atomic<int> requests_{0};
  std::thread thread_;
};

}  // namespace vitals::testing
