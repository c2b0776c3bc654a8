#include "vitals/checkers/builtin/tcp_checker.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <doctest/doctest.h>

#include "tests/support/fake_clock.h"
#include "tests/support/why.h"

namespace vitals {
namespace {

using namespace std::chrono_literals;

// A TCP socket bound to 127.0.0.1 on a port the kernel picks. Bound but not listening, it
// refuses connections, and no other process can take its port during the test.
class LoopbackSocket {
 public:
  LoopbackSocket() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    REQUIRE_MESSAGE(fd_ >= 0, std::strerror(errno));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE_MESSAGE(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0,
                    std::strerror(errno));
    socklen_t length = sizeof address;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~LoopbackSocket() { ::close(fd_); }
  LoopbackSocket(const LoopbackSocket&) = delete;
  LoopbackSocket& operator=(const LoopbackSocket&) = delete;

  // The kernel completes handshakes up to `backlog` + 1 queued connections without accept().
  void listen(int backlog) { REQUIRE(::listen(fd_, backlog) == 0); }
  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_;
  int port_ = 0;
};

// One blocking client connection, for filling a listener's accept queue.
class Client {
 public:
  explicit Client(int port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE_MESSAGE(::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0,
                    std::strerror(errno));
  }
  ~Client() { ::close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

 private:
  int fd_;
};

CheckContext real_context(Duration timeout) {
  return CheckContext{real_clock().now() + timeout, &real_clock()};
}

TEST_CASE("the tcp checker connects to a listening port and reports the address") {
  LoopbackSocket listener;
  listener.listen(8);
  CheckResult result = tcp_checker("127.0.0.1", listener.port())(real_context(2s));
  REQUIRE_MESSAGE(!result.error, *result.error);
  CHECK(result.metadata.at("address") == listener.address());
  CHECK(std::stod(result.metadata.at("connect_ms")) >= 0.0);
}

TEST_CASE("the tcp checker fails with Connection refused on a closed port") {
  LoopbackSocket closed;
  CheckResult result = tcp_checker("127.0.0.1", closed.port())(real_context(2s));
  REQUIRE(result.error);
  CHECK(*result.error == "connect " + closed.address() + ": Connection refused");
}

TEST_CASE("the tcp checker gives up at the deadline when the connection is never accepted") {
  LoopbackSocket listener;
  listener.listen(0);
  Client first(listener.port());  // fills the accept queue: the kernel now drops new SYNs
  CheckResult result = tcp_checker("127.0.0.1", listener.port())(real_context(100ms));
  REQUIRE(result.error);
  CHECK(*result.error == "connect " + listener.address() + ": timeout after 100ms");
}

TEST_CASE("the tcp checker resolves a host name") {
  LoopbackSocket listener;
  listener.listen(8);
  // localhost may list ::1 first, where nothing listens: the checker moves on to 127.0.0.1.
  CheckResult result = tcp_checker("localhost", listener.port())(real_context(2s));
  REQUIRE_MESSAGE(!result.error, *result.error);
  CHECK(result.metadata.at("address") == listener.address());
}

TEST_CASE("the tcp checker fails on a host name that does not resolve") {
  CheckResult result = tcp_checker("no-such-host.invalid", 80)(real_context(2s));
  REQUIRE(result.error);
  CHECK(result.error->rfind("resolve no-such-host.invalid: ", 0) == 0);
}

TEST_CASE("the tcp checker reads host:port and rejects anything else") {
  LoopbackSocket listener;
  listener.listen(8);
  Result<Checker> checker = tcp_checker(listener.address());
  REQUIRE_MESSAGE(checker, vitals::testing::why(checker));
  CHECK_FALSE((*checker)(real_context(2s)).error);

  CHECK(tcp_checker(std::string_view("[::1]:5432")));
  for (std::string_view bad : {"localhost", ":80", "localhost:", "localhost:0", "localhost:70000",
                               "localhost:80x", "[]:80"}) {
    CAPTURE(bad);
    Result<Checker> rejected = tcp_checker(bad);
    REQUIRE_FALSE(rejected);
    CHECK(rejected.error().code == ErrorCode::InvalidArgument);
  }
}

}  // namespace
}  // namespace vitals
