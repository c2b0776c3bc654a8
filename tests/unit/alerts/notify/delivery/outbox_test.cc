#include "alerts/notify/delivery/outbox.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "tests/support/fake_clock.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/alerts/notify/delivery/sample_notifications.h"

using namespace std::chrono_literals;
using namespace vitals;
using namespace vitals::notify;
using vitals::notify::testing::sample_alert;
using vitals::notify::testing::sample_notification;
using vitals::testing::FakeClock;
using vitals::testing::TempDir;

namespace {

ReceiverConfig webhook_receiver() {
  return ReceiverConfig{.name = "oncall", .webhook_configs = {{.url = "http://hook/1"}}};
}

std::unique_ptr<Outbox> open_outbox(const TempDir& dir, const Clock& clock) {
  auto outbox = Outbox::open(dir.file("outbox.db"), clock);
  REQUIRE_MESSAGE(outbox, to_string(outbox.error()));
  return std::move(*outbox);
}

// Every byte of the database and its WAL, to look for secrets in.
std::string file_bytes(const TempDir& dir) {
  std::string all;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    std::ifstream in(entry.path(), std::ios::binary);
    all.append(std::istreambuf_iterator<char>(in), {});
  }
  return all;
}

}  // namespace

TEST_CASE("enqueued rows are on disk and still pending after the outbox is reopened") {
  TempDir dir;
  FakeClock clock;
  std::vector<std::int64_t> ids;
  {
    auto outbox = open_outbox(dir, clock);
    auto first = outbox->enqueue(sample_notification("g1"), webhook_receiver());
    REQUIRE_MESSAGE(first, to_string(first.error()));
    auto second = outbox->enqueue(sample_notification("g2"), webhook_receiver());
    REQUIRE(second);
    REQUIRE(first->size() == 1);
    REQUIRE(second->size() == 1);
    ids = {first->front().id, second->front().id};
    CHECK(ids[0] < ids[1]);
    CHECK(outbox->stats().depth == 2);
  }
  auto reopened = open_outbox(dir, clock);
  auto pending = reopened->pending();
  REQUIRE(pending.size() == 2);
  CHECK(pending[0].id == ids[0]);
  CHECK(pending[0].message.group_key == "g1");
  CHECK(pending[1].message.group_key == "g2");
  CHECK(pending[0].message.url == "http://hook/1");
  CHECK(nlohmann::json::parse(pending[0].message.body)["groupKey"] == "g1");
}

TEST_CASE("delivered and failed rows are not pending after a reopen") {
  TempDir dir;
  FakeClock clock;
  {
    auto outbox = open_outbox(dir, clock);
    auto a = outbox->enqueue(sample_notification("a"), webhook_receiver());
    auto b = outbox->enqueue(sample_notification("b"), webhook_receiver());
    auto c = outbox->enqueue(sample_notification("c"), webhook_receiver());
    REQUIRE((a && b && c));
    outbox->mark_delivered(a->front().id, 1);
    outbox->mark_failed(b->front().id, 1, "HTTP 400: bad");
    outbox->mark_retry(c->front().id, 3, clock.wall_now() + 4s, "HTTP 503");
    CHECK(outbox->stats().depth == 1);
  }  // the queued marks are written before the outbox closes
  auto reopened = open_outbox(dir, clock);
  auto pending = reopened->pending();
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].message.group_key == "c");
  CHECK(pending[0].attempts == 3);
  CHECK(pending[0].last_error == "HTTP 503");
}

TEST_CASE("enqueueing the same notification twice stores it once") {
  TempDir dir;
  FakeClock clock;
  auto outbox = open_outbox(dir, clock);
  auto first = outbox->enqueue(sample_notification(), webhook_receiver());
  auto again = outbox->enqueue(sample_notification(), webhook_receiver());
  REQUIRE((first && again));
  CHECK(first->size() == 1);
  CHECK(again->empty());
  CHECK(outbox->pending().size() == 1);
}

TEST_CASE("the notification log lists rows newest first with their state and no body") {
  TempDir dir;
  FakeClock clock;
  auto outbox = open_outbox(dir, clock);
  auto a = outbox->enqueue(sample_notification("a"), webhook_receiver());
  auto b = outbox->enqueue(sample_notification("b"), webhook_receiver());
  REQUIRE((a && b));
  clock.advance(1500ms);
  outbox->mark_delivered(a->front().id, 2);
  outbox->mark_retry(b->front().id, 1, clock.wall_now() + 1s, "Connection refused");
  outbox->flush();
  auto log = outbox->recent(10);
  REQUIRE_MESSAGE(log, to_string(log.error()));
  REQUIRE(log->size() == 2);
  CHECK((*log)[0].group_key == "b");
  CHECK((*log)[0].state == DeliveryState::Pending);
  CHECK((*log)[0].attempts == 1);
  CHECK((*log)[0].last_error == "Connection refused");
  CHECK((*log)[0].next_attempt_ms == vitals::notify::testing::kStartMs + 2500);
  CHECK((*log)[1].state == DeliveryState::Delivered);
  CHECK((*log)[1].done_ms == vitals::notify::testing::kStartMs + 1500);
  CHECK((*log)[1].alerts_firing == 2);
  CHECK(std::string(to_string((*log)[1].state)) == "delivered");
  CHECK(outbox->recent(1)->size() == 1);
}

TEST_CASE("stats count sent and failed per receiver, depth, oldest age and latency") {
  TempDir dir;
  FakeClock clock;
  auto outbox = open_outbox(dir, clock);
  auto a = outbox->enqueue(sample_notification("a"), webhook_receiver());
  auto b = outbox->enqueue(sample_notification("b"), webhook_receiver());
  auto c = outbox->enqueue(sample_notification("c"), webhook_receiver());
  REQUIRE((a && b && c));
  clock.advance(3s);
  outbox->mark_delivered(a->front().id, 1);
  outbox->mark_failed(b->front().id, 1, "HTTP 404");
  outbox->mark_retry(c->front().id, 1, clock.wall_now(), "HTTP 500");
  OutboxStats stats = outbox->stats();
  CHECK(stats.receivers["oncall"].sent == 1);
  CHECK(stats.receivers["oncall"].failed == 1);
  CHECK(stats.receivers["oncall"].retries == 1);
  CHECK(stats.depth == 1);
  CHECK(stats.oldest_pending_age == 3s);
  CHECK(stats.latency_count == 1);
  CHECK(stats.latency_sum_seconds == doctest::Approx(3.0));
  CHECK(stats.write_errors == 0);
}

TEST_CASE("finished rows older than the retention are pruned, pending ones never") {
  TempDir dir;
  FakeClock clock;
  auto outbox = Outbox::open(dir.file("outbox.db"), clock, OutboxOptions{.retention = 1h});
  REQUIRE(outbox);
  auto a = (*outbox)->enqueue(sample_notification("a"), webhook_receiver());
  auto b = (*outbox)->enqueue(sample_notification("b"), webhook_receiver());
  REQUIRE((a && b));
  (*outbox)->mark_delivered(a->front().id, 1);
  clock.advance(2h);
  auto pruned = (*outbox)->prune();
  REQUIRE(pruned);
  CHECK(*pruned == 1);
  CHECK((*outbox)->recent(10)->size() == 1);
  CHECK((*outbox)->pending().size() == 1);
}

TEST_CASE("enqueue prunes old finished rows by itself, at most once an hour") {
  TempDir dir;
  FakeClock clock;
  auto outbox = open_outbox(dir, clock);  // the default retention: 7 days
  auto a = outbox->enqueue(sample_notification("a"), webhook_receiver());
  REQUIRE(a);
  outbox->mark_delivered(a->front().id, 1);
  clock.advance(24h * 8);
  auto b = outbox->enqueue(sample_notification("b"), webhook_receiver());
  REQUIRE(b);
  outbox->flush();
  auto log = outbox->recent(10);
  REQUIRE(log);
  REQUIRE(log->size() == 1);
  CHECK((*log)[0].group_key == "b");
}

TEST_CASE("routing keys and Slack URLs never reach the outbox file") {
  TempDir dir;
  FakeClock clock;
  TempDir secrets;  // apart from the outbox's directory, whose every byte is searched
  const std::string key_file = secrets.write_file("pd-key", "FILE-ROUTING-KEY-1234\n");
  const std::string url_file =
      secrets.write_file("slack-url", "http://slack/services/FILE-SLACK\n");
  ReceiverConfig receiver{
      .name = "pager",
      .pagerduty_configs = {{.url = "http://pd", .routing_key = "INLINE-ROUTING-KEY-5678"},
                            {.url = "http://pd", .routing_key_file = key_file}},
      .slack_configs = {{.url = "http://slack/services/INLINE-SLACK"}, {.url_file = url_file}}};
  {
    auto outbox = open_outbox(dir, clock);
    auto rows = outbox->enqueue(sample_notification(), receiver);
    REQUIRE(rows);
    CHECK(rows->size() == 4);
    auto log = outbox->recent(10);
    REQUIRE(log);
    for (const OutboxEntry& entry : *log) CHECK(entry.url.find("services") == std::string::npos);
  }
  const std::string bytes = file_bytes(dir);
  CHECK(bytes.find("HighLatency") != std::string::npos);         // the rows are there…
  CHECK(bytes.find("INLINE-ROUTING-KEY") == std::string::npos);  // …their secrets are not
  CHECK(bytes.find("FILE-ROUTING-KEY") == std::string::npos);
  CHECK(bytes.find("INLINE-SLACK") == std::string::npos);
  CHECK(bytes.find("FILE-SLACK") == std::string::npos);
}

TEST_CASE("the listener hears of each enqueued batch after its commit") {
  TempDir dir;
  FakeClock clock;
  auto outbox = open_outbox(dir, clock);
  std::vector<std::int64_t> heard;
  outbox->set_listener([&](const std::vector<OutboxRow>& rows) {
    for (const OutboxRow& row : rows) {
      CHECK(outbox->is_pending(row.id));
      heard.push_back(row.id);
    }
  });
  auto rows = outbox->enqueue(sample_notification(), webhook_receiver());
  REQUIRE(rows);
  CHECK(heard == std::vector<std::int64_t>{rows->front().id});
}

TEST_CASE("an outbox in a missing directory is an error, not a crash") {
  FakeClock clock;
  auto outbox = Outbox::open("/nonexistent-dir/outbox.db", clock);
  CHECK_FALSE(outbox);
}

TEST_CASE("enqueues from several threads all land, each once") {
  TempDir dir;
  FakeClock clock;
  auto outbox = open_outbox(dir, clock);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        auto rows =
            outbox->enqueue(sample_notification("g" + std::to_string(t) + "-" + std::to_string(i)),
                            webhook_receiver());
        CHECK(rows);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(outbox->pending().size() == 100);
}
