#include "health_json.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

using namespace std::chrono_literals;
using vitals::CheckState;
using vitals::CheckStatus;
using vitals::HealthSnapshot;
using vitals::detail::ProbeKind;

namespace {

HealthSnapshot card_service() {
  vitals::WallTime t{1767225600s};
  HealthSnapshot s;
  s.service = "card-service";
  s.checks.push_back(CheckState{.name = "db",
                                .status = CheckStatus::Unhealthy,
                                .error = "connection refused",
                                .metadata = {{"host", "db1"}},
                                .duration = 1500ms,
                                .last_run = t,
                                .last_success = std::nullopt,
                                .consecutive_failures = 3,
                                .critical = true,
                                .tags = {"ready"}});
  s.checks.push_back(CheckState{.name = "feed",
                                .status = CheckStatus::Healthy,
                                .duration = 2ms,
                                .last_run = t,
                                .last_success = t,
                                .critical = false,
                                .tags = {"live", "ready"}});
  s.checks.push_back(CheckState{.name = "warmup", .tags = {"ready"}});
  return s;
}

}  // namespace

TEST_CASE("the health JSON has SPEC's shape and every field's type") {
  auto body = nlohmann::json::parse(vitals::detail::render_health_json(card_service(), true));
  CHECK(body["status"] == "unhealthy");
  CHECK(body["service"] == "card-service");
  const auto& db = body["checks"]["db"];
  CHECK(db["status"] == "unhealthy");
  CHECK(db["error"] == "connection refused");
  CHECK(db["metadata"] == nlohmann::json{{"host", "db1"}});
  CHECK(db["duration_seconds"] == doctest::Approx(1.5));
  CHECK(db["last_run"] == "2026-01-01T00:00:00.000Z");
  CHECK(db["last_success"].is_null());
  CHECK(db["consecutive_failures"] == 3);
  CHECK(db["critical"] == true);
  CHECK(db["tags"] == nlohmann::json::array({"ready"}));
  const auto& feed = body["checks"]["feed"];
  CHECK(feed["error"].is_null());
  CHECK(feed["critical"] == false);
  CHECK(feed["tags"] == nlohmann::json::array({"live", "ready"}));
  const auto& warmup = body["checks"]["warmup"];
  CHECK(warmup["status"] == "unknown");
  CHECK(warmup["last_run"].is_null());
}

TEST_CASE("without details the health JSON keeps names and statuses but no errors or metadata") {
  std::string text = vitals::detail::render_health_json(card_service(), false);
  auto body = nlohmann::json::parse(text);
  CHECK(body["checks"]["db"]["status"] == "unhealthy");
  CHECK_FALSE(body["checks"]["db"].contains("error"));
  CHECK_FALSE(body["checks"]["db"].contains("metadata"));
  CHECK(text.find("connection refused") == std::string::npos);
  CHECK(text.find("db1") == std::string::npos);
}

TEST_CASE("invalid UTF-8 from a checker is replaced, not thrown") {
  HealthSnapshot s;
  s.checks.push_back(
      CheckState{.name = "bad", .status = CheckStatus::Unhealthy, .error = "\xff\xfe"});
  auto body = nlohmann::json::parse(vitals::detail::render_health_json(s, true));
  CHECK(body["checks"]["bad"]["error"].is_string());
}

TEST_CASE("/health answers 503 only when unhealthy") {
  HealthSnapshot s = card_service();
  CHECK(vitals::detail::health_http_status(s) == 503);
  s.checks[0].status = CheckStatus::Degraded;
  CHECK(vitals::detail::health_http_status(s) == 200);
}

TEST_CASE("probe bodies follow Kubernetes' verbose format and withhold reasons without details") {
  HealthSnapshot s = card_service();
  auto ready = vitals::detail::render_probe(s, ProbeKind::Ready, true, false);
  CHECK(ready.status == 503);
  CHECK(ready.body ==
        "[-]db failed: reason withheld\n[+]feed ok\n[-]warmup failed: not yet run\n"
        "readyz check failed\n");
  auto detailed = vitals::detail::render_probe(s, ProbeKind::Ready, true, true);
  CHECK(detailed.body.find("[-]db failed: connection refused\n") != std::string::npos);
  auto live = vitals::detail::render_probe(s, ProbeKind::Live, false, false);
  CHECK(live.status == 200);
  CHECK(live.body == "ok");
  auto live_verbose = vitals::detail::render_probe(s, ProbeKind::Live, true, false);
  CHECK(live_verbose.body == "[+]feed ok\nlivez check passed\n");
}

TEST_CASE("a draining service says so in the verbose readiness body") {
  HealthSnapshot s;
  s.draining = true;
  auto ready = vitals::detail::render_probe(s, ProbeKind::Ready, true, false);
  CHECK(ready.status == 503);
  CHECK(ready.body == "[-]draining failed: draining\nreadyz check failed\n");
}
