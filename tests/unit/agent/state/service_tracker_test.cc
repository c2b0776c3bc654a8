#include "agent/state/service_tracker.h"

#include <doctest/doctest.h>

using namespace std::chrono_literals;
using vitals::HealthObservation;
using vitals::ScrapedCheck;
using vitals::ServiceTracker;

namespace {

const vitals::WallTime kT0{1767225600s};

vitals::ServiceConfig cards() {
  vitals::ServiceConfig config;
  config.name = "card-service";
  config.health_url = "http://127.0.0.1:8081/health";
  config.labels = {{"team", "cards"}};
  return config;
}

HealthObservation answered(std::string status, std::vector<ScrapedCheck> checks) {
  HealthObservation seen;
  seen.reachable = true;
  seen.duration = 3ms;
  seen.report =
      vitals::ServiceHealthReport{.status = std::move(status), .checks = std::move(checks)};
  return seen;
}

ScrapedCheck check(std::string name, std::string status, std::string error = "") {
  ScrapedCheck c{.name = std::move(name), .status = std::move(status)};
  if (!error.empty()) c.error = error;
  return c;
}

}  // namespace

TEST_CASE("the first scrape records the service's and every check's state") {
  ServiceTracker tracker(cards());
  CHECK(tracker.view()->status == "unknown");
  auto changes =
      tracker.observe(answered("healthy", {check("db", "healthy"), check("feed", "healthy")}), kT0);
  REQUIRE(changes.size() == 3);
  CHECK(changes[0].kind == "service");
  CHECK(changes[0].status == "healthy");
  CHECK(changes[1].kind == "check");
  CHECK(changes[1].check == "db");
  CHECK(tracker.view()->since == kT0);
  CHECK(tracker.view()->labels.at("team") == "cards");
  CHECK(tracker.view()->health_value() == 1.0);
}

TEST_CASE("an unchanged scrape records nothing and keeps the since times") {
  ServiceTracker tracker(cards());
  tracker.observe(answered("healthy", {check("db", "healthy")}), kT0);
  auto changes = tracker.observe(answered("healthy", {check("db", "healthy")}), kT0 + 5s);
  CHECK(changes.empty());
  CHECK(tracker.view()->since == kT0);
  CHECK(tracker.view()->checks[0].since == kT0);
  CHECK(tracker.view()->last_scrape == kT0 + 5s);
}

TEST_CASE("a failing check is recorded with its error, and the service with its new status") {
  ServiceTracker tracker(cards());
  tracker.observe(answered("healthy", {check("db", "healthy")}), kT0);
  auto changes = tracker.observe(
      answered("unhealthy", {check("db", "unhealthy", "connection refused")}), kT0 + 5s);
  REQUIRE(changes.size() == 2);
  CHECK(changes[0].kind == "service");
  CHECK(changes[0].status == "unhealthy");
  CHECK(changes[1].error == "connection refused");
  CHECK(tracker.down());
  CHECK(tracker.view()->health_value() == 0.0);
}

TEST_CASE("an unreachable service says why and forgets its checks' states") {
  ServiceTracker tracker(cards());
  tracker.observe(answered("degraded", {check("cache", "degraded")}), kT0);
  CHECK(tracker.view()->health_value() == 0.5);
  HealthObservation refused;
  refused.reason = vitals::FailureReason::Connect;
  refused.error = "GET http://127.0.0.1:8081/health: Connection refused";
  auto changes = tracker.observe(refused, kT0 + 5s);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].status == "unreachable");
  CHECK(changes[0].reason == "connect");
  CHECK(changes[0].error == refused.error);
  CHECK(tracker.view()->checks.empty());
  CHECK(tracker.down());
}

TEST_CASE("suppression changes the view without touching its state") {
  ServiceTracker tracker(cards());
  auto before = tracker.view();
  tracker.set_suppressed(true);
  CHECK(tracker.view()->suppressed);
  CHECK_FALSE(before->suppressed);  // earlier snapshots are immutable
}

TEST_CASE("a service coming back from unhealthy or unreachable notes when, and only then") {
  ServiceTracker tracker(cards());
  tracker.observe(answered("healthy", {}), kT0);
  tracker.observe(answered("degraded", {}), kT0 + 1s);
  CHECK_FALSE(tracker.view()->back_since);
  tracker.observe(answered("unhealthy", {}), kT0 + 2s);
  tracker.observe(answered("degraded", {}), kT0 + 3s);
  CHECK(tracker.view()->back_since == kT0 + 3s);
  tracker.observe(answered("healthy", {}), kT0 + 4s);
  CHECK(tracker.view()->back_since == kT0 + 3s);
}
