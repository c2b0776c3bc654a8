// The SQL side of HistoryStore: its schema migrations and the writer's prepared statements
// (history_writer.cc), the readers' statements and a pool of read-only connections
// (history_reader.cc).
#pragma once

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "agent/store/history_store.h"
#include "vitals/common/mutex.h"
#include "vitals/common/sqlite/batch_write.h"
#include "vitals/common/sqlite/db.h"

namespace vitals::detail {

using HistoryRecord = std::variant<StateChange, ProbeSample>;

// What became of a batch: the first `consumed` records are settled (committed, or refused by
// SQLite as malformed and counted in `rejected`); with `error` set, the rest were not written
// and are worth retrying.

// The one read-write connection. Lives on the writer thread.
class HistoryWriter {
 public:
  // Opens or creates the file and migrates its schema.
  static Result<std::unique_ptr<HistoryWriter>> open(const std::string& path,
                                                     Duration busy_timeout);

  // One transaction for the whole batch; samples are summed per (target, minute) first, so a
  // rollup costs one upsert per batch. A batch refused as malformed (a constraint) is retried
  // record by record, so one bad record cannot block the others forever.
  sqlite::BatchOutcome write(std::span<const HistoryRecord> records);
  // Deletes changes and rollups from before `cutoff`, a chunk per transaction so that neither
  // the WAL nor the queue behind the writer grows much. Returns the rows deleted.
  Result<std::size_t> delete_before(WallTime cutoff);

 private:
  explicit HistoryWriter(sqlite::Db db) : db_(std::move(db)) {}
  Result<void> prepare();
  Result<std::size_t> write_in_transaction(std::span<const HistoryRecord> records);
  Result<void> insert_change(const StateChange& change);
  Result<std::size_t> upsert_rollups(std::span<const HistoryRecord> records);
  Result<std::size_t> delete_chunks(sqlite::Statement& statement, std::int64_t cutoff_ms);

  sqlite::Db db_;
  std::optional<sqlite::Statement> insert_change_{};
  std::optional<sqlite::Statement> upsert_rollup_{};
  std::optional<sqlite::Statement> delete_changes_{};
  std::optional<sqlite::Statement> delete_rollups_{};
};

// One read-only connection with its statements. Used by one thread at a time.
class HistoryReader {
 public:
  static Result<std::unique_ptr<HistoryReader>> open(const std::string& path,
                                                     Duration busy_timeout);

  Result<std::vector<StateChange>> changes(std::string_view target, WallTime since,
                                           std::size_t limit);
  Result<std::vector<Rollup>> rollups(std::string_view target, WallTime since);

 private:
  explicit HistoryReader(sqlite::Db db) : db_(std::move(db)) {}
  Result<void> prepare();

  sqlite::Db db_;
  std::optional<sqlite::Statement> changes_of_target_{};
  std::optional<sqlite::Statement> changes_of_all_{};
  std::optional<sqlite::Statement> rollups_{};
};

// Read-only connections, one per thread reading at the same moment; a few stay open between
// reads. Thread-safe.
class HistoryReaders {
 public:
  // Opens the first connection now, so a database readers cannot open fails at start.
  static Result<std::unique_ptr<HistoryReaders>> open(std::string path, Duration busy_timeout);

  // Runs `read` with a connection of its own.
  template <class F>
  auto with_reader(F read) -> decltype(read(std::declval<HistoryReader&>()));

 private:
  HistoryReaders(std::string path, Duration busy_timeout)
      : path_(std::move(path)), busy_timeout_(busy_timeout) {}
  Result<std::unique_ptr<HistoryReader>> acquire() EXCLUDES(mu_);
  void release(std::unique_ptr<HistoryReader> reader) EXCLUDES(mu_);

  const std::string path_;
  const Duration busy_timeout_;
  Mutex mu_;
  std::vector<std::unique_ptr<HistoryReader>> idle_ GUARDED_BY(mu_);
};

template <class F>
auto HistoryReaders::with_reader(F read) -> decltype(read(std::declval<HistoryReader&>())) {
  auto reader = acquire();
  if (!reader) return tl::unexpected(reader.error());
  auto result = read(**reader);
  release(std::move(*reader));
  return result;
}

// Milliseconds since the Unix epoch, rounded down: the unit of every time column.
std::int64_t to_unix_ms(WallTime t);
WallTime from_unix_ms(std::int64_t ms);
// The start of the minute holding `ms`, in the same unit.
std::int64_t minute_start_ms(std::int64_t ms);

// Prepares each statement into its slot; the first failure wins.
using StatementSlot = std::pair<std::optional<sqlite::Statement>*, std::string_view>;
Result<void> prepare_statements(sqlite::Db& db, std::initializer_list<StatementSlot> statements);

}  // namespace vitals::detail
