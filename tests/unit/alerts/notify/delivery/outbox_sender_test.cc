#include "alerts/notify/delivery/outbox_sender.h"

#include <doctest/doctest.h>

#include <thread>

#include "tests/support/fake_clock.h"
#include "tests/support/recording_server.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/alerts/notify/delivery/sample_notifications.h"

using namespace std::chrono_literals;
using namespace vitals;
using namespace vitals::notify;
using vitals::notify::testing::sample_alert;
using vitals::notify::testing::sample_notification;
using vitals::testing::closed_port;
using vitals::testing::FakeClock;
using vitals::testing::RecordedRequest;
using vitals::testing::RecordingServer;
using vitals::testing::TempDir;

namespace {

// Backoff in whole fake seconds; with the jitter's draw fixed at 0 the n-th retry waits
// base/2 * 2^(n-1): 0.5 s, 1 s, 2 s, 4 s, then 4 s (half the cap) from then on.
SenderOptions fast_options() {
  return SenderOptions{.backoff = {.base = 1s, .cap = 8s}, .timeout = 2s};
}

// One outbox file, a network loop on a fake clock (real sockets, fake timers) and a sender.
struct Harness {
  explicit Harness(ReceiverConfig receiver, SenderOptions options = fast_options())
      : receiver_config(std::move(receiver)), secrets({receiver_config}), options(options) {
    reopen();
  }

  void reopen() {
    sender.reset();
    outbox.reset();
    auto opened = Outbox::open(dir.file("outbox.db"), clock);
    REQUIRE_MESSAGE(opened, to_string(opened.error()));
    outbox = std::move(*opened);
  }
  void start() {
    sender = std::make_unique<OutboxSender>(loop, *outbox, secrets, options, [] { return 0.0; });
    sender->start();
  }
  std::vector<OutboxRow> enqueue(Notification notification) {
    notification.receiver = receiver_config.name;  // as the dispatcher routes it
    auto rows = outbox->enqueue(notification, receiver_config);
    REQUIRE_MESSAGE(rows, to_string(rows.error()));
    return *rows;
  }
  // Runs the loop until `done` (real time, bounded).
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds limit = 5s) {
    return loop.run_until(done, limit);
  }
  // Runs the loop a little while, for checks that nothing happens.
  void idle(std::chrono::milliseconds real = 150ms) {
    loop.run_until([] { return false; }, real);
  }
  ReceiverCounts counts() { return outbox->stats().receivers[receiver_config.name]; }

  TempDir dir;
  FakeClock clock;
  NetLoop loop{clock};
  ReceiverConfig receiver_config;
  DeliverySecrets secrets;
  SenderOptions options;
  std::unique_ptr<Outbox> outbox;
  std::unique_ptr<OutboxSender> sender;  // last: goes first, on this (the loop's) thread
};

ReceiverConfig webhook_to(const std::string& url) {
  return ReceiverConfig{.name = "oncall", .webhook_configs = {{.url = url}}};
}

// The notification's single alert's instance label, as the server received it.
std::string instance_of(const RecordedRequest& request) {
  return nlohmann::json::parse(request.body)["alerts"][0]["labels"]["instance"];
}
std::string group_of(const RecordedRequest& request) {
  return nlohmann::json::parse(request.body)["groupKey"];
}

Notification numbered(const std::string& group, int n) {
  Notification notification = sample_notification(group, {sample_alert(group + std::to_string(n))});
  notification.created_ms += n;
  return notification;
}

}  // namespace

TEST_CASE("a group's notifications arrive in order, each once, with its dedup key") {
  RecordingServer server;
  Harness h(webhook_to(server.url("/hook")));
  h.start();
  std::vector<std::string> keys;
  for (int n = 0; n < 5; ++n) keys.push_back(h.enqueue(numbered("g", n)).front().message.dedup_key);
  REQUIRE(h.run_until([&] { return h.counts().sent == 5; }));
  auto requests = server.requests();
  REQUIRE(requests.size() == 5);
  for (int n = 0; n < 5; ++n) {
    CHECK(instance_of(requests[n]) == "g" + std::to_string(n));
    CHECK(requests[n].idempotency_key == keys[n]);
    CHECK(requests[n].path == "/hook");
    CHECK(requests[n].content_type == "application/json");
  }
  CHECK(h.outbox->stats().depth == 0);
  CHECK(h.sender->busy_lanes() == 0);
}

TEST_CASE("a group waits behind its failing head while other groups go on") {
  RecordingServer server(
      0, [](const RecordedRequest& r, std::size_t) { return group_of(r) == "stuck" ? 503 : 200; });
  Harness h(webhook_to(server.url("/hook")));
  h.enqueue(numbered("stuck", 0));
  h.enqueue(numbered("stuck", 1));
  h.enqueue(numbered("ok", 0));
  h.enqueue(numbered("ok", 1));
  h.start();
  REQUIRE(h.run_until([&] { return h.counts().sent == 2 && h.counts().retries == 1; }));
  h.idle();
  // The second "stuck" notification never went out: its head has not been delivered.
  std::size_t stuck = 0;
  for (const auto& r : server.requests()) stuck += group_of(r) == "stuck" ? 1 : 0;
  CHECK(stuck == 1);
  CHECK(h.outbox->stats().depth == 2);
}

TEST_CASE("a 500 is retried after the backoff with the same dedup key, then delivered") {
  RecordingServer server(0,
                         [](const RecordedRequest&, std::size_t n) { return n == 0 ? 500 : 200; });
  Harness h(webhook_to(server.url("/hook")));
  h.start();
  h.enqueue(numbered("g", 0));
  REQUIRE(h.run_until([&] { return h.counts().retries == 1; }));
  h.idle();
  CHECK(server.count() == 1);  // no retry before the backoff's 500 ms have passed
  h.clock.advance(499ms);
  h.idle();
  CHECK(server.count() == 1);
  h.clock.advance(1ms);
  REQUIRE(h.run_until([&] { return h.counts().sent == 1; }));
  auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].idempotency_key == requests[1].idempotency_key);
  auto log = h.outbox->recent(1);
  REQUIRE(log);
  h.outbox->flush();
  log = h.outbox->recent(1);
  CHECK((*log)[0].state == DeliveryState::Delivered);
  CHECK((*log)[0].attempts == 2);
}

TEST_CASE("a 429 is retried no sooner than its Retry-After") {
  RecordingServer server(0,
                         [](const RecordedRequest&, std::size_t n) { return n == 0 ? 429 : 200; });
  Harness h(webhook_to(server.url("/hook")));
  h.start();
  h.enqueue(numbered("g", 0));
  REQUIRE(h.run_until([&] { return h.counts().retries == 1; }));
  h.clock.advance(2999ms);  // the backoff alone would have retried after 500 ms
  h.idle();
  CHECK(server.count() == 1);
  h.clock.advance(1ms);
  REQUIRE(h.run_until([&] { return h.counts().sent == 1; }));
}

TEST_CASE("a 400 is a permanent failure: recorded and never retried") {
  RecordingServer server(0, [](const RecordedRequest&, std::size_t) { return 400; });
  Harness h(webhook_to(server.url("/hook")));
  h.start();
  h.enqueue(numbered("g", 0));
  h.enqueue(numbered("g", 1));
  // Both are refused: a permanent failure does not block the group's next notification.
  REQUIRE(h.run_until([&] { return h.counts().failed == 2; }));
  h.clock.advance(10min);
  h.idle();
  CHECK(server.count() == 2);
  h.outbox->flush();
  auto log = h.outbox->recent(10);
  REQUIRE(log);
  CHECK((*log)[0].state == DeliveryState::Failed);
  CHECK((*log)[0].last_error == "HTTP 400: nope");
  CHECK(h.outbox->stats().depth == 0);
}

TEST_CASE("a receiver refusing connections for ten minutes gets everything, in order, once back") {
  const int port = closed_port();
  Harness h(webhook_to("http://127.0.0.1:" + std::to_string(port) + "/hook"));
  std::map<std::string, std::vector<std::string>> keys;  // by group, in enqueue order
  for (int n = 0; n < 3; ++n) {
    for (const std::string group : {"a", "b"}) {
      if (group == "b" && n == 2) continue;
      keys[group].push_back(h.enqueue(numbered(group, n)).front().message.dedup_key);
    }
  }
  h.start();
  REQUIRE(h.run_until([&] { return h.counts().retries == 2; }));  // both heads refused
  for (auto down = 0s; down < 10min; down += 8s) {                // 8 s: the backoff's cap here
    const auto before = h.counts().retries;
    h.clock.advance(8s);
    REQUIRE(h.run_until([&] { return h.counts().retries == before + 2; }));
  }
  CHECK(h.counts().sent == 0);

  RecordingServer server(port);  // back, on the same port
  h.clock.advance(8s);
  REQUIRE(h.run_until([&] { return h.counts().sent == 5; }, 10s));
  std::map<std::string, std::vector<RecordedRequest>> by_group;
  for (const auto& r : server.requests()) by_group[group_of(r)].push_back(r);
  REQUIRE(by_group["a"].size() == 3);
  REQUIRE(by_group["b"].size() == 2);
  for (const std::string group : {"a", "b"}) {
    for (std::size_t n = 0; n < by_group[group].size(); ++n) {
      CHECK(instance_of(by_group[group][n]) == group + std::to_string(n));
      CHECK(by_group[group][n].idempotency_key == keys[group][n]);
    }
  }
  h.outbox->flush();
  auto log = h.outbox->recent(10);
  REQUIRE(log);
  for (const OutboxEntry& entry : *log) CHECK(entry.state == DeliveryState::Delivered);
}

TEST_CASE("an attempt that times out is retried with the same dedup key") {
  RecordingServer server(0, [](const RecordedRequest&, std::size_t n) {
    if (n == 0) std::this_thread::sleep_for(600ms);  // the receiver, slow once
    return 200;
  });
  SenderOptions options = fast_options();
  options.timeout = 100ms;
  Harness h(webhook_to(server.url("/hook")), options);
  h.start();
  h.enqueue(numbered("g", 0));
  REQUIRE(h.run_until([&] { return h.counts().retries == 1; }));
  h.clock.advance(500ms);
  REQUIRE(h.run_until([&] { return h.counts().sent == 1; }));
  auto requests = server.requests();
  REQUIRE(requests.size() == 2);  // the slow one may have been handled: a duplicate, same key
  CHECK(requests[0].idempotency_key == requests[1].idempotency_key);
}

TEST_CASE("rows left pending by the last run are sent after a restart; delivered ones are not") {
  RecordingServer server;
  Harness h(webhook_to(server.url("/hook")));
  h.start();
  h.enqueue(numbered("g", 0));
  REQUIRE(h.run_until([&] { return h.counts().sent == 1; }));
  h.sender.reset();  // the agent stops before the next one goes out
  h.enqueue(numbered("g", 1));
  h.reopen();  // a new process opens the same file
  CHECK(h.outbox->pending().size() == 1);
  h.start();
  REQUIRE(h.run_until([&] { return h.counts().sent == 1; }));
  h.idle();
  auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(instance_of(requests[0]) == "g0");
  CHECK(instance_of(requests[1]) == "g1");
}

TEST_CASE("a row still failing after the maximum age is given up with the reason") {
  RecordingServer server(0, [](const RecordedRequest&, std::size_t) { return 503; });
  SenderOptions options = fast_options();
  options.max_age = 1min;
  Harness h(webhook_to(server.url("/hook")), options);
  h.start();
  h.enqueue(numbered("g", 0));
  h.enqueue(numbered("g", 1));
  REQUIRE(h.run_until([&] { return h.counts().retries == 1; }));
  for (int i = 0; i < 30 && h.counts().failed == 0; ++i) {
    const auto before = h.counts();
    h.clock.advance(4s);
    h.run_until([&] { return h.counts().retries > before.retries || h.counts().failed > 0; });
  }
  REQUIRE(h.counts().failed >= 1);
  h.outbox->flush();
  auto log = h.outbox->recent(10);
  REQUIRE(log);
  const OutboxEntry& first = log->back();
  CHECK(first.state == DeliveryState::Failed);
  CHECK(first.last_error.starts_with("gave up after 1m0s and "));
  CHECK(first.last_error.ends_with("attempts: HTTP 503: nope"));
  // The next one gets its turn as soon as the first is given up.
  CHECK(h.run_until(
      [&] { return server.requests().back().body.find("\"g1\"") != std::string::npos; }));
}

TEST_CASE("PagerDuty gets the routing key from its file at send time, rotations included") {
  RecordingServer server;
  TempDir secrets_dir;
  const std::string key_file = secrets_dir.write_file("pd", "KEY-ONE\n");
  Harness h(ReceiverConfig{
      .name = "pager",
      .pagerduty_configs = {{.url = server.url("/v2/enqueue"), .routing_key_file = key_file}}});
  h.start();
  h.enqueue(numbered("g", 0));
  REQUIRE(h.run_until([&] { return h.counts().sent == 1; }));
  secrets_dir.write_file("pd", "KEY-TWO\n");
  h.enqueue(numbered("g", 1));
  REQUIRE(h.run_until([&] { return h.counts().sent == 2; }));
  auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].path == "/v2/enqueue");
  auto first = nlohmann::json::parse(requests[0].body);
  CHECK(first["routing_key"] == "KEY-ONE");
  CHECK(first["event_action"] == "trigger");
  CHECK(nlohmann::json::parse(requests[1].body)["routing_key"] == "KEY-TWO");
}

TEST_CASE("Slack is posted to the URL read from its url_file") {
  RecordingServer server;
  TempDir secrets_dir;
  const std::string url_file =
      secrets_dir.write_file("slack", server.url("/services/T0/B0/SECRET") + "\n");
  Harness h(ReceiverConfig{.name = "chat", .slack_configs = {{.url_file = url_file}}});
  h.start();
  h.enqueue(numbered("g", 0));
  REQUIRE(h.run_until([&] { return h.counts().sent == 1; }));
  auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].path == "/services/T0/B0/SECRET");
  CHECK(nlohmann::json::parse(requests[0].body)["attachments"].size() == 1);
}

TEST_CASE("a missing secret file is retried until it appears") {
  RecordingServer server;
  TempDir secrets_dir;
  const std::string key_file = secrets_dir.file("pd");  // not there yet
  Harness h(ReceiverConfig{
      .name = "pager",
      .pagerduty_configs = {{.url = server.url("/pd"), .routing_key_file = key_file}}});
  h.start();
  h.enqueue(numbered("g", 0));
  REQUIRE(h.run_until([&] { return h.counts().retries == 1; }));
  CHECK(server.count() == 0);
  secrets_dir.write_file("pd", "LATE-KEY\n");
  h.clock.advance(1s);
  REQUIRE(h.run_until([&] { return h.counts().sent == 1; }));
  CHECK(nlohmann::json::parse(server.requests()[0].body)["routing_key"] == "LATE-KEY");
}

TEST_CASE("notifications enqueued on another thread while the loop runs are all sent") {
  RecordingServer server;
  Harness h(webhook_to(server.url("/hook")));
  h.start();
  std::thread producer([&] {
    for (int n = 0; n < 20; ++n) h.enqueue(numbered("g" + std::to_string(n % 3), n));
  });
  const bool all = h.run_until([&] { return h.counts().sent == 20; }, 10s);
  producer.join();
  REQUIRE(all);
  std::map<std::string, std::vector<std::string>> by_group;
  for (const auto& r : server.requests()) by_group[group_of(r)].push_back(instance_of(r));
  for (const auto& [group, instances] : by_group) {
    CHECK(std::is_sorted(instances.begin(), instances.end(), [&](const auto& a, const auto& b) {
      return std::stoi(a.substr(group.size())) < std::stoi(b.substr(group.size()));
    }));
  }
}
