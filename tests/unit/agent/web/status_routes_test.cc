// The status page's routes over real loopback HTTP: the compiled-in assets, the page's
// security headers, no way out of the asset table, and /api/v1/status in the API's envelope.
#include <doctest/doctest.h>

#include "agent/status/status_assets.h"
#include "tests/unit/agent/web/web_fixture.h"

namespace {

using vitals::testing::request;
using vitals::testing::WebFixture;

}  // namespace

TEST_CASE("GET / serves the compiled-in page under a strict Content-Security-Policy") {
  WebFixture fixture;
  auto server = fixture.start();
  REQUIRE(server);
  const auto page = request((*server)->port(), "GET", "/");
  CHECK(page.status == 200);
  CHECK(page.header("Content-Type") == "text/html; charset=utf-8");
  CHECK(page.body == std::string(vitals::status::find_asset("index.html")->body));
  CHECK(page.body.find("static/status.js") != std::string::npos);
  const std::string policy = page.header("Content-Security-Policy");
  CHECK(policy.find("default-src 'none'") != std::string::npos);
  CHECK(policy.find("script-src 'self'") != std::string::npos);
  CHECK(policy.find("unsafe-inline") == std::string::npos);
  CHECK(page.header("X-Content-Type-Options") == "nosniff");

  const auto script = request((*server)->port(), "GET", "/static/status.js");
  CHECK(script.status == 200);
  CHECK(script.header("Content-Type") == "text/javascript; charset=utf-8");
  CHECK_FALSE(script.body.empty());
  CHECK(request((*server)->port(), "GET", "/static/status.css").status == 200);
}

TEST_CASE("no request path reaches anything but the compiled-in assets") {
  WebFixture fixture;
  auto server = fixture.start();
  REQUIRE(server);
  for (const char* path : {"/static/../../etc/passwd", "/static/..%2F..%2Fetc%2Fpasswd",
                           "/static/%2e%2e/%2e%2e/etc/passwd", "/static/", "/static/nope.js",
                           "/static/status.js/", "/index.html/../../etc/passwd", "/etc/passwd"}) {
    const auto reply = request((*server)->port(), "GET", path);
    CAPTURE(path);
    CHECK(reply.status == 404);
    CHECK(reply.body.find("root:") == std::string::npos);
  }
}

TEST_CASE("/api/v1/status answers the handler's data in the envelope, 503 without one") {
  WebFixture fixture;
  auto server = fixture.start();
  REQUIRE(server);
  const auto missing = request((*server)->port(), "GET", "/api/v1/status");
  CHECK(missing.status == 503);
  CHECK(missing.json().at("errorType") == "unavailable");

  vitals::WebHandlers handlers = fixture.handlers();
  handlers.status = [] { return nlohmann::json{{"title", "<b>Mondo</b> status"}}; };
  auto with_status =
      vitals::WebServer::start({.listen_address = "127.0.0.1:0"}, std::move(handlers));
  REQUIRE(with_status);
  const auto reply = request((*with_status)->port(), "GET", "/api/v1/status");
  CHECK(reply.status == 200);
  CHECK(reply.header("Content-Type") == "application/json");
  CHECK(reply.json().at("status") == "success");
  CHECK(reply.json().at("data").at("title") == "<b>Mondo</b> status");
}
