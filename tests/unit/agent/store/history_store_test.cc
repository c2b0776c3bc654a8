#include "agent/store/history_store.h"

#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "tests/support/fake_clock.h"
#include "tests/support/temp_dir.h"
#include "tests/support/why.h"
#include "vitals/common/sqlite/db.h"

using vitals::testing::why;

namespace vitals {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;
using testing::TempDir;

constexpr auto kDay = std::chrono::hours(24);

std::unique_ptr<HistoryStore> open_store(const std::string& path, const Clock& clock,
                                         HistoryOptions options = {}) {
  auto store = HistoryStore::open(path, clock, options);
  REQUIRE_MESSAGE(store, why(store));
  return std::move(*store);
}

void flush(HistoryStore& store) {
  auto flushed = store.flush();
  REQUIRE_MESSAGE(flushed, why(flushed));
}

StateChange change(std::string target, WallTime at, std::string status) {
  return StateChange{
      .target = std::move(target), .kind = "probe", .at = at, .status = std::move(status)};
}

std::vector<StateChange> changes_of(const HistoryStore& store, std::string_view target,
                                    WallTime since = WallTime{}, std::size_t limit = 1000) {
  auto changes = store.changes(target, since, limit);
  REQUIRE_MESSAGE(changes, why(changes));
  return std::move(*changes);
}

std::vector<Rollup> rollups_of(const HistoryStore& store, std::string_view target,
                               WallTime since = WallTime{}) {
  auto rollups = store.rollups(target, since);
  REQUIRE_MESSAGE(rollups, why(rollups));
  return std::move(*rollups);
}

TEST_CASE("recorded changes are committed by flush and read back whole, newest first") {
  TempDir dir;
  FakeClock clock;
  auto store = open_store(dir.file("h.db"), clock);
  WallTime t0 = clock.wall_now();
  StateChange check_failed{.target = "card-service",
                           .kind = "check",
                           .check = "db",
                           .at = t0 + 1500ms,
                           .status = "unhealthy",
                           .error = "connection refused",
                           .reason = "connect",
                           .metadata = {{"host", "db-1"}, {"pool", "ä \"quoted\""}}};
  store->record_change(change("card-service", t0, "healthy"));
  store->record_change(check_failed);
  store->record_change(change("feed-service", t0, "healthy"));
  flush(*store);

  auto changes = changes_of(*store, "card-service");
  REQUIRE(changes.size() == 2);
  CHECK(changes[0] == check_failed);
  CHECK(changes[1] == change("card-service", t0, "healthy"));
  CHECK(changes_of(*store, "").size() == 3);  // every target
  CHECK(changes_of(*store, "nobody").empty());
}

TEST_CASE("since and limit pick the newest changes at or after since") {
  TempDir dir;
  FakeClock clock;
  auto store = open_store(dir.file("h.db"), clock);
  WallTime t0 = clock.wall_now();
  for (int i = 0; i < 10; ++i) store->record_change(change("api", t0 + i * 1s, std::to_string(i)));
  flush(*store);

  auto recent = changes_of(*store, "api", t0 + 5s);
  REQUIRE(recent.size() == 5);
  CHECK(recent.front().status == "9");
  CHECK(recent.back().status == "5");
  auto limited = changes_of(*store, "api", t0, 3);
  REQUIRE(limited.size() == 3);
  CHECK(limited[2].status == "7");
}

TEST_CASE("flush commits everything recorded, across several batches") {
  TempDir dir;
  FakeClock clock;
  auto store = open_store(dir.file("h.db"), clock, {.max_batch = 100});
  for (int i = 0; i < 1050; ++i) store->record_change(change("api", clock.wall_now(), "up"));
  flush(*store);
  CHECK(changes_of(*store, "api", WallTime{}, 5000).size() == 1050);
  HistoryMetrics metrics = store->metrics();
  CHECK(metrics.rows_written == 1050);
  CHECK(metrics.batches >= 11);
  CHECK(metrics.queue_depth == 0);
  CHECK(metrics.write_errors == 0);
  CHECK(metrics.last_batch_latency > Duration::zero());
}

TEST_CASE("probe samples roll up per minute: count, successes, latency sum and max") {
  TempDir dir;
  FakeClock clock;  // starts on a minute boundary
  auto store = open_store(dir.file("h.db"), clock);
  WallTime minute = clock.wall_now();
  store->record_sample(
      {.target = "api", .at = minute + 1s, .success = true, .latency_seconds = 0.1});
  store->record_sample(
      {.target = "api", .at = minute + 59s, .success = false, .latency_seconds = 0.5});
  store->record_sample(
      {.target = "db", .at = minute + 2s, .success = true, .latency_seconds = 0.2});
  flush(*store);
  // A later batch adds to the same minute's rollup instead of replacing it.
  store->record_sample(
      {.target = "api", .at = minute + 30s, .success = true, .latency_seconds = 0.2});
  store->record_sample(
      {.target = "api", .at = minute + 60s, .success = true, .latency_seconds = 0.3});
  flush(*store);

  auto rollups = rollups_of(*store, "api");
  REQUIRE(rollups.size() == 2);
  CHECK(rollups[0].target == "api");
  CHECK(rollups[0].minute == minute);
  CHECK(rollups[0].count == 3);
  CHECK(rollups[0].successes == 2);
  CHECK(rollups[0].latency_sum_seconds == doctest::Approx(0.8));
  CHECK(rollups[0].latency_max_seconds == doctest::Approx(0.5));
  CHECK(rollups[1].minute == minute + 1min);
  CHECK(rollups[1].count == 1);
  CHECK(rollups_of(*store, "db").size() == 1);
  // `since` inside a minute still returns that minute.
  CHECK(rollups_of(*store, "api", minute + 1min + 30s).size() == 1);
}

TEST_CASE("retention deletes changes and rollups older than now minus retention") {
  TempDir dir;
  FakeClock clock;
  WallTime t0 = clock.wall_now();
  auto store = open_store(dir.file("h.db"), clock, {.retention = 30 * kDay});
  store->record_change(change("api", t0, "down"));
  store->record_sample({.target = "api", .at = t0, .success = false});
  store->record_change(change("api", t0 + 20 * kDay, "up"));
  store->record_sample({.target = "api", .at = t0 + 20 * kDay, .success = true});
  flush(*store);

  clock.advance(35 * kDay);
  auto deleted = store->apply_retention();
  REQUIRE_MESSAGE(deleted, why(deleted));
  CHECK(*deleted == 2);  // one change, one rollup
  auto changes = changes_of(*store, "api");
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].status == "up");
  CHECK(rollups_of(*store, "api").size() == 1);
  CHECK(store->metrics().retention_deleted == 2);
}

TEST_CASE("reopening keeps what was recorded, and applies retention at open") {
  TempDir dir;
  FakeClock clock;
  WallTime t0 = clock.wall_now();
  {
    auto store = open_store(dir.file("h.db"), clock, {.retention = 30 * kDay});
    store->record_change(change("api", t0, "down"));
    store->record_change(change("api", t0 + 10 * kDay, "up"));
    // No flush: closing commits what is queued.
  }
  {
    auto store = open_store(dir.file("h.db"), clock, {.retention = 30 * kDay});
    CHECK(changes_of(*store, "api").size() == 2);
  }
  clock.advance(35 * kDay);
  auto store = open_store(dir.file("h.db"), clock, {.retention = 30 * kDay});
  auto changes = changes_of(*store, "api");
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].status == "up");
}

TEST_CASE("a missing directory is an error naming it, and is not created") {
  TempDir dir;
  FakeClock clock;
  auto store = HistoryStore::open(dir.file("missing/h.db"), clock, 30 * kDay);
  REQUIRE_FALSE(store);
  CHECK(store.error().code == ErrorCode::NotFound);
  CHECK(store.error().message.find(dir.file("missing")) != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.file("missing")));
}

TEST_CASE("a database from a newer build is refused") {
  TempDir dir;
  FakeClock clock;
  {
    auto db = sqlite::Db::open(dir.file("h.db"));
    REQUIRE(db);
    REQUIRE(db->exec("PRAGMA user_version = 99"));
  }
  auto store = HistoryStore::open(dir.file("h.db"), clock, 30 * kDay);
  REQUIRE_FALSE(store);
  CHECK(store.error().message.find("newer") != std::string::npos);
}

TEST_CASE("a record SQLite refuses is dropped and counted without holding back the others") {
  TempDir dir;
  FakeClock clock;
  auto store = open_store(dir.file("h.db"), clock);
  store->record_change(change("api", clock.wall_now(), "up"));
  StateChange bogus = change("api", clock.wall_now(), "up");
  bogus.kind = "bogus";  // the schema's CHECK refuses it
  store->record_change(bogus);
  store->record_change(change("api", clock.wall_now(), "down"));
  flush(*store);
  CHECK(changes_of(*store, "api").size() == 2);
  CHECK(store->metrics().dropped == 1);
  CHECK(store->metrics().write_errors == 0);
}

TEST_CASE("metadata that is not valid UTF-8 is stored with replacement characters") {
  TempDir dir;
  FakeClock clock;
  auto store = open_store(dir.file("h.db"), clock);
  StateChange odd = change("api", clock.wall_now(), "down");
  odd.metadata = {{"body", "caf\xff"}};
  store->record_change(odd);
  flush(*store);
  auto changes = changes_of(*store, "api");
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].metadata.at("body") == "caf\xEF\xBF\xBD");  // U+FFFD
  CHECK(store->metrics().dropped == 0);
}

// Rewrites the file-format write version in the header: above 2, SQLite opens the database for
// reading only. Our tests run as root, where file permissions would not stop a write.
void set_write_version(const std::string& path, char version) {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  file.seekp(18);
  file.put(version);
  REQUIRE(file.flush());
}

TEST_CASE("writes to a read-only database are counted, not fatal") {
  TempDir dir;
  FakeClock clock;
  std::string path = dir.file("h.db");
  {
    auto store = open_store(path, clock);
    store->record_change(change("api", clock.wall_now(), "up"));
  }
  set_write_version(path, 3);
  {
    auto store = open_store(path, clock, {.flush_interval = 10ms});
    store->record_change(change("api", clock.wall_now(), "down"));
    auto flushed = store->flush();
    REQUIRE_FALSE(flushed);
    CHECK(flushed.error().code == ErrorCode::Unavailable);
    CHECK_MESSAGE(flushed.error().message.find("readonly") != std::string::npos,
                  flushed.error().message);
    HistoryMetrics metrics = store->metrics();
    CHECK(metrics.write_errors >= 1);
    CHECK(metrics.queue_depth == 1);               // kept for a retry
    CHECK(changes_of(*store, "api").size() == 1);  // reading still works
  }  // the last attempt fails too: the record is dropped, nothing crashes
  set_write_version(path, 2);
  auto store = open_store(path, clock);
  auto changes = changes_of(*store, "api");
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].status == "up");
}

TEST_CASE("a write blocked by another connection's lock is retried once the lock is gone") {
  TempDir dir;
  FakeClock clock;
  std::string path = dir.file("h.db");
  auto store = open_store(path, clock, {.busy_timeout = 20ms});
  auto other = sqlite::Db::open(path);
  REQUIRE(other);
  auto lock = std::make_optional(sqlite::Transaction::begin(*other));
  REQUIRE(*lock);

  store->record_change(change("api", clock.wall_now(), "up"));
  auto flushed = store->flush();
  REQUIRE_FALSE(flushed);
  CHECK(flushed.error().code == ErrorCode::Timeout);
  CHECK(store->metrics().write_errors >= 1);

  lock.reset();  // rolls back, releasing the write lock
  flush(*store);
  CHECK(changes_of(*store, "api").size() == 1);
  CHECK(store->metrics().dropped == 0);
}

TEST_CASE("while writes fail the queue stays bounded, dropping the oldest records") {
  TempDir dir;
  FakeClock clock;
  std::string path = dir.file("h.db");
  auto store = open_store(path, clock, {.max_batch = 5, .max_queue = 10, .busy_timeout = 5ms});
  auto other = sqlite::Db::open(path);
  REQUIRE(other);
  auto lock = std::make_optional(sqlite::Transaction::begin(*other));
  REQUIRE(*lock);

  for (int i = 1; i <= 30; ++i) {
    store->record_change(change("api", clock.wall_now() + i * 1s, std::to_string(i)));
  }
  // A failed attempt: whatever was in flight went back into the queue, which kept the newest
  // ten. A retry may already hold some of them again, so the queue shows ten or fewer.
  REQUIRE_FALSE(store->flush());
  CHECK(store->metrics().queue_depth <= 10);
  CHECK(store->metrics().dropped == 20);
  lock.reset();
  flush(*store);
  auto changes = changes_of(*store, "api");
  REQUIRE(changes.size() == 10);
  CHECK(changes.front().status == "30");
  CHECK(changes.back().status == "21");
  CHECK(store->metrics().dropped == 20);
}

}  // namespace
}  // namespace vitals
