#include "agent/scrape/health_json_parser.h"

#include <doctest/doctest.h>
#include "tests/support/why.h"

using vitals::parse_health_json;

namespace {

std::string error_of(std::string_view body) {
  auto parsed = parse_health_json(body);
  REQUIRE_FALSE_MESSAGE(parsed, "accepted: ", body);
  return parsed.error().message;
}

}  // namespace

TEST_CASE("a detailed body from the checkers library parses into checks") {
  auto report = parse_health_json(R"({"status":"degraded","service":"card-service","checks":{
    "db":{"status":"healthy","error":null,"metadata":{"journal_mode":"wal","pages":12},
          "duration_seconds":0.002,"last_run":"2026-01-01T00:00:00.000Z","last_success":null,
          "consecutive_failures":0,"critical":true,"tags":["ready"]},
    "cache":{"status":"degraded","error":"miss storm","metadata":{},"duration_seconds":1.5,
          "consecutive_failures":4,"critical":false,"tags":[]}}})");
  REQUIRE_MESSAGE(report, vitals::testing::why(report));
  CHECK(report->status == "degraded");
  CHECK(report->service == "card-service");
  REQUIRE(report->checks.size() == 2);
  const auto& cache = report->checks[0];
  CHECK(cache.name == "cache");
  CHECK(cache.status == "degraded");
  CHECK(cache.error == "miss storm");
  CHECK(cache.duration_seconds == doctest::Approx(1.5));
  CHECK(cache.consecutive_failures == 4);
  CHECK_FALSE(cache.critical);
  const auto& db = report->checks[1];
  CHECK_FALSE(db.error.has_value());
  CHECK(db.metadata.at("pages") == "12");
  CHECK(db.tags == std::vector<std::string>{"ready"});
}

TEST_CASE("a body without details still gives each check's status") {
  auto report = parse_health_json(
      R"({"status":"unhealthy","service":"s","checks":{"db":{"status":"unhealthy"}}})");
  REQUIRE(report);
  CHECK(report->checks[0].status == "unhealthy");
  CHECK_FALSE(report->checks[0].error.has_value());
}

TEST_CASE("malformed or foreign bodies are refused with the field at fault") {
  CHECK(error_of("") == "health JSON: not valid JSON");
  CHECK(error_of("<html>oops</html>") == "health JSON: not valid JSON");
  CHECK(error_of("[1,2]") == "health JSON: body: expected a JSON object");
  CHECK(error_of(R"({"checks":{}})") == "health JSON: status: missing");
  CHECK(error_of(R"({"status":"UP"})") ==
        "health JSON: status: expected one of healthy, degraded, unhealthy, got \"UP\"");
  CHECK(error_of(R"({"status":"healthy"})") == "health JSON: checks: missing");
  CHECK(error_of(R"({"status":"healthy","checks":[]})") ==
        "health JSON: checks: expected an object");
  CHECK(error_of(R"({"status":"healthy","checks":{"db":{"status":1}}})") ==
        "health JSON: checks.db.status: expected one of healthy, degraded, unhealthy, unknown, "
        "got 1");
  CHECK(error_of(R"({"status":"healthy","checks":{"db":{"status":"healthy","error":5}}})") ==
        "health JSON: checks.db.error: expected a string or null");
  CHECK(error_of(R"({"status":"healthy","checks":{"db":"up"}})") ==
        "health JSON: checks.db: expected an object");
}

TEST_CASE("truncated and deeply nested bodies fail cleanly") {
  CHECK(error_of(R"({"status":"healthy","checks":{"db":{"status":"hea)") ==
        "health JSON: not valid JSON");
  std::string deep(100000, '[');
  CHECK(error_of(deep) == "health JSON: not valid JSON");
}
