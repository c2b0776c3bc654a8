#include "vitals/checkers/builtin/http_checker.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <mutex>
#include <string>

#include <doctest/doctest.h>

#include "tests/support/loopback_http_server.h"

namespace vitals {
namespace {

using namespace std::chrono_literals;
using testing::LoopbackHttpServer;

CheckContext real_context(Duration timeout) {
  return CheckContext{real_clock().now() + timeout, &real_clock()};
}

void serve_routes(httplib::Server& server) {
  server.Get("/ok", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("fine", "text/plain");
  });
  server.Get("/fail", [](const httplib::Request&, httplib::Response& res) { res.status = 500; });
  server.Get("/private", [](const httplib::Request& req, httplib::Response& res) {
    res.status = req.get_header_value("Authorization") == "Bearer s3cret" ? 200 : 401;
  });
}

// Holds a response back until the test has its result, so nothing in the test sleeps.
class Gate {
 public:
  void open() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      open_ = true;
    }
    opened_.notify_all();
  }
  // Gives up after `limit`, so a test that fails before open() still ends.
  void wait(Duration limit) {
    std::unique_lock<std::mutex> lock(mu_);
    opened_.wait_for(lock, limit, [this] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable opened_;
  bool open_ = false;
};

// A loopback port bound but not listening: connecting to it is refused.
class ClosedPort {
 public:
  ClosedPort() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    socklen_t length = sizeof address;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~ClosedPort() { ::close(fd_); }
  ClosedPort(const ClosedPort&) = delete;
  ClosedPort& operator=(const ClosedPort&) = delete;
  int port() const { return port_; }

 private:
  int fd_;
  int port_ = 0;
};

TEST_CASE("the http checker passes on a 200 and reports the status code and latency") {
  LoopbackHttpServer server(serve_routes);
  CheckResult result = http_checker({.url = server.url("/ok")})(real_context(2s));
  REQUIRE_MESSAGE(!result.error, *result.error);
  CHECK(result.metadata.at("status_code") == "200");
  CHECK(std::stod(result.metadata.at("latency_ms")) >= 0.0);
}

TEST_CASE("the http checker fails when the server returns 500") {
  LoopbackHttpServer server(serve_routes);
  std::string url = server.url("/fail");
  CheckResult result = http_checker({.url = url})(real_context(2s));
  REQUIRE(result.error);
  CHECK(*result.error == "GET " + url + " returned 500");
  CHECK(result.metadata.at("status_code") == "500");
}

TEST_CASE("the http checker passes on a status code it was told to expect") {
  LoopbackHttpServer server(serve_routes);
  HttpCheckOptions options{.url = server.url("/fail"), .expect_status = {500, 503}};
  CHECK_FALSE(http_checker(options)(real_context(2s)).error);
  options.url = server.url("/ok");
  CHECK(http_checker(options)(real_context(2s)).error);
}

TEST_CASE("the http checker sends its configured headers") {
  LoopbackHttpServer server(serve_routes);
  std::string url = server.url("/private");
  CHECK(http_checker({.url = url})(real_context(2s)).error == "GET " + url + " returned 401");
  CheckResult result =
      http_checker({.url = url, .headers = {{"Authorization", "Bearer s3cret"}}})(real_context(2s));
  CHECK_FALSE(result.error);
  CHECK(result.metadata.count("Authorization") == 0);
}

TEST_CASE("the http checker fails with connect: Connection refused on a closed port") {
  ClosedPort closed;
  std::string url = "http://127.0.0.1:" + std::to_string(closed.port()) + "/health";
  CheckResult result = http_checker({.url = url})(real_context(2s));
  REQUIRE(result.error);
  CHECK(*result.error == "GET " + url + ": connect: Connection refused");
  CHECK(result.metadata.count("status_code") == 0);
}

TEST_CASE("the http checker gives up at the deadline on a server that answers too late") {
  Gate gate;  // declared first: it outlives the server's handler threads
  LoopbackHttpServer server([&gate](httplib::Server& s) {
    s.Get("/slow", [&gate](const httplib::Request&, httplib::Response& res) {
      gate.wait(10s);
      res.set_content("too late", "text/plain");
    });
  });
  std::string url = server.url("/slow");
  CheckResult result = http_checker({.url = url})(real_context(200ms));
  gate.open();
  REQUIRE(result.error);
  CHECK(*result.error == "GET " + url + ": timeout after 200ms");
}

TEST_CASE("the http checker refuses schemes other than http and https") {
  CheckResult result = http_checker({.url = "file:///etc/passwd"})(real_context(2s));
  REQUIRE(result.error);
  CHECK(result.error->rfind("GET file:///etc/passwd: ", 0) == 0);
}

}  // namespace
}  // namespace vitals
