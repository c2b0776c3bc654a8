// Runs the real checkers-example binary over loopback and checks what a load balancer, Prometheus
// and an on-call engineer see: the four endpoints, details only for token holders, /health
// staying fast while a checker hangs, and draining on SIGTERM.
#include <signal.h>

#include <algorithm>
#include <charconv>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "tests/support/http_get.h"
#include "tests/support/process.h"
#include "tests/support/why.h"

namespace vitals::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr auto kStartTimeout = 10s;
constexpr const char* kToken = "test-token";
const httplib::Headers kWithToken = {{"Authorization", std::string("Bearer ") + kToken}};

// A running checkers-example and the port it picked. Process kills the child however the test
// case ends, a failed REQUIRE included.
struct Example {
  Process process;
  int port = 0;
};

Example start_example(std::vector<std::string> args) {
  args.insert(args.end(), {"--port", "0", "--details-token", kToken});
  auto process = Process::spawn(CHECKERS_EXAMPLE_BIN, args);
  REQUIRE_MESSAGE(process, vitals::testing::why(process));
  constexpr std::string_view kListening = "listening on http://127.0.0.1:";
  auto listening = process->wait_for_line(kListening, kStartTimeout);
  REQUIRE_MESSAGE(listening, vitals::testing::why(listening));
  std::string_view port = std::string_view(*listening).substr(kListening.size());
  Example example{std::move(*process), 0};
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), example.port);
  REQUIRE_MESSAGE((ec == std::errc() && end == port.data() + port.size()),
                  "no port in: " << *listening);
  return example;
}

// Waits for the example to log `check <name>: … -> <status>`.
void wait_for_status(Example& example, const std::string& check, const std::string& status) {
  std::string prefix = "check " + check + ": ";
  std::string change = " -> " + status;
  auto line = example.process.wait_for_line_where(
      [&](std::string_view text) {
        return text.starts_with(prefix) && text.find(change) != std::string_view::npos;
      },
      kStartTimeout);
  REQUIRE_MESSAGE(line, "waiting for check " << check << " to turn " << status << ": "
                                             << to_string(line.error()));
}

HttpReply get(const Example& example, const std::string& path,
              const httplib::Headers& headers = {}) {
  auto reply = http_get(example.port, path, headers);
  REQUIRE_MESSAGE(reply, vitals::testing::why(reply));
  return *reply;
}

json get_health(const Example& example, const httplib::Headers& headers = {}) {
  HttpReply reply = get(example, "/health", headers);
  CHECK(reply.content_type.starts_with("application/json"));
  json body = json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
  REQUIRE_MESSAGE(!body.is_discarded(), "not JSON: " << reply.body);
  return body;
}

Duration median(std::vector<Duration> times) {
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

// Median time of `count` GET /health requests, each on a fresh connection.
Duration median_health_time(const Example& example, int count = 5) {
  std::vector<Duration> times;
  for (int i = 0; i < count; ++i) times.push_back(get(example, "/health").elapsed);
  return median(std::move(times));
}

// The same over one kept-alive connection, after a first request has opened it.
Duration median_kept_alive_health_time(const Example& example, int count = 5) {
  HttpConnection connection(example.port);
  std::vector<Duration> times;
  for (int i = 0; i <= count; ++i) {
    auto reply = connection.get("/health");
    REQUIRE_MESSAGE(reply, vitals::testing::why(reply));
    if (i > 0) times.push_back(reply->elapsed);
  }
  return median(std::move(times));
}

double to_ms(Duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

bool shows_details(const json& check) {
  return check.contains("error") || check.contains("metadata");
}

bool has_line(const std::string& text, std::string_view wanted) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line == wanted) return true;
  }
  return false;
}

// True when `metrics` has the sample `<series>{check="<check>"} <value>`. (No std::regex here:
// g++ 12 with -fsanitize=address warns falsely inside <regex>, and warnings are errors.)
bool has_sample(const std::string& metrics, const std::string& series, const std::string& check,
                const std::string& value) {
  return has_line(metrics, series + "{check=\"" + check + "\"} " + value);
}

// "2026-01-01T00:00:00Z" or with fractions of a second and a numeric offset.
bool looks_like_rfc3339(const std::string& text) {
  return text.size() >= 20 && text[4] == '-' && text[7] == '-' && text[10] == 'T' &&
         text[13] == ':' && text[16] == ':' &&
         (text.back() == 'Z' || text[text.size() - 6] == '+' || text[text.size() - 6] == '-');
}

TEST_CASE("the example serves health, liveness, readiness and metrics over loopback") {
  Example example = start_example({});
  wait_for_status(example, "self", "healthy");
  wait_for_status(example, "orders", "healthy");

  HttpReply health = get(example, "/health");
  CHECK(health.status == 200);
  json body = get_health(example);
  CHECK(body["status"] == "healthy");
  CHECK(body["service"] == "checkers-example");
  REQUIRE(body["checks"].contains("self"));
  const json& self = body["checks"]["self"];
  CHECK(self["status"] == "healthy");
  CHECK(self["duration_seconds"].is_number());
  CHECK_MESSAGE(looks_like_rfc3339(self["last_run"].get<std::string>()), self["last_run"]);
  CHECK(self["last_success"].is_string());
  CHECK(self["consecutive_failures"] == 0);
  CHECK(self["critical"] == true);
  CHECK(self["tags"] == json::array({"live", "ready"}));
  CHECK(!shows_details(self));
  json shown = get_health(example, kWithToken);
  CHECK(shown["checks"]["orders"]["metadata"].contains("orders_total"));

  HttpReply livez = get(example, "/livez");
  CHECK(livez.status == 200);
  CHECK(livez.body == "ok");
  HttpReply readyz = get(example, "/readyz");
  CHECK(readyz.status == 200);
  CHECK(readyz.body == "ok");
  HttpReply verbose = get(example, "/readyz?verbose");
  CHECK(verbose.status == 200);
  CHECK_MESSAGE(verbose.body.find("[+]self ok\n") != std::string::npos, verbose.body);
  CHECK_MESSAGE(verbose.body.find("[+]orders ok\n") != std::string::npos, verbose.body);

  for (int i = 0; i < 2; ++i) {
    auto order = http_post(example.port, "/order");
    REQUIRE_MESSAGE(order, vitals::testing::why(order));
    CHECK(order->status == 201);
  }
  HttpReply metrics = get(example, "/metrics");
  CHECK(metrics.status == 200);
  CHECK(metrics.content_type.starts_with("text/plain"));
  CHECK_MESSAGE(has_sample(metrics.body, "vitals_check_up", "self", "1"), metrics.body);
  CHECK_MESSAGE(has_sample(metrics.body, "vitals_check_consecutive_failures", "self", "0"),
                metrics.body);
  CHECK_MESSAGE(metrics.body.find("vitals_check_duration_seconds") != std::string::npos,
                metrics.body);
  CHECK_MESSAGE(has_line(metrics.body, "example_orders_total 2"), metrics.body);
}

TEST_CASE("failing, throwing and degraded checkers show why only to token holders") {
  Example example = start_example({"--fail", "--throw", "--degrade"});
  for (const char* check : {"self", "orders"}) wait_for_status(example, check, "healthy");
  for (const char* check : {"fail", "throw"}) wait_for_status(example, check, "unhealthy");
  wait_for_status(example, "degrade", "degraded");

  HttpReply anonymous = get(example, "/health");
  CHECK(anonymous.status == 503);
  CHECK(anonymous.body.find("refused") == std::string::npos);
  json hidden = get_health(example);
  CHECK(hidden["status"] == "unhealthy");
  for (auto& [name, check] : hidden["checks"].items()) {
    CHECK_MESSAGE(!shows_details(check), name << " shows details without the token");
  }
  CHECK(hidden["checks"]["fail"]["status"] == "unhealthy");
  CHECK(hidden["checks"]["throw"]["status"] == "unhealthy");
  CHECK(hidden["checks"]["degrade"]["status"] == "degraded");
  CHECK(hidden["checks"]["degrade"]["critical"] == false);
  CHECK(hidden["checks"]["self"]["status"] == "healthy");
  json wrong_token = get_health(example, {{"Authorization", "Bearer not-the-token"}});
  CHECK(!shows_details(wrong_token["checks"]["fail"]));

  json shown = get_health(example, kWithToken);
  const json& fail = shown["checks"]["fail"];
  CHECK(fail["error"] == "payments upstream refused the connection");
  CHECK(fail["metadata"]["upstream"] == "127.0.0.1:9");
  CHECK_MESSAGE(!fail["metadata"].contains("api_key"), "a secret metadata key was served");
  CHECK(fail["consecutive_failures"].get<int>() >= 1);
  CHECK(shown["checks"]["throw"]["error"].get<std::string>().find("checker blew up") !=
        std::string::npos);
  CHECK(shown["checks"]["degrade"]["error"] == "cache hit ratio below 50%");
  CHECK(shown["checks"]["self"]["error"].is_null());
  CHECK(shown.dump().find("example-secret") == std::string::npos);

  CHECK(get(example, "/livez").status == 200);
  HttpReply readyz = get(example, "/readyz?verbose");
  CHECK(readyz.status == 503);
  CHECK_MESSAGE(readyz.body.find("[-]fail failed") != std::string::npos, readyz.body);
  CHECK_MESSAGE(readyz.body.find("refused") == std::string::npos, readyz.body);
  CHECK_MESSAGE(readyz.body.find("[+]self ok\n") != std::string::npos, readyz.body);
  HttpReply readyz_details = get(example, "/readyz?verbose", kWithToken);
  CHECK_MESSAGE(
      readyz_details.body.find("[-]fail failed: payments upstream refused the connection\n") !=
          std::string::npos,
      readyz_details.body);

  std::string metrics = get(example, "/metrics").body;
  CHECK_MESSAGE(has_sample(metrics, "vitals_check_up", "fail", "0"), metrics);
  CHECK_MESSAGE(has_sample(metrics, "vitals_check_up", "degrade", "0"), metrics);
  CHECK_MESSAGE(has_sample(metrics, "vitals_check_up", "self", "1"), metrics);
}

TEST_CASE("/health answers within 50 ms while a checker hangs") {
  Example example = start_example({"--hang"});

  // The hung run started when the checker was added and times out after 1s: these requests
  // are served while it is in flight.
  Duration in_flight = median_health_time(example);
  CHECK_MESSAGE(get_health(example)["checks"]["hang"]["status"] == "unknown",
                "the hung checker timed out before the in-flight measurement ended");
  CHECK_MESSAGE(in_flight < 50ms, "median /health took " << to_ms(in_flight) << " ms");

  wait_for_status(example, "hang", "unhealthy");
  Duration timed_out = median_health_time(example);
  CHECK_MESSAGE(timed_out < 50ms, "median /health took " << to_ms(timed_out) << " ms");
  Duration kept_alive = median_kept_alive_health_time(example);
  CHECK_MESSAGE(kept_alive < 50ms,
                "median /health over a kept-alive connection took " << to_ms(kept_alive) << " ms");

  CHECK(get(example, "/health").status == 503);
  json shown = get_health(example, kWithToken);
  CHECK(shown["checks"]["hang"]["error"] == "timeout after 1s");
  CHECK(shown["checks"]["self"]["status"] == "healthy");
  CHECK(get(example, "/livez").status == 200);
}

// The drain happens on the child's signal thread and nothing announces it, so this asks the
// endpoint itself, as a load balancer would, until it answers `status` or `timeout` passes.
// Each try is a full round trip, so the loop never spins without waiting on the child.
int poll_until_status(const Example& example, const std::string& path, int status,
                      Duration timeout) {
  SteadyTime deadline = std::chrono::steady_clock::now() + timeout;
  int last = 0;
  do {
    last = get(example, path).status;
  } while (last != status && std::chrono::steady_clock::now() < deadline);
  return last;
}

TEST_CASE("SIGTERM turns /readyz to 503 while /livez stays 200, then the example exits 0") {
  Example example = start_example({"--drain-grace", "2s"});
  wait_for_status(example, "self", "healthy");
  wait_for_status(example, "orders", "healthy");
  REQUIRE(get(example, "/readyz").status == 200);

  SteadyTime signalled = std::chrono::steady_clock::now();
  example.process.send_signal(SIGTERM);
  CHECK(poll_until_status(example, "/readyz", 503, 1s) == 503);
  HttpReply verbose = get(example, "/readyz?verbose");
  CHECK_MESSAGE(verbose.body.find("[-]draining failed") != std::string::npos, verbose.body);
  CHECK(get(example, "/livez").status == 200);
  CHECK(get(example, "/health").status == 200);
  // Still inside the grace period, or the answers above would not prove anything.
  CHECK(std::chrono::steady_clock::now() - signalled < 2s);

  auto ended = example.process.wait_exit(2s + 5s);
  REQUIRE_MESSAGE(ended, vitals::testing::why(ended));
  CHECK_MESSAGE(ended->exited_with(0), to_string(*ended));
  CHECK(std::chrono::steady_clock::now() - signalled >= 2s);
}

}  // namespace
}  // namespace vitals::testing
