// /api/v1/ over real loopback HTTP: the JSON of each view, and history read from a real SQLite
// file with its since/limit parameters.
#include <doctest/doctest.h>

#include "tests/support/temp_dir.h"
#include "tests/support/why.h"
#include "tests/unit/agent/web/web_fixture.h"

namespace vitals {
namespace {

using nlohmann::json;
using std::chrono::hours;
using std::chrono::seconds;
using testing::at_offset;
using testing::request;
using testing::WebFixture;
using testing::why;

json get_data(int port, const std::string& path) {
  auto reply = request(port, "GET", path);
  REQUIRE_MESSAGE(reply.status == 200, path, ": ", reply.body);
  CHECK(reply.header("Content-Type") == "application/json");
  json body = reply.json();
  REQUIRE(body["status"] == "success");
  return body["data"];
}

TEST_CASE("services list each service with its checks in configuration order") {
  WebFixture fixture;
  auto server = fixture.start();
  REQUIRE_MESSAGE(server, why(server));
  json services = get_data((*server)->port(), "/api/v1/services")["services"];
  REQUIRE(services.size() == 2);
  const json& card = services[0];
  CHECK(card["name"] == "card-service");
  CHECK(card["status"] == "degraded");
  CHECK(card["health"] == 0.5);
  CHECK(card["labels"] == json{{"team", "cards"}});
  CHECK(card["last_scrape"] == "2025-12-31T23:59:58.500Z");
  CHECK(card["since"] == "2025-12-31T23:00:00.000Z");
  CHECK(!card.contains("error"));
  CHECK(!card.contains("reason"));
  REQUIRE(card["checks"].size() == 2);
  CHECK(card["checks"][1]["error"] == "feed is 12s late");
  const json& feed = services[1];
  CHECK(feed["status"] == "unreachable");
  CHECK(feed["health"] == 0);
  CHECK(feed["reason"] == "connect");
  CHECK(feed["error"] == "connection refused");
  CHECK(feed["last_scrape"].is_null());
  CHECK(feed["suppressed"] == true);
}

TEST_CASE("checks are flattened with error and metadata only where the service gave them") {
  WebFixture fixture;
  auto server = fixture.start();
  REQUIRE_MESSAGE(server, why(server));
  json checks = get_data((*server)->port(), "/api/v1/checks")["checks"];
  REQUIRE(checks.size() == 2);
  CHECK(checks[0] == json{{"service", "card-service"},
                          {"check", "db"},
                          {"status", "healthy"},
                          {"duration_seconds", 0.002},
                          {"critical", true},
                          {"since", "2025-12-31T21:00:00.000Z"}});
  CHECK(checks[1]["error"] == "feed is 12s late");
  CHECK(checks[1]["metadata"] == json{{"lag", "12s"}});
  CHECK(checks[1]["critical"] == false);
}

TEST_CASE("probes show their last result with phases, reason and certificate expiry") {
  WebFixture fixture;
  auto server = fixture.start();
  REQUIRE_MESSAGE(server, why(server));
  json data = get_data((*server)->port(), "/api/v1/probes");
  CHECK(data["vantage_degraded"] == false);
  json probes = data["probes"];
  REQUIRE(probes.size() == 3);
  CHECK(probes[0]["status"] == "up");
  CHECK(probes[0]["kind"] == "http");
  json last = probes[0]["last"];
  CHECK(last["success"] == true);
  CHECK(last["http_status"] == 200);
  CHECK(last["duration_seconds"] == 0.012);
  CHECK(last["phases"] == json{{"resolve", 0.001},
                               {"connect", 0.002},
                               {"tls", 0.0},
                               {"processing", 0.008},
                               {"transfer", 0.001}});
  CHECK(!last.contains("reason"));
  CHECK(!last.contains("error"));
  json cert = probes[1]["last"];
  CHECK(probes[1]["status"] == "down");
  CHECK(cert["reason"] == "certificate");
  CHECK(cert["cert_expiry"] == "2026-01-04T00:00:00.000Z");
  CHECK(probes[2]["status"] == "unknown");
  CHECK(probes[2]["last"].is_null());
  CHECK(probes[2]["last_run"].is_null());
}

// A history store on a temporary file holding three changes of card-api (1 h, 2 h and 30 h ago),
// one check change of card-service, and probe samples in the last two minutes.
struct HistoryFixture : WebFixture {
  testing::TempDir dir{};
  std::unique_ptr<HistoryStore> store{};

  HistoryFixture() {
    auto opened = HistoryStore::open(dir.file("history.db"), clock, hours(24 * 30));
    REQUIRE_MESSAGE(opened, why(opened));
    store = std::move(*opened);
    history = store.get();
    for (int h : {1, 2, 30}) {
      store->record_change({.target = "card-api",
                            .kind = "probe",
                            .at = at_offset(-hours(h)),
                            .status = h == 2 ? "down" : "up",
                            .error = h == 2 ? "connection refused" : "",
                            .reason = h == 2 ? "connect" : ""});
    }
    store->record_change({.target = "card-service",
                          .kind = "check",
                          .check = "feed",
                          .at = at_offset(-hours(1)),
                          .status = "degraded",
                          .metadata = {{"lag", "12s"}}});
    for (int s : {90, 80, 30}) {
      store->record_sample({.target = "card-api",
                            .at = at_offset(-seconds(s)),
                            .success = s != 80,
                            .latency_seconds = 0.01 * s});
    }
    auto flushed = store->flush();
    REQUIRE_MESSAGE(flushed, why(flushed));
  }
};

std::vector<std::string> change_times(const json& data) {
  std::vector<std::string> times;
  for (const json& change : data["changes"]) times.push_back(change["at"]);
  return times;
}

TEST_CASE("history defaults to the last 24 hours, newest change first, with minute rollups") {
  HistoryFixture fixture;
  auto server = fixture.start();
  REQUIRE_MESSAGE(server, why(server));
  json data = get_data((*server)->port(), "/api/v1/history?target=card-api");
  CHECK(change_times(data) ==
        std::vector<std::string>{"2025-12-31T23:00:00.000Z", "2025-12-31T22:00:00.000Z"});
  json down = data["changes"][1];
  CHECK(down == json{{"target", "card-api"},
                     {"kind", "probe"},
                     {"at", "2025-12-31T22:00:00.000Z"},
                     {"status", "down"},
                     {"error", "connection refused"},
                     {"reason", "connect"}});
  REQUIRE(data["rollups"].size() == 2);
  json first = data["rollups"][0];
  CHECK(first["minute"] == "2025-12-31T23:58:00.000Z");
  CHECK(first["count"] == 2);
  CHECK(first["successes"] == 1);
  CHECK(first["success_ratio"] == 0.5);
  CHECK(first["latency_max_seconds"] == doctest::Approx(0.9));
  CHECK(first["latency_avg_seconds"] == doctest::Approx(0.85));
}

TEST_CASE("history takes since as RFC 3339 or Unix seconds, and a limit") {
  HistoryFixture fixture;
  auto server = fixture.start();
  REQUIRE_MESSAGE(server, why(server));
  int port = (*server)->port();
  auto rfc = get_data(port, "/api/v1/history?target=card-api&since=2025-12-30T00:00:00Z");
  CHECK(rfc["changes"].size() == 3);
  auto offset = get_data(port, "/api/v1/history?target=card-api&since=2025-12-31T23:00:00%2B01:00");
  CHECK(change_times(offset) ==
        std::vector<std::string>{"2025-12-31T23:00:00.000Z", "2025-12-31T22:00:00.000Z"});
  std::string two_hours_ago = std::to_string(1767225600 - 7200);
  auto unix = get_data(port, "/api/v1/history?target=card-api&since=" + two_hours_ago);
  CHECK(unix["changes"].size() == 2);
  auto fraction = get_data(port, "/api/v1/history?target=card-api&since=" + two_hours_ago + ".5");
  CHECK(fraction["changes"].size() == 1);
  auto limited = get_data(port, "/api/v1/history?target=card-api&since=0&limit=1");
  CHECK(change_times(limited) == std::vector<std::string>{"2025-12-31T23:00:00.000Z"});
}

TEST_CASE("history of a check carries its name and metadata") {
  HistoryFixture fixture;
  auto server = fixture.start();
  REQUIRE_MESSAGE(server, why(server));
  json data = get_data((*server)->port(), "/api/v1/history?target=card-service");
  REQUIRE(data["changes"].size() == 1);
  CHECK(data["changes"][0]["check"] == "feed");
  CHECK(data["changes"][0]["metadata"] == json{{"lag", "12s"}});
  CHECK(data["rollups"].empty());
}

TEST_CASE("history refuses bad parameters with 400 bad_data") {
  HistoryFixture fixture;
  auto server = fixture.start();
  REQUIRE_MESSAGE(server, why(server));
  for (const char* query :
       {"since=0", "target=card-api&since=yesterday", "target=card-api&since=2026-13-01T00:00:00Z",
        "target=card-api&since=2026-01-01", "target=card-api&since=inf", "target=card-api&limit=0",
        "target=card-api&limit=abc", "target=card-api&limit=10001"}) {
    auto reply = request((*server)->port(), "GET", std::string("/api/v1/history?") + query);
    CHECK_MESSAGE(reply.status == 400, query);
    json body = reply.json();
    CHECK(body["status"] == "error");
    CHECK_MESSAGE(body["errorType"] == "bad_data", query);
  }
}

TEST_CASE("history without a store answers 503 unavailable") {
  WebFixture fixture;
  auto server = fixture.start();
  REQUIRE_MESSAGE(server, why(server));
  auto reply = request((*server)->port(), "GET", "/api/v1/history?target=card-api");
  CHECK(reply.status == 503);
  CHECK(reply.json()["errorType"] == "unavailable");
}

}  // namespace
}  // namespace vitals
