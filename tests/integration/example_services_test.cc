// Runs the real feed-service and card-service over loopback, the card service sending its events
// to the feed, and checks what dashboards, alert rules and on-call see: business metrics that
// count, events that reach the feed, each fault's effect, and recovery once it is cleared.
#include <signal.h>

#include <cmath>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "tests/support/http_get.h"
#include "tests/support/process.h"
#include "tests/support/service_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/why.h"

namespace vitals::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// Generous for a loaded 2-core machine; every wait ends as soon as its condition holds.
constexpr auto kStartTimeout = 10s;
constexpr auto kEffectTimeout = 15s;
constexpr const char* kToken = "test-token";
const httplib::Headers kWithToken = {{"Authorization", std::string("Bearer ") + kToken}};
// Authorisations counted before a share (declined, error) is judged: at 50 a second, 2 s.
constexpr double kWindow = 100;

using Service = ServiceProcess;

Service start_service(const char* binary, std::vector<std::string> args) {
  args.insert(args.end(), {"--port", "0", "--check-interval", "200ms", "--heartbeat-window", "2s",
                           "--details-token", kToken, "--drain-grace", "0s"});
  return start_service_process(binary, args, kStartTimeout);
}

HttpReply get(const Service& service, const std::string& path,
              const httplib::Headers& headers = {}) {
  auto reply = http_get(service.port, path, headers);
  REQUIRE_MESSAGE(reply, why(reply));
  return *reply;
}

json get_health(const Service& service) {
  HttpReply reply = get(service, "/health", kWithToken);
  json body = json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
  REQUIRE_MESSAGE(!body.is_discarded(), "not JSON: " << reply.body);
  return body;
}

// Polls `condition` until it holds or `timeout` passes; true when it held. Each try is a few
// HTTP round trips; the short pause between tries keeps the poll from taking a core from the
// services it watches.
bool eventually(Duration timeout, const std::function<bool()>& condition) {
  SteadyTime deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(50ms);
  }
}

// Waits until check `name` of `service` has `status`; returns the /health body that showed it.
json wait_for_check(const Service& service, const std::string& name, const std::string& status) {
  json health;
  bool reached = eventually(kEffectTimeout, [&] {
    health = get_health(service);
    return health["checks"][name]["status"] == status;
  });
  REQUIRE_MESSAGE(reached, "check " << name << " never became " << status << ": " << health.dump());
  return health;
}

void switch_fault(const Service& service, const std::string& name, bool on) {
  auto client = httplib::Client("127.0.0.1", service.port);
  client.set_read_timeout(5s);
  std::string path = "/fault/" + name;
  auto res = on ? client.Post(path) : client.Delete(path);
  REQUIRE_MESSAGE(res, "no answer to " << (on ? "POST " : "DELETE ") << path);
  REQUIRE_MESSAGE(res->status == 204, path << " answered " << res->status << ": " << res->body);
}

// The value of the sample `series` (its name and labels as exposed) in the text format.
std::optional<double> sample(const std::string& metrics, const std::string& series) {
  std::istringstream lines(metrics);
  for (std::string line; std::getline(lines, line);) {
    if (line.size() > series.size() && line.starts_with(series) && line[series.size()] == ' ') {
      return std::strtod(line.c_str() + series.size() + 1, nullptr);
    }
  }
  return std::nullopt;
}

double value(const Service& service, const std::string& series) {
  std::string metrics = get(service, "/metrics").body;
  std::optional<double> found = sample(metrics, series);
  REQUIRE_MESSAGE(found, "no sample " << series << " in:\n" << metrics);
  return *found;
}

struct Authorisations {
  double approved = 0;
  double declined = 0;
  double error = 0;

  double total() const { return approved + declined + error; }
  Authorisations operator-(const Authorisations& o) const {
    return {approved - o.approved, declined - o.declined, error - o.error};
  }
};

Authorisations authorisations(const Service& card) {
  std::string metrics = get(card, "/metrics").body;
  auto count = [&](const std::string& result) {
    auto found = sample(metrics, "card_authorisations_total{result=\"" + result + "\"}");
    REQUIRE_MESSAGE(found, "no " << result << " count in:\n" << metrics);
    return *found;
  };
  return {count("approved"), count("declined"), count("error")};
}

// The authorisations made from now until there are at least `count` of them.
Authorisations next_authorisations(const Service& card, double count) {
  Authorisations before = authorisations(card);
  Authorisations since;
  bool counted = eventually(kEffectTimeout, [&] {
    since = authorisations(card) - before;
    return since.total() >= count;
  });
  REQUIRE_MESSAGE(counted, "only " << since.total() << " authorisations, wanted " << count);
  return since;
}

// The share that ended in `result` (&Authorisations::declined …) of the next `count`
// authorisations.
double next_share(const Service& card, double Authorisations::*result, double count = kWindow) {
  Authorisations made = next_authorisations(card, count);
  return made.*result / made.total();
}

// Feed latencies: events processed, and those within the 2 s SLO threshold.
struct Latencies {
  double count = 0;
  double within_2s = 0;

  double over_2s() const { return count - within_2s; }
};

Latencies latencies(const Service& feed) {
  std::string metrics = get(feed, "/metrics").body;
  auto count = sample(metrics, "feed_event_latency_seconds_count");
  auto within = sample(metrics, "feed_event_latency_seconds_bucket{le=\"2\"}");
  REQUIRE_MESSAGE((count && within), "no feed latency histogram with a 2 s bucket in:\n"
                                         << metrics);
  return {*count, *within};
}

// A feed service and a card service sending it events at 50 a second, both healthy. Members are
// destroyed in reverse: the processes stop before their directory goes.
struct World {
  TempDir dir;
  Service feed;
  Service card;

  World()
      : feed(start_service(FEED_SERVICE_BIN, {})),
        card(start_service(CARD_SERVICE_BIN,
                           {"--feed-url", "http://127.0.0.1:" + std::to_string(feed.port), "--db",
                            dir.file("card.db"), "--rate", "50"})) {
    for (const char* check : {"database", "feed", "authorisations", "risk-engine"}) {
      wait_for_check(card, check, "healthy");
    }
    for (const char* check : {"event-queue", "events"}) wait_for_check(feed, check, "healthy");
  }
};

TEST_CASE("the card service counts authorisations and its events reach the feed service") {
  World world;
  std::string card_metrics = get(world.card, "/metrics").body;
  for (const char* series :
       {"card_authorisation_duration_seconds_bucket{le=\"0.005\"}",
        "card_authorisation_duration_seconds_bucket{le=\"2.5\"}",
        "card_authorisation_duration_seconds_count", "vitals_check_up{check=\"risk-engine\"}"}) {
    CHECK_MESSAGE(sample(card_metrics, series), "no " << series << " in:\n" << card_metrics);
  }
  Authorisations made = next_authorisations(world.card, kWindow);
  CHECK(made.approved > made.declined);
  CHECK(made.declined + made.error < 0.2 * made.total());

  double processed = value(world.feed, "feed_events_total");
  CHECK(eventually(kEffectTimeout,
                   [&] { return value(world.feed, "feed_events_total") >= processed + 50; }));
  Latencies feed = latencies(world.feed);
  CHECK(feed.count > 0);
  CHECK_MESSAGE(feed.over_2s() < 0.05 * feed.count, feed.over_2s() << " of " << feed.count);

  json card = get_health(world.card);
  CHECK(card["status"] == "healthy");
  CHECK(card["checks"]["risk-engine"]["metadata"].contains("model"));
  CHECK(get_health(world.feed)["status"] == "healthy");
  for (const Service* service : {&world.card, &world.feed}) {
    HttpReply ping = get(*service, "/ping");
    CHECK(ping.status == 200);
    CHECK(ping.body == "pong\n");
  }
  HttpReply faults = get(world.card, "/fault");
  CHECK(faults.status == 200);
  CHECK(json::parse(faults.body)["active"] == json::array());

  auto unknown = http_post(world.card.port, "/fault/no-such-fault");
  REQUIRE_MESSAGE(unknown, why(unknown));
  CHECK(unknown->status == 404);
  CHECK_MESSAGE(unknown->body.find("decline-spike") != std::string::npos, unknown->body);
}

TEST_CASE("decline-spike raises the declined share until it is cleared") {
  World world;
  switch_fault(world.card, "decline-spike", true);
  double spiked = next_share(world.card, &Authorisations::declined);
  CHECK_MESSAGE(spiked > 0.4, "declined share " << spiked);
  CHECK(get(world.card, "/fault").body.find("decline-spike") != std::string::npos);

  switch_fault(world.card, "decline-spike", false);
  double normal = next_share(world.card, &Authorisations::declined);
  CHECK_MESSAGE(normal < 0.2, "declined share " << normal);
}

TEST_CASE("error-burst makes about half of the authorisations fail until it is cleared") {
  World world;
  switch_fault(world.card, "error-burst", true);
  double burst = next_share(world.card, &Authorisations::error);
  CHECK_MESSAGE(burst > 0.3, "error share " << burst);

  switch_fault(world.card, "error-burst", false);
  double normal = next_share(world.card, &Authorisations::error);
  CHECK_MESSAGE(normal < 0.15, "error share " << normal);
}

TEST_CASE("db-down locks the card database so writes and the database check fail") {
  World world;
  switch_fault(world.card, "db-down", true);
  json health = wait_for_check(world.card, "database", "unhealthy");
  std::string error = health["checks"]["database"]["error"].get<std::string>();
  CHECK_MESSAGE(error.find("database is locked") != std::string::npos, error);
  CHECK(get(world.card, "/health").status == 503);
  double locked = next_share(world.card, &Authorisations::error, 50);
  CHECK_MESSAGE(locked > 0.8, "error share " << locked);

  switch_fault(world.card, "db-down", false);
  wait_for_check(world.card, "database", "healthy");
  CHECK(get(world.card, "/health").status == 200);
  double normal = next_share(world.card, &Authorisations::error, 50);
  CHECK_MESSAGE(normal < 0.15, "error share " << normal);
}

TEST_CASE("hang-checker times out the card's risk-engine check and shutdown is not held up") {
  World world;
  switch_fault(world.card, "hang-checker", true);
  json health = wait_for_check(world.card, "risk-engine", "unhealthy");
  std::string error = health["checks"]["risk-engine"]["error"].get<std::string>();
  CHECK_MESSAGE(error.starts_with("timeout after"), error);
  CHECK(get(world.card, "/health").status == 503);
  CHECK(get_health(world.card)["checks"]["database"]["status"] == "healthy");

  switch_fault(world.card, "hang-checker", false);
  wait_for_check(world.card, "risk-engine", "healthy");
  CHECK(get(world.card, "/health").status == 200);

  // A checker hung at shutdown is released, so the service still exits promptly and cleanly.
  switch_fault(world.card, "hang-checker", true);
  wait_for_check(world.card, "risk-engine", "unhealthy");
  world.card.process.send_signal(SIGTERM);
  auto ended = world.card.process.wait_exit(5s);
  REQUIRE_MESSAGE(ended, why(ended));
  CHECK_MESSAGE(ended->exited_with(0), to_string(*ended));
}

TEST_CASE("stop-traffic stops authorisations and fails the card heartbeat until it is cleared") {
  World world;
  // The heartbeat says "no beat yet" until the first authorisation; wait for one so the fault
  // stops a beating heart (a loaded machine can take longer than a window to make the first).
  next_authorisations(world.card, 1);
  switch_fault(world.card, "stop-traffic", true);
  double stopped_at = authorisations(world.card).total();
  json health = wait_for_check(world.card, "authorisations", "unhealthy");
  CHECK_MESSAGE(
      health["checks"]["authorisations"]["error"].get<std::string>().starts_with("no beat for"),
      health.dump());
  // The heartbeat failing means no beat for a whole window; one authorisation may have been in
  // flight when the fault came on.
  CHECK(authorisations(world.card).total() <= stopped_at + 1);
  CHECK(get(world.card, "/health").status == 503);

  switch_fault(world.card, "stop-traffic", false);
  wait_for_check(world.card, "authorisations", "healthy");
  CHECK(authorisations(world.card).total() > stopped_at + 1);
}

TEST_CASE("slow-feed puts event latencies above the 2 s SLO threshold until it is cleared") {
  World world;
  switch_fault(world.feed, "slow-feed", true);
  Latencies before = latencies(world.feed);
  Latencies now;
  bool slowed = eventually(kEffectTimeout, [&] {
    now = latencies(world.feed);
    return now.over_2s() - before.over_2s() >= 50;
  });
  CHECK_MESSAGE(slowed, (now.over_2s() - before.over_2s()) << " events over 2 s");
  // The worker keeps up: the backlog stays far below the event-queue check's bound.
  CHECK(get_health(world.feed)["checks"]["event-queue"]["status"] == "healthy");

  switch_fault(world.feed, "slow-feed", false);
  // Events queued while slow still come out late for up to 4 s: wait for a run of 50 events
  // with none over 2 s.
  bool recovered = eventually(kEffectTimeout, [&] {
    Latencies start = latencies(world.feed);
    bool counted = eventually(5s, [&] {
      now = latencies(world.feed);
      return now.count - start.count >= 50;
    });
    return counted && now.over_2s() == start.over_2s();
  });
  CHECK_MESSAGE(recovered, "events still over 2 s: " << now.over_2s());
}

TEST_CASE("hang-checker times out the feed's event-queue check and only degrades the card") {
  World world;
  switch_fault(world.feed, "hang-checker", true);
  json health = wait_for_check(world.feed, "event-queue", "unhealthy");
  std::string error = health["checks"]["event-queue"]["error"].get<std::string>();
  CHECK_MESSAGE(error.starts_with("timeout after"), error);
  CHECK(get(world.feed, "/health").status == 503);
  // The card service's feed check reads the feed's /readyz, and is not critical.
  json card = wait_for_check(world.card, "feed", "degraded");
  CHECK(card["status"] == "degraded");
  CHECK(get(world.card, "/health").status == 200);

  switch_fault(world.feed, "hang-checker", false);
  wait_for_check(world.feed, "event-queue", "healthy");
  CHECK(get(world.feed, "/health").status == 200);
  wait_for_check(world.card, "feed", "healthy");
}

TEST_CASE("stop-traffic on the feed drops events and degrades it until it is cleared") {
  World world;
  switch_fault(world.feed, "stop-traffic", true);
  json health = wait_for_check(world.feed, "events", "degraded");
  CHECK(health["status"] == "degraded");
  CHECK(get(world.feed, "/health").status == 200);
  // The card keeps sending: events dropped, none processed.
  const std::string dropped = "feed_events_received_total{result=\"dropped\"}";
  double stopped_at = value(world.feed, "feed_events_total");
  double dropped_at = value(world.feed, dropped);
  CHECK(eventually(kEffectTimeout, [&] { return value(world.feed, dropped) >= dropped_at + 20; }));
  CHECK(value(world.feed, "feed_events_total") == stopped_at);

  switch_fault(world.feed, "stop-traffic", false);
  CHECK(eventually(kEffectTimeout,
                   [&] { return value(world.feed, "feed_events_total") > stopped_at; }));
  wait_for_check(world.feed, "events", "healthy");
}

}  // namespace
}  // namespace vitals::testing
