#include "agent/store/history_db.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <utility>

#include <nlohmann/json.hpp>

namespace vitals::detail {
namespace {

using sqlite::Migration;
using sqlite::Statement;

// Times are Unix milliseconds (UTC). Metadata is a JSON object of strings: it is only ever read
// whole, with its change, so a child table would buy joins and nothing else.
constexpr std::array kMigrations = {
    Migration{1, R"sql(
CREATE TABLE state_changes (
  id INTEGER PRIMARY KEY,
  target TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('service', 'check', 'probe')),
  check_name TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  status TEXT NOT NULL,
  error TEXT NOT NULL,
  reason TEXT NOT NULL,
  metadata TEXT NOT NULL CHECK (json_valid(metadata))
) STRICT;
CREATE INDEX state_changes_by_target ON state_changes (target, at_ms);
CREATE INDEX state_changes_by_time ON state_changes (at_ms);
CREATE TABLE probe_rollups (
  target TEXT NOT NULL,
  minute_ms INTEGER NOT NULL,
  count INTEGER NOT NULL,
  successes INTEGER NOT NULL,
  latency_sum REAL NOT NULL,
  latency_max REAL NOT NULL,
  PRIMARY KEY (target, minute_ms)
) STRICT;
CREATE INDEX probe_rollups_by_time ON probe_rollups (minute_ms);
)sql"},
};

constexpr std::int64_t kRetentionChunk = 10'000;

constexpr std::string_view kInsertChange =
    "INSERT INTO state_changes (target, kind, check_name, at_ms, status, error, reason, metadata) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
constexpr std::string_view kUpsertRollup =
    "INSERT INTO probe_rollups (target, minute_ms, count, successes, latency_sum, latency_max) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (target, minute_ms) DO UPDATE SET "
    "count = count + excluded.count, successes = successes + excluded.successes, "
    "latency_sum = latency_sum + excluded.latency_sum, "
    "latency_max = max(latency_max, excluded.latency_max)";
constexpr std::string_view kDeleteChanges =
    "DELETE FROM state_changes WHERE id IN "
    "(SELECT id FROM state_changes WHERE at_ms < ?1 LIMIT ?2)";
constexpr std::string_view kDeleteRollups =
    "DELETE FROM probe_rollups WHERE rowid IN "
    "(SELECT rowid FROM probe_rollups WHERE minute_ms < ?1 LIMIT ?2)";

// Invalid UTF-8 is replaced rather than thrown on: a checker's metadata must not stop the writer.
std::string metadata_json(const std::map<std::string, std::string>& metadata) {
  return nlohmann::json(metadata).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Per (target, minute): the samples of a batch summed, ready for one upsert each.
std::map<std::pair<std::string, std::int64_t>, Rollup> sum_samples(
    std::span<const HistoryRecord> records) {
  std::map<std::pair<std::string, std::int64_t>, Rollup> sums;
  for (const HistoryRecord& record : records) {
    const auto* sample = std::get_if<ProbeSample>(&record);
    if (sample == nullptr) continue;
    Rollup& sum = sums[{sample->target, minute_start_ms(to_unix_ms(sample->at))}];
    // NaN or negative latencies (a clock step) count as zero rather than poisoning the sums.
    double latency =
        std::isfinite(sample->latency_seconds) ? std::max(0.0, sample->latency_seconds) : 0.0;
    sum.count += 1;
    sum.successes += sample->success ? 1 : 0;
    sum.latency_sum_seconds += latency;
    sum.latency_max_seconds = std::max(sum.latency_max_seconds, latency);
  }
  return sums;
}

}  // namespace

std::int64_t to_unix_ms(WallTime t) {
  return std::chrono::floor<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

WallTime from_unix_ms(std::int64_t ms) {
  return WallTime(std::chrono::milliseconds(ms));
}

std::int64_t minute_start_ms(std::int64_t ms) {
  constexpr std::int64_t kMinuteMs = 60'000;
  return ms >= 0 ? ms / kMinuteMs * kMinuteMs : (ms - kMinuteMs + 1) / kMinuteMs * kMinuteMs;
}

Result<void> prepare_statements(sqlite::Db& db, std::initializer_list<StatementSlot> statements) {
  for (const auto& [slot, sql] : statements) {
    auto statement = db.prepare(sql);
    if (!statement) return tl::unexpected(statement.error());
    *slot = std::move(*statement);
  }
  return {};
}

Result<std::unique_ptr<HistoryWriter>> HistoryWriter::open(const std::string& path,
                                                           Duration busy_timeout) {
  auto db = sqlite::Db::open(path, {.busy_timeout = busy_timeout});
  if (!db) return tl::unexpected(db.error());
  if (auto migrated = sqlite::migrate(*db, kMigrations); !migrated) {
    return tl::unexpected(migrated.error());
  }
  std::unique_ptr<HistoryWriter> writer(new HistoryWriter(std::move(*db)));
  if (auto prepared = writer->prepare(); !prepared) return tl::unexpected(prepared.error());
  return writer;
}

Result<void> HistoryWriter::prepare() {
  return prepare_statements(db_, {{&insert_change_, kInsertChange},
                                  {&upsert_rollup_, kUpsertRollup},
                                  {&delete_changes_, kDeleteChanges},
                                  {&delete_rollups_, kDeleteRollups}});
}

sqlite::BatchOutcome HistoryWriter::write(std::span<const HistoryRecord> records) {
  return sqlite::write_batch(
      records, [this](std::span<const HistoryRecord> some) { return write_in_transaction(some); });
}

Result<std::size_t> HistoryWriter::write_in_transaction(std::span<const HistoryRecord> records) {
  auto transaction = sqlite::Transaction::begin(db_);
  if (!transaction) return tl::unexpected(transaction.error());
  std::size_t rows = 0;
  for (const HistoryRecord& record : records) {
    const auto* change = std::get_if<StateChange>(&record);
    if (change == nullptr) continue;
    if (auto inserted = insert_change(*change); !inserted) return tl::unexpected(inserted.error());
    ++rows;
  }
  auto upserted = upsert_rollups(records);
  if (!upserted) return tl::unexpected(upserted.error());
  if (auto committed = transaction->commit(); !committed) {
    return tl::unexpected(committed.error());
  }
  return rows + *upserted;
}

Result<void> HistoryWriter::insert_change(const StateChange& c) {
  Statement& insert = *insert_change_;
  auto bound = insert.bind_all(c.target, c.kind, c.check, to_unix_ms(c.at), c.status, c.error,
                               c.reason, metadata_json(c.metadata));
  if (!bound) return bound;
  return insert.run();
}

Result<std::size_t> HistoryWriter::upsert_rollups(std::span<const HistoryRecord> records) {
  auto sums = sum_samples(records);
  Statement& upsert = *upsert_rollup_;
  for (const auto& [key, sum] : sums) {
    auto bound = upsert.bind_all(key.first, key.second, sum.count, sum.successes,
                                 sum.latency_sum_seconds, sum.latency_max_seconds);
    if (!bound) return tl::unexpected(bound.error());
    if (auto ran = upsert.run(); !ran) return tl::unexpected(ran.error());
  }
  return sums.size();
}

Result<std::size_t> HistoryWriter::delete_before(WallTime cutoff) {
  std::int64_t cutoff_ms = to_unix_ms(cutoff);
  auto changes = delete_chunks(*delete_changes_, cutoff_ms);
  if (!changes) return changes;
  auto rollups = delete_chunks(*delete_rollups_, cutoff_ms);
  if (!rollups) return rollups;
  return *changes + *rollups;
}

Result<std::size_t> HistoryWriter::delete_chunks(Statement& statement, std::int64_t cutoff_ms) {
  std::size_t deleted = 0;
  for (;;) {
    auto transaction = sqlite::Transaction::begin(db_);
    if (!transaction) return tl::unexpected(transaction.error());
    auto bound = statement.bind_all(cutoff_ms, kRetentionChunk);
    if (!bound) return tl::unexpected(bound.error());
    if (auto ran = statement.run(); !ran) return tl::unexpected(ran.error());
    auto chunk = db_.changes();
    if (auto committed = transaction->commit(); !committed) {
      return tl::unexpected(committed.error());
    }
    deleted += static_cast<std::size_t>(chunk);
    if (chunk < kRetentionChunk) return deleted;
  }
}

}  // namespace vitals::detail
