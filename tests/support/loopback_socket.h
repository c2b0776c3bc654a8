// A socket bound to 127.0.0.1 on a port the kernel picks, with a pipe that tells a test server's
// thread to stop: the base of the hand-written servers the network tests talk to.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <string>

namespace vitals::testing {

class LoopbackSocket {
 public:
  explicit LoopbackSocket(int type) {
    fd_ = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0 ||
        ::pipe2(stop_, O_CLOEXEC) != 0) {
      throw std::runtime_error("cannot bind a loopback socket");
    }
    port_ = ntohs(address.sin_port);
  }
  ~LoopbackSocket() {
    ::close(fd_);
    ::close(stop_[0]);
    ::close(stop_[1]);
  }
  LoopbackSocket(const LoopbackSocket&) = delete;
  LoopbackSocket& operator=(const LoopbackSocket&) = delete;

  int fd() const { return fd_; }
  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  void request_stop() { (void)!::write(stop_[1], "x", 1); }
  // Readable once stop was requested: for a server polling more than one socket.
  int stop_fd() const { return stop_[0]; }
  // Waits until `fd` is readable (true) or stop was requested (false).
  bool wait_readable(int fd) const {
    pollfd fds[2] = {{fd, POLLIN, 0}, {stop_[0], POLLIN, 0}};
    while (::poll(fds, 2, -1) < 0) {
    }
    return (fds[1].revents & POLLIN) == 0;
  }

 private:
  int fd_ = -1;
  int stop_[2] = {-1, -1};
  int port_ = 0;
};

}  // namespace vitals::testing
