// A raw HTTP server on 127.0.0.1 whose every answer a test writes byte for byte: framing,
// pauses between pieces, closing the connection after it (with or without saying so) or never
// answering at all. It records each request's head and counts connections, so a client's
// reuse and retries can be asserted. One poll(2) thread and a deep accept backlog, so a burst of
// hundreds of connections is served at once (httplib's backlog of 5 drops SYNs under such a
// burst, and a client's retries take whole seconds). Tests only.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/loopback_socket.h"

namespace vitals::testing {

struct ScriptedReply {
  std::vector<std::string> pieces{};  // written in turn, `pause` apart
  std::chrono::milliseconds pause{0};
  bool close_after = false;  // close the connection once written
  bool silent = false;       // write nothing and keep the connection open
};

class ScriptedHttpServer {
 public:
  // `reply(head, connection)`: the answer to a request whose head (request line and headers)
  // is `head`, arriving on the connection-th connection accepted (from 1).
  using Script = std::function<ScriptedReply(const std::string& head, int connection)>;

  explicit ScriptedHttpServer(Script script)
      : script_(std::move(script)), socket_(SOCK_STREAM | SOCK_NONBLOCK) {
    if (::listen(socket_.fd(), 1024) != 0) throw std::runtime_error("cannot listen");
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedHttpServer() {
    socket_.request_stop();
    thread_.join();
    for (const auto& [fd, client] : clients_) ::close(fd);
  }
  ScriptedHttpServer(const ScriptedHttpServer&) = delete;
  ScriptedHttpServer& operator=(const ScriptedHttpServer&) = delete;

  std::string url(const std::string& path = "/") const {
    return "http://" + socket_.address() + path;
  }
  int connections() const {
    std::lock_guard lock(mu_);
    return accepted_;
  }
  int requests() const {
    std::lock_guard lock(mu_);
    return static_cast<int>(heads_.size());
  }
  std::vector<std::string> heads() const {
    std::lock_guard lock(mu_);
    return heads_;
  }

 private:
  struct Client {
    int number = 0;
    std::string buffer{};
  };

  void serve() {
    for (;;) {
      std::vector<pollfd> fds{{socket_.stop_fd(), POLLIN, 0}, {socket_.fd(), POLLIN, 0}};
      for (const auto& [fd, client] : clients_) fds.push_back({fd, POLLIN, 0});
      if (::poll(fds.data(), fds.size(), -1) < 0) continue;
      if (fds[0].revents != 0) return;
      if (fds[1].revents != 0) accept_all();
      for (std::size_t i = 2; i < fds.size(); ++i) {
        if (fds[i].revents != 0) read_from(fds[i].fd);
      }
    }
  }

  void accept_all() {
    for (int fd; (fd = ::accept4(socket_.fd(), nullptr, nullptr, SOCK_CLOEXEC)) >= 0;) {
      std::lock_guard lock(mu_);
      clients_[fd] = Client{.number = ++accepted_};
    }
  }

  void read_from(int fd) {
    char data[4096];
    ssize_t n = ::read(fd, data, sizeof data);
    if (n <= 0) return drop(fd);
    Client& client = clients_[fd];
    client.buffer.append(data, static_cast<std::size_t>(n));
    for (std::size_t end; (end = client.buffer.find("\r\n\r\n")) != std::string::npos;) {
      std::string head = client.buffer.substr(0, end);
      client.buffer.erase(0, end + 4);
      {
        std::lock_guard lock(mu_);
        heads_.push_back(head);
      }
      ScriptedReply reply = script_(head, client.number);
      if (reply.silent) return;
      for (std::size_t i = 0; i < reply.pieces.size(); ++i) {
        if (i > 0) std::this_thread::sleep_for(reply.pause);
        (void)!::send(fd, reply.pieces[i].data(), reply.pieces[i].size(), MSG_NOSIGNAL);
      }
      if (reply.close_after) return drop(fd);
    }
  }

  void drop(int fd) {
    ::close(fd);
    clients_.erase(fd);
  }

  Script script_;
  LoopbackSocket socket_;
  std::map<int, Client> clients_;  // the server thread's only
  mutable std::mutex mu_;
  int accepted_ = 0;
  std::vector<std::string> heads_;
  std::thread thread_;
};

// A whole answer with a Content-Length.
inline std::string http_ok(const std::string& body, const std::string& extra_headers = "") {
  return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
         extra_headers + "\r\n" + body;
}

}  // namespace vitals::testing
