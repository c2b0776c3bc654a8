// Notifications from the real agent to a real loopback webhook receiver: grouping, repeats and
// resolutions, silences and acks through the API, dependencies, and a notification that waits
// in the outbox through a receiver outage and a kill -9.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "tests/integration/agent_fixture.h"
#include "tests/integration/webhook_receiver.h"
#include "tests/support/loopback_http_server.h"
#include "tests/support/recording_server.h"

namespace vitals::testing {
namespace {

using nlohmann::json;

constexpr const char* kRules = R"(groups:
  - name: notify
    rules:
      - alert: FeedDown
        expr: vitals_service_health{service="feed"} == 0
      - alert: CardsFailing
        expr: cards_failing == 1
        annotations:
          summary: "cards are failing"
)";

// The services the agent watches, served by the test: feed's /health and cards' /metrics, each
// switched by a flag.
class World {
 public:
  World()
      : server_([this](httplib::Server& s) {
          s.Get("/feed/health", [this](const httplib::Request&, httplib::Response& res) {
            res.set_content(std::string(R"({"status":")") + (feed_up ? "healthy" : "unhealthy") +
                                R"(","checks":{}})",
                            "application/json");
          });
          s.Get("/cards/metrics", [this](const httplib::Request&, httplib::Response& res) {
            res.set_content(std::string("cards_failing ") + (cards_failing ? "1" : "0") + "\n",
                            "text/plain; version=0.0.4");
          });
        }) {}

  // The agent's configuration: one webhook receiver at `hook`, with these route timers.
  std::string config(TempDir& dir, const std::string& hook, const std::string& repeat_interval,
                     const std::string& evaluation_interval = "1s") {
    dir.write_file("rules.yml", kRules);
    const std::string base = "http://127.0.0.1:" + std::to_string(server_.port());
    return dir.write_file(
        "vitals.yml",
        "global: {scrape_interval: 1s, external_labels: {cluster: demo}, evaluation_interval: " +
            evaluation_interval +
            "}\n"
            "services:\n"
            "  - name: feed\n"
            "    health_url: " +
            base +
            "/feed/health\n"
            "  - name: cards\n"
            "    metrics_url: " +
            base +
            "/cards/metrics\n"
            "    depends_on: [feed]\n"
            "rule_files: [rules.yml]\n"
            "alerting:\n"
            "  route: {receiver: oncall, group_by: [alertname, service], group_wait: 0s,\n"
            "          group_interval: 1s, repeat_interval: " +
            repeat_interval +
            "}\n"
            "  receivers:\n"
            "    - name: oncall\n"
            "      webhook_configs: [{url: " +
            hook + "}]\n");
  }

  std::atomic<bool> feed_up{true};
  std::atomic<bool> cards_failing{false};

 private:
  LoopbackHttpServer server_;
};

std::string alertname_of(const json& body) {
  return body["alerts"][0]["labels"].value("alertname", "");
}

// The /api/v1/alerts entry of the alert named `name`, once `done` holds for it.
template <class Done>
json wait_alert(const Agent& agent, const std::string& name, Done done) {
  auto find = [&](const json& data) {
    for (const json& alert : data["alerts"]) {
      if (alert["labels"].value("alertname", "") == name) return alert;
    }
    return json::object();
  };
  json data = poll_data(
      agent.port, "/api/v1/alerts", [&](const json& d) { return done(find(d)); }, kEventTimeout);
  json alert = find(data);
  REQUIRE_MESSAGE(done(alert), data.dump() << agent.said());
  return alert;
}

HttpReply send(int port, const std::string& method, const std::string& path,
               const std::string& body = "") {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(10s);
  auto result =
      method == "DELETE" ? client.Delete(path) : client.Post(path, body, "application/json");
  REQUIRE_MESSAGE(result, method << " " << path << ": " << httplib::to_string(result.error()));
  return HttpReply{result->status, result->body, result->get_header_value("Content-Type"), {}};
}

TEST_CASE("a fault pages once, repeats after repeat_interval, and resolves") {
  World world;
  RecordingServer hook;
  TempDir dir;
  Agent agent = start_agent(world.config(dir, hook.url("/hook"), "3s"), dir.file("vitals.db"));
  world.cards_failing = true;

  std::vector<RecordedRequest> got = wait_requests(hook, 0);
  json first = body_of(got[0]);
  CHECK(first["version"] == "4");
  CHECK(first["status"] == "firing");
  CHECK(first["receiver"] == "oncall");
  CHECK(alertname_of(first) == "CardsFailing");
  CHECK(first["alerts"][0]["labels"]["service"] == "cards");
  CHECK(first["alerts"][0]["labels"]["cluster"] == "demo");  // as Prometheus sends alerts
  CHECK(first["alerts"][0]["annotations"]["summary"] == "cards are failing");
  CHECK(first["groupLabels"] == json{{"alertname", "CardsFailing"}, {"service", "cards"}});
  CHECK(first["groupKey"] == R"({}:{alertname="CardsFailing", service="cards"})");
  CHECK_FALSE(got[0].idempotency_key.empty());

  got = wait_requests(hook, 1);  // the repeat, about 3 s later
  json repeat = body_of(got[1]);
  CHECK(repeat["status"] == "firing");
  CHECK(repeat["groupKey"] == first["groupKey"]);
  CHECK(got[1].idempotency_key != got[0].idempotency_key);

  world.cards_failing = false;
  const std::size_t before = hook.count();
  bool resolved = false;
  for (std::size_t seen = before; !resolved;) {
    got = wait_requests(hook, seen);
    seen = got.size();
    resolved = body_of(got.back())["status"] == "resolved";
  }
  CHECK(body_of(got.back())["alerts"][0]["status"] == "resolved");

  json log = get_data(agent.port, "/api/v1/notifications");
  REQUIRE(log.size() >= 3);
  CHECK(log[0]["receiver"] == "oncall");
  auto sent = poll_metrics(agent.port, [&](const std::vector<Sample>& samples) {
    return sample_value(samples, "vitals_notifications_sent_total", {{"receiver", "oncall"}})
               .value_or(0) >= 3;
  });
  CHECK(
      sample_value(sent, "vitals_notifications_sent_total", {{"receiver", "oncall"}}).value_or(0) >=
      3);
}

// With an hour between the rules' ticks, only evaluating as the scrape lands can page in time.
TEST_CASE("an alert pages as soon as the scrape showing it lands, not at the next evaluation") {
  World world;
  RecordingServer hook;
  TempDir dir;
  Agent agent =
      start_agent(world.config(dir, hook.url("/hook"), "1h", "1h"), dir.file("vitals.db"));
  world.cards_failing = true;  // a scraped metric
  std::vector<RecordedRequest> got = wait_requests(hook, 0);
  CHECK(alertname_of(body_of(got[0])) == "CardsFailing");

  world.feed_up = false;  // a health check, which the agent records as its own series
  bool feed_paged = false;
  for (std::size_t seen = got.size(); !feed_paged;) {
    got = wait_requests(hook, seen);
    seen = got.size();
    feed_paged = alertname_of(body_of(got.back())) == "FeedDown";
  }
  CHECK(feed_paged);
}

TEST_CASE("a silence keeps a firing alert quiet until it expires, and an ack stops its repeats") {
  World world;
  RecordingServer hook;
  TempDir dir;
  Agent agent = start_agent(world.config(dir, hook.url("/hook"), "2s"), dir.file("vitals.db"));

  HttpReply made = send(agent.port, "POST", "/api/v1/silences",
                        R"({"matchers": ["alertname=\"CardsFailing\""], "endsAt": ")" +
                            std::string("2099-01-01T00:00:00Z") +
                            R"(", "createdBy": "test", "comment": "maintenance"})");
  REQUIRE_MESSAGE(made.status == 200, made.body);
  const std::string silence = json::parse(made.body)["data"]["id"];
  // A body of the wrong shape is the client's mistake, named, and creates nothing.
  for (const char* wrong :
       {R"({"matchers": "alertname=\"X\""})", R"({"matchers": [{"name": 1, "value": "x"}]})",
        R"({"matchers": [{"name": "a", "value": "x", "isRegex": "yes"}]})",
        R"({"matchers": ["a=\"b\""], "createdBy": 7})"}) {
    HttpReply refused = send(agent.port, "POST", "/api/v1/silences", wrong);
    CHECK_MESSAGE(refused.status == 400, wrong << " -> " << refused.status << " " << refused.body);
  }
  CHECK(get_data(agent.port, "/api/v1/silences").size() == 1);
  world.cards_failing = true;
  json muted = wait_alert(agent, "CardsFailing", [&](const json& alert) {
    return alert.contains("notification") && alert["notification"]["state"] == "suppressed";
  });
  CHECK(muted["notification"]["silencedBy"] == json::array({silence}));
  std::this_thread::sleep_for(3s);  // flushes come and go: nothing may reach the receiver
  CHECK(hook.count() == 0);

  HttpReply expired = send(agent.port, "DELETE", "/api/v1/silences/" + silence);
  REQUIRE_MESSAGE(expired.status == 200, expired.body);
  CHECK(json::parse(expired.body)["data"]["status"]["state"] == "expired");
  std::vector<RecordedRequest> got = wait_requests(hook, 0);
  CHECK(alertname_of(body_of(got[0])) == "CardsFailing");

  const std::string fingerprint = muted["fingerprint"];
  HttpReply acked = send(agent.port, "POST", "/api/v1/alerts/" + fingerprint + "/ack");
  REQUIRE_MESSAGE(acked.status == 200, acked.body);
  const std::size_t at_ack = hook.count();
  std::this_thread::sleep_for(5s);  // two repeat intervals and more
  CHECK(hook.count() == at_ack);
  json alert = wait_alert(agent, "CardsFailing", [](const json& a) {
    return a.contains("notification") && a["notification"].value("acked", false);
  });
  CHECK(alert["notification"]["state"] == "active");

  HttpReply unknown = send(agent.port, "POST", "/api/v1/alerts/0123456789abcdef/ack");
  CHECK(unknown.status == 404);
}

TEST_CASE(
    "while a dependency is down only it pages, and when it returns every fired alert resolves") {
  World world;
  RecordingServer hook;
  TempDir dir;
  Agent agent = start_agent(world.config(dir, hook.url("/hook"), "1h"), dir.file("vitals.db"));
  world.feed_up = false;
  poll_data(agent.port, "/api/v1/services", [](const json& services) {
    return find_by(services, "name", "cards").value("suppressed", false);
  });
  world.cards_failing = true;  // the dependent fails too, as it would
  json cards = wait_alert(agent, "CardsFailing", [](const json& alert) {
    return alert.value("state", "") == "firing" && alert.contains("notification");
  });
  CHECK(cards["notification"]["state"] == "suppressed");
  CHECK(cards["notification"]["suppressedBy"] == "cards depends on feed, which is down");
  std::vector<RecordedRequest> got = wait_requests(hook, 0);
  std::this_thread::sleep_for(2s);
  got = hook.requests();
  REQUIRE(got.size() == 1);
  CHECK(alertname_of(body_of(got[0])) == "FeedDown");

  world.feed_up = true;
  world.cards_failing = false;
  std::set<std::string> resolved;
  for (std::size_t seen = 1; resolved.size() < 2;) {
    got = wait_requests(hook, seen);
    for (std::size_t i = seen; i < got.size(); ++i) {
      json body = body_of(got[i]);
      REQUIRE_MESSAGE(body["status"] == "resolved", got[i].body);
      resolved.insert(alertname_of(body));
    }
    seen = got.size();
  }
  CHECK(resolved == std::set<std::string>{"CardsFailing", "FeedDown"});
}

TEST_CASE("a page waiting for a dead receiver survives kill -9 and arrives after the restart") {
  World world;
  const int hook_port = closed_port();
  TempDir dir;
  const std::string hook_url = "http://127.0.0.1:" + std::to_string(hook_port) + "/hook";
  const std::string config = world.config(dir, hook_url, "1h");
  std::string key;
  {
    Agent agent = start_agent(config, dir.file("vitals.db"));
    world.cards_failing = true;
    json log = poll_data(
        agent.port, "/api/v1/notifications",
        [](const json& rows) { return !rows.empty() && rows[0].value("attempts", 0) >= 1; },
        kEventTimeout);
    REQUIRE_MESSAGE(!log.empty(), agent.said());
    CHECK(log[0]["state"] == "pending");
    key = log[0].value("dedupKey", "");
    agent.process.kill();  // SIGKILL: no clean shutdown
  }
  world.cards_failing = false;  // the alert is over by the time the agent is back
  RecordingServer hook(hook_port);
  Agent agent = start_agent(config, dir.file("vitals.db"));
  std::vector<RecordedRequest> got = wait_requests(hook, 0);
  CHECK(got[0].idempotency_key == key);
  json first = body_of(got[0]);
  CHECK(first["status"] == "firing");
  CHECK(alertname_of(first) == "CardsFailing");
}

}  // namespace
}  // namespace vitals::testing
