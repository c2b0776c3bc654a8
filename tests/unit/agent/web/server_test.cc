// The web server over real loopback HTTP: where it agrees to listen, the lifecycle endpoints,
// the admin token, the bounds on requests and the headers every response carries.
#include "agent/web/server.h"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/support/why.h"
#include "tests/unit/agent/web/web_fixture.h"

namespace vitals {
namespace {

using testing::request;
using testing::WebFixture;
using testing::why;

const httplib::Headers kRightToken = {{"Authorization", "Bearer s3cret-token"}};

WebOptions with_token(std::string address = "127.0.0.1:0") {
  return WebOptions{.listen_address = std::move(address), .admin_token = "s3cret-token"};
}

TEST_CASE("the server refuses a non-loopback address without an admin token") {
  WebFixture fixture;
  for (const char* address : {"0.0.0.0:0", ":0", "[::]:0", "192.0.2.10:0", "example.test:0"}) {
    auto server = fixture.start({.listen_address = address});
    REQUIRE_MESSAGE(!server, address);
    CHECK(server.error().code == ErrorCode::InvalidArgument);
    CHECK_MESSAGE(server.error().message.find("admin token") != std::string::npos,
                  server.error().message);
  }
}

TEST_CASE("the server listens on every interface when an admin token is configured") {
  WebFixture fixture;
  auto server = fixture.start(with_token("0.0.0.0:0"));
  REQUIRE_MESSAGE(server, why(server));
  CHECK(request((*server)->port(), "GET", "/-/healthy").status == 200);
}

TEST_CASE("the server rejects a malformed listen address and a missing handler") {
  WebFixture fixture;
  CHECK(fixture.start({.listen_address = "127.0.0.1"}).error().code == ErrorCode::InvalidArgument);
  WebHandlers handlers = fixture.handlers();
  handlers.reload = nullptr;
  auto server = WebServer::start({.listen_address = "127.0.0.1:0"}, handlers);
  REQUIRE(!server);
  CHECK(server.error().message.find("reload") != std::string::npos);
}

TEST_CASE("a port already in use is an error naming the address") {
  WebFixture fixture;
  auto first = fixture.start();
  REQUIRE_MESSAGE(first, why(first));
  std::string address = "127.0.0.1:" + std::to_string((*first)->port());
  auto second = fixture.start({.listen_address = address});
  REQUIRE(!second);
  CHECK(second.error().code == ErrorCode::Unavailable);
  CHECK_MESSAGE(second.error().message.find(address) != std::string::npos, second.error().message);
}

TEST_CASE("healthy, ready and metrics answer as Prometheus does") {
  WebFixture fixture;
  auto server = fixture.start();
  REQUIRE_MESSAGE(server, why(server));
  int port = (*server)->port();
  auto healthy = request(port, "GET", "/-/healthy");
  CHECK(healthy.status == 200);
  CHECK(healthy.body == "Healthy\n");
  CHECK(request(port, "HEAD", "/-/healthy").status == 200);
  CHECK(request(port, "GET", "/-/ready").status == 200);
  fixture.ready = false;
  auto not_ready = request(port, "GET", "/-/ready");
  CHECK(not_ready.status == 503);
  CHECK(not_ready.body == "Service Unavailable\n");
  auto metrics = request(port, "GET", "/metrics");
  CHECK(metrics.status == 200);
  CHECK(metrics.body == "vitals_up 1\n");
  CHECK(metrics.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
}

TEST_CASE("every response carries nosniff and no-store, errors included") {
  WebFixture fixture;
  auto server = fixture.start();
  REQUIRE_MESSAGE(server, why(server));
  for (const char* path : {"/metrics", "/api/v1/services", "/api/v1/nope", "/nope"}) {
    auto reply = request((*server)->port(), "GET", path);
    CHECK_MESSAGE(reply.header("X-Content-Type-Options") == "nosniff", path);
    CHECK_MESSAGE(reply.header("Cache-Control") == "no-store", path);
  }
}

// What `curl -X POST …/-/reload` sends: no body and no Content-Length.
std::string bodiless_post_status_line(int port, const std::string& path) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(port));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string reply;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0) {
    std::string request =
        "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    (void)!::write(fd, request.data(), request.size());
    char buffer[512];
    ssize_t n = 0;
    while ((n = ::read(fd, buffer, sizeof buffer)) > 0)
      reply.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return reply.substr(0, reply.find("\r\n"));
}

TEST_CASE("a bodiless POST without Content-Length reloads, as curl -X POST sends it") {
  WebFixture fixture;
  auto server = fixture.start();
  REQUIRE_MESSAGE(server, why(server));
  CHECK(bodiless_post_status_line((*server)->port(), "/-/reload") == "HTTP/1.1 200 OK");
  CHECK(fixture.reloads == 1);
}

TEST_CASE("reload is open without a token on loopback and reports a refused configuration") {
  WebFixture fixture;
  auto server = fixture.start();
  REQUIRE_MESSAGE(server, why(server));
  int port = (*server)->port();
  CHECK(request(port, "POST", "/-/reload").status == 200);
  CHECK(fixture.reloads == 1);
  fixture.reload_fails = true;
  auto refused = request(port, "POST", "/-/reload");
  CHECK(refused.status == 500);
  CHECK_MESSAGE(refused.body.find("vitals.yml:3:5: unknown key") != std::string::npos,
                refused.body);
  CHECK(request(port, "GET", "/-/reload").status == 405);
  CHECK(fixture.reloads == 2);
}

TEST_CASE("reload needs the right bearer token when one is configured") {
  WebFixture fixture;
  auto server = fixture.start(with_token());
  REQUIRE_MESSAGE(server, why(server));
  int port = (*server)->port();
  auto none = request(port, "POST", "/-/reload");
  CHECK(none.status == 401);
  CHECK(none.header("WWW-Authenticate").starts_with("Bearer"));
  auto wrong = request(port, "POST", "/-/reload", {{"Authorization", "Bearer s3cret-tokem"}});
  CHECK(wrong.status == 401);
  auto basic = request(port, "POST", "/-/reload", {{"Authorization", "Basic s3cret-token"}});
  CHECK(basic.status == 401);
  CHECK(fixture.reloads == 0);
  CHECK(request(port, "POST", "/-/reload", kRightToken).status == 200);
  CHECK(request(port, "PUT", "/-/reload", {{"Authorization", "bearer s3cret-token"}}).status ==
        200);
  CHECK(fixture.reloads == 2);
}

TEST_CASE("a request body over the limit is refused with 413") {
  WebFixture fixture;
  auto server = fixture.start({.listen_address = "127.0.0.1:0", .max_request_body_bytes = 1024});
  REQUIRE_MESSAGE(server, why(server));
  int port = (*server)->port();
  CHECK(request(port, "POST", "/-/reload", {}, std::string(1024, 'x')).status == 200);
  auto big = request(port, "POST", "/-/reload", {}, std::string(4096, 'x'));
  CHECK_MESSAGE(big.status == 413, big.body);
  CHECK(fixture.reloads == 1);
}

TEST_CASE("a query string over the limit is refused with 414") {
  WebFixture fixture;
  auto server = fixture.start({.listen_address = "127.0.0.1:0", .max_query_bytes = 100});
  REQUIRE_MESSAGE(server, why(server));
  int port = (*server)->port();
  CHECK(request(port, "GET", "/api/v1/services?x=" + std::string(96, 'a')).status == 200);
  auto long_query = request(port, "GET", "/api/v1/services?x=" + std::string(200, 'a'));
  CHECK(long_query.status == 414);
  CHECK(long_query.json()["errorType"] == "bad_data");
  // Past httplib's own 8 KiB request-line bound the answer is the same.
  CHECK(request(port, "GET", "/metrics?x=" + std::string(9000, 'a')).status == 414);
}

TEST_CASE("an unknown API route is a JSON 404, an unknown page a text one") {
  WebFixture fixture;
  auto server = fixture.start();
  REQUIRE_MESSAGE(server, why(server));
  auto api = request((*server)->port(), "GET", "/api/v1/nope");
  CHECK(api.status == 404);
  CHECK(api.header("Content-Type") == "application/json");
  auto body = api.json();
  CHECK(body["status"] == "error");
  CHECK(body["errorType"] == "not_found");
  CHECK(body["error"] == "unknown API endpoint GET /api/v1/nope");
  auto page = request((*server)->port(), "GET", "/nope");
  CHECK(page.status == 404);
  CHECK(page.body == "404 page not found\n");
}

TEST_CASE("a handler that throws answers 500 in the envelope and the server keeps serving") {
  WebFixture fixture;
  auto server = fixture.start();
  REQUIRE_MESSAGE(server, why(server));
  fixture.snapshot_throws = true;
  auto failed = request((*server)->port(), "GET", "/api/v1/services");
  CHECK(failed.status == 500);
  CHECK(failed.json()["errorType"] == "internal");
  CHECK(failed.body.find("exploded") == std::string::npos);  // details stay in the log
  fixture.snapshot_throws = false;
  CHECK(request((*server)->port(), "GET", "/api/v1/services").status == 200);
}

TEST_CASE("stop ends serving and can be called twice") {
  WebFixture fixture;
  auto server = fixture.start();
  REQUIRE_MESSAGE(server, why(server));
  int port = (*server)->port();
  (*server)->stop();
  (*server)->stop();
  CHECK(request(port, "GET", "/-/healthy").status == 0);
}

TEST_CASE("the API answers 429 with Retry-After past a client's rate; /metrics is not limited") {
  WebFixture fixture;
  auto server = fixture.start(
      {.listen_address = "127.0.0.1:0", .api_requests_per_second = 0.5, .api_burst = 2});
  REQUIRE(server);
  const int port = (*server)->port();
  CHECK(request(port, "GET", "/api/v1/services").status == 200);
  CHECK(request(port, "GET", "/api/v1/probes").status == 200);
  const auto refused = request(port, "GET", "/api/v1/services");
  CHECK(refused.status == 429);
  CHECK(refused.json().at("errorType") == "unavailable");
  CHECK(refused.json().at("error").get<std::string>().find("too many requests") !=
        std::string::npos);
  const int retry_after = std::stoi(refused.header("Retry-After"));
  CHECK(retry_after >= 1);
  CHECK(retry_after <= 2);
  for (int i = 0; i < 5; ++i) CHECK(request(port, "GET", "/metrics").status == 200);
}

}  // namespace
}  // namespace vitals
