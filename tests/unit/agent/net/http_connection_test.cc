#include "agent/net/http_connection.h"

#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "agent/net/url_client.h"
#include "tests/support/loopback_http_server.h"
#include "tests/unit/agent/net/gzip_text.h"
#include "tests/unit/agent/net/scripted_http_server.h"

using namespace std::chrono_literals;
using vitals::HttpConnection;
using vitals::HttpRequest;
using vitals::HttpResponse;
using vitals::NetLoop;
using vitals::real_clock;
using vitals::testing::http_ok;
using vitals::testing::ScriptedHttpServer;
using vitals::testing::ScriptedReply;
using Failure = HttpResponse::Failure;

namespace {

HttpRequest scrape_request(vitals::Duration timeout = 5s) {
  HttpRequest request{.timeout = timeout, .accept_gzip = true};
  request.headers["Accept"] = "text/plain";
  return request;
}

HttpResponse fetch_one(NetLoop& loop, HttpConnection& connection,
                       const HttpRequest& request = scrape_request()) {
  std::optional<HttpResponse> response;
  bool returned = false;
  connection.fetch(request, [&](HttpResponse r) {
    CHECK_MESSAGE(returned, "the callback ran inside fetch()");
    response = std::move(r);
  });
  returned = true;
  REQUIRE(loop.run_until([&] { return response.has_value(); }, 10s));
  return std::move(*response);
}

ScriptedReply reply(std::string bytes, bool close_after = false) {
  return ScriptedReply{.pieces = {std::move(bytes)}, .close_after = close_after};
}

}  // namespace

TEST_CASE("only plain http URLs without user information take the kept connection") {
  CHECK(HttpConnection::supports("http://127.0.0.1:9100/metrics"));
  CHECK(HttpConnection::supports("http://localhost/metrics"));
  CHECK(HttpConnection::supports("http://[::1]:9100"));
  CHECK_FALSE(HttpConnection::supports("https://127.0.0.1:9100/metrics"));
  CHECK_FALSE(HttpConnection::supports("http://user:pw@127.0.0.1/metrics"));
  CHECK_FALSE(HttpConnection::supports("http:///metrics"));
}

TEST_CASE("requests go out with the path, Host and headers, and reuse one connection") {
  ScriptedHttpServer server([](const std::string&, int) { return reply(http_ok("up 1\n")); });
  NetLoop loop(real_clock());
  HttpConnection connection(loop, server.url("/metrics?format=text#frag"));
  for (int i = 0; i < 3; ++i) {
    HttpResponse r = fetch_one(loop, connection);
    REQUIRE_MESSAGE(!r.transport_error, *r.transport_error);
    CHECK(r.status == 200);
    CHECK(r.body == "up 1\n");
    CHECK(r.total > vitals::Duration{0});
    CHECK(connection.connected());
  }
  CHECK(server.connections() == 1);
  const std::string head = server.heads().at(0);
  CHECK(head.starts_with("GET /metrics?format=text HTTP/1.1\r\n"));
  CHECK(head.find("\r\nHost: " + server.url("").substr(7)) != std::string::npos);
  CHECK(head.find("\r\nAccept: text/plain") != std::string::npos);
  CHECK(head.find("\r\nAccept-Encoding: gzip") != std::string::npos);
}

TEST_CASE("a chunked, gzip-encoded answer sent in pieces is decoded") {
  const std::string body(30000, 'm');
  const std::string zipped = vitals::testing::gzip_text(body);
  char size[16];
  std::snprintf(size, sizeof size, "%zx", zipped.size());
  ScriptedHttpServer server([&](const std::string&, int) {
    std::string whole =
        "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n"
        "Transfer-Encoding: chunked\r\n\r\n" +
        std::string(size) + "\r\n" + zipped + "\r\n0\r\n\r\n";
    const std::size_t third = whole.size() / 3;
    return ScriptedReply{
        .pieces = {whole.substr(0, third), whole.substr(third, third), whole.substr(2 * third)},
        .pause = 20ms};
  });
  NetLoop loop(real_clock());
  HttpConnection connection(loop, server.url("/metrics"));
  HttpResponse r = fetch_one(loop, connection);
  REQUIRE_MESSAGE(!r.transport_error, *r.transport_error);
  CHECK(r.body == body);
  CHECK(connection.connected());
}

TEST_CASE("httplib's gzip answers decode as libcurl's do") {
  const std::string body(5000, 'h');
  vitals::testing::LoopbackHttpServer server([&](httplib::Server& s) {
    s.Get("/metrics", [&](const auto&, auto& res) { res.set_content(body, "text/plain"); });
  });
  NetLoop loop(real_clock());
  HttpConnection connection(loop, server.url("/metrics"));
  HttpResponse r = fetch_one(loop, connection);
  REQUIRE_MESSAGE(!r.transport_error, *r.transport_error);
  CHECK(r.headers["content-encoding"] == "gzip");
  CHECK(r.body == body);
}

TEST_CASE("an answer that ends with the connection is read to the close and not kept") {
  ScriptedHttpServer server(
      [](const std::string&, int) { return reply("HTTP/1.0 200 OK\r\n\r\nto the end", true); });
  NetLoop loop(real_clock());
  HttpConnection connection(loop, server.url("/"));
  HttpResponse r = fetch_one(loop, connection);
  REQUIRE_MESSAGE(!r.transport_error, *r.transport_error);
  CHECK(r.body == "to the end");
  CHECK_FALSE(connection.connected());
  CHECK(fetch_one(loop, connection).body == "to the end");
  CHECK(server.connections() == 2);
}

TEST_CASE("Connection: close is honoured: the next request opens a new connection") {
  ScriptedHttpServer server(
      [](const std::string&, int) { return reply(http_ok("bye", "Connection: close\r\n"), true); });
  NetLoop loop(real_clock());
  HttpConnection connection(loop, server.url("/"));
  CHECK(fetch_one(loop, connection).body == "bye");
  CHECK_FALSE(connection.connected());
  CHECK(fetch_one(loop, connection).body == "bye");
  CHECK(server.connections() == 2);
}

TEST_CASE("a kept connection the server closed while idle is replaced without a failure") {
  // The server answers as if it kept the connection, then closes it, as an idle timeout does.
  ScriptedHttpServer server([](const std::string&, int connection) {
    return reply(http_ok("conn " + std::to_string(connection)), true);
  });
  NetLoop loop(real_clock());
  HttpConnection connection(loop, server.url("/"));
  CHECK(fetch_one(loop, connection).body == "conn 1");
  std::this_thread::sleep_for(50ms);  // the close reaches the client's socket
  HttpResponse second = fetch_one(loop, connection);
  REQUIRE_MESSAGE(!second.transport_error, *second.transport_error);
  CHECK(second.body == "conn 2");
  CHECK(server.connections() == 2);
}

TEST_CASE("an answer cut off mid-body fails, and is not sent again") {
  ScriptedHttpServer server([](const std::string&, int) {
    return reply("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this", true);
  });
  NetLoop loop(real_clock());
  HttpConnection connection(loop, server.url("/"));
  HttpResponse r = fetch_one(loop, connection);
  REQUIRE(r.transport_error);
  CHECK(r.failure == Failure::Other);
  CHECK(r.transport_error->ends_with("connection closed before the response ended"));
  CHECK(server.heads().size() == 1);
  CHECK_FALSE(connection.connected());
}

TEST_CASE("a server that never answers times out at the request's timeout") {
  ScriptedHttpServer server([](const std::string&, int) { return ScriptedReply{.silent = true}; });
  NetLoop loop(real_clock());
  HttpConnection connection(loop, server.url("/"));
  const auto start = std::chrono::steady_clock::now();
  HttpResponse r = fetch_one(loop, connection, scrape_request(200ms));
  CHECK(std::chrono::steady_clock::now() - start >= 200ms);
  REQUIRE(r.transport_error);
  CHECK(r.failure == Failure::Timeout);
  CHECK(*r.transport_error == "timed out after 200 ms");
  CHECK_FALSE(connection.connected());
}

TEST_CASE("a refused connection fails as Connect, after fetch() has returned") {
  int port = 0;
  {
    ScriptedHttpServer gone([](const std::string&, int) { return ScriptedReply{}; });
    port = std::stoi(gone.url("").substr(17));
  }
  NetLoop loop(real_clock());
  HttpConnection connection(loop, "http://127.0.0.1:" + std::to_string(port) + "/metrics");
  HttpResponse r = fetch_one(loop, connection);
  REQUIRE(r.transport_error);
  CHECK(r.failure == Failure::Connect);
  CHECK(r.transport_error->find("Connection refused") != std::string::npos);
}

TEST_CASE("a body over max_body_bytes fails as TooLarge; a bad status line as Other") {
  ScriptedHttpServer server([](const std::string& head, int) {
    if (head.starts_with("GET /big")) return reply(http_ok(std::string(2000, 'b')));
    return reply("SPDY/3 what\r\n\r\n");
  });
  NetLoop loop(real_clock());
  HttpConnection big(loop, server.url("/big"));
  HttpRequest bounded = scrape_request();
  bounded.max_body_bytes = 1000;
  HttpResponse r = fetch_one(loop, big, bounded);
  REQUIRE(r.transport_error);
  CHECK(r.failure == Failure::TooLarge);
  CHECK(r.transport_error->ends_with("body larger than 1000 bytes"));
  HttpConnection odd(loop, server.url("/odd"));
  HttpResponse o = fetch_one(loop, odd);
  REQUIRE(o.transport_error);
  CHECK(o.failure == Failure::Other);
  CHECK(o.transport_error->ends_with("malformed status line: SPDY/3 what"));
}

TEST_CASE("a cancelled request never calls back, and the next one goes out on a fresh connection") {
  ScriptedHttpServer server([](const std::string& head, int) {
    if (head.starts_with("GET /slow")) {
      return ScriptedReply{.pieces = {"", http_ok("late")}, .pause = 300ms};
    }
    return reply(http_ok("fast"));
  });
  NetLoop loop(real_clock());
  HttpConnection connection(loop, server.url("/slow"));
  bool called = false;
  connection.fetch(scrape_request(), [&](HttpResponse) { called = true; });
  loop.run_until([] { return false; }, 50ms);
  connection.cancel();
  CHECK_FALSE(connection.connected());
  loop.run_until([] { return false; }, 400ms);
  CHECK_FALSE(called);
}

TEST_CASE("UrlClient sends http through the kept connection and https through libcurl") {
  ScriptedHttpServer server([](const std::string&, int) { return reply(http_ok("via client")); });
  NetLoop loop(real_clock());
  vitals::UrlClient client(loop, server.url("/metrics"));
  for (int i = 0; i < 2; ++i) {
    std::optional<HttpResponse> response;
    client.fetch(scrape_request(), [&](HttpResponse r) { response = std::move(r); });
    REQUIRE(loop.run_until([&] { return response.has_value(); }, 10s));
    CHECK(response->body == "via client");
  }
  CHECK(server.connections() == 1);
  // Nothing listens for TLS there: libcurl's failure text shows which way the request went.
  vitals::UrlClient tls(loop, "https://127.0.0.1:1/metrics");
  std::optional<HttpResponse> failed;
  tls.fetch(scrape_request(), [&](HttpResponse r) { failed = std::move(r); });
  REQUIRE(loop.run_until([&] { return failed.has_value(); }, 10s));
  CHECK(failed->failure == Failure::Connect);
  CHECK(failed->transport_error->find("Failed to connect") != std::string::npos);
}
