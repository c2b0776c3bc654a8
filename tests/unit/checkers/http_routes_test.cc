#include "vitals/checkers/http_routes.h"

#include <doctest/doctest.h>

#include <future>

#include <httplib.h>
#include <nlohmann/json.hpp>
#include "tests/support/why.h"

using namespace std::chrono_literals;
using vitals::CheckResult;

namespace {

// A real registry on the real clock, served by the library's own server on a loopback port.
struct Served {
  vitals::HealthRegistry registry{
      vitals::RegistryOptions{.service = "svc", .details_token = "tok"}};
  std::unique_ptr<vitals::HealthServer> server;
  std::unique_ptr<httplib::Client> client;

  Served() {
    REQUIRE(registry.add(
        "db",
        [](const vitals::CheckContext&) {
          return CheckResult::fail("refused", {{"host", "db1"}});
        },
        vitals::CheckOptions{.interval = 1h, .critical = false, .tags = {"ready", "live"}}));
    auto started = vitals::HealthServer::start(registry, {});
    REQUIRE_MESSAGE(started, vitals::testing::why(started));
    server = std::move(*started);
    client = std::make_unique<httplib::Client>("127.0.0.1", server->port());
  }
};

// The first result is published right after the checker returns; wait for it on the snapshot.
void wait_for_result(vitals::HealthRegistry& registry) {
  std::promise<void> changed;
  auto id = registry.on_change("db", [&](const vitals::StatusChange&) { changed.set_value(); });
  if (registry.snapshot()->checks[0].status == vitals::CheckStatus::Unknown) {
    changed.get_future().wait_for(5s);
  }
  registry.remove_listener(id);
}

}  // namespace

TEST_CASE("the library's server answers all four routes over loopback") {
  Served s;
  wait_for_result(s.registry);
  auto health = s.client->Get("/health");
  REQUIRE(health);
  CHECK(health->status == 200);  // degraded is still serving
  CHECK(health->get_header_value("Content-Type") == "application/json");
  auto body = nlohmann::json::parse(health->body);
  CHECK(body["status"] == "degraded");
  CHECK_FALSE(body["checks"]["db"].contains("error"));

  auto with_token = s.client->Get("/health", {{"Authorization", "Bearer tok"}});
  REQUIRE(with_token);
  CHECK(nlohmann::json::parse(with_token->body)["checks"]["db"]["error"] == "refused");

  auto readyz = s.client->Get("/readyz?verbose");
  REQUIRE(readyz);
  CHECK(readyz->status == 200);
  CHECK(readyz->body == "[+]db ok\nreadyz check passed\n");
  auto livez = s.client->Get("/livez");
  REQUIRE(livez);
  CHECK(livez->body == "ok");

  auto metrics = s.client->Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->get_header_value("Content-Type").starts_with("text/plain; version=0.0.4"));
  CHECK(metrics->body.find("vitals_check_up{check=\"db\"} 0") != std::string::npos);
}

TEST_CASE("draining turns /readyz to 503 while /livez stays 200") {
  Served s;
  wait_for_result(s.registry);
  s.registry.drain();
  auto readyz = s.client->Get("/readyz");
  REQUIRE(readyz);
  CHECK(readyz->status == 503);
  auto livez = s.client->Get("/livez");
  REQUIRE(livez);
  CHECK(livez->status == 200);
}

TEST_CASE("a port already taken is refused with a clear error") {
  Served s;
  auto second = vitals::HealthServer::start(s.registry, {.port = s.server->port()});
  REQUIRE_FALSE(second);
  CHECK(vitals::to_string(second.error()).find("cannot listen on 127.0.0.1:") != std::string::npos);
}

TEST_CASE("/health honours X-Prometheus-Scrape-Timeout-Seconds as the checkers' deadline") {
  vitals::HealthRegistry registry{vitals::RegistryOptions{.service = "svc"}};
  auto release = std::make_shared<std::promise<void>>();
  std::shared_future<void> released = release->get_future().share();
  std::promise<std::string> timed_out;
  registry.on_change("slow", [&](const vitals::StatusChange& change) {
    if (change.error) timed_out.set_value(*change.error);
  });
  auto started = vitals::HealthServer::start(registry, {});
  REQUIRE_MESSAGE(started, vitals::testing::why(started));
  httplib::Client client("127.0.0.1", (*started)->port());
  auto health = client.Get("/health", {{"X-Prometheus-Scrape-Timeout-Seconds", "0.2"}});
  REQUIRE(health);
  REQUIRE(registry.add(
      "slow",
      [released](const vitals::CheckContext&) {
        released.wait();
        return CheckResult::ok();
      },
      vitals::CheckOptions{.interval = 1h, .timeout = 1h}));
  auto error = timed_out.get_future();
  REQUIRE(error.wait_for(10s) == std::future_status::ready);
  CHECK(error.get() == "timeout after 200ms");
  release->set_value();
}
