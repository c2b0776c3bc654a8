#include "agent/store/chunk_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <map>
#include <utility>

#include <nlohmann/json.hpp>

#include "vitals/common/sqlite/batch_write.h"
#include "vitals/common/sqlite/db.h"

namespace vitals {
namespace detail {
namespace {

using sqlite::Migration;

// Labels are a JSON object with sorted keys, so equal label sets have equal text. Chunks are
// Prometheus' XOR bytes as they are; an open head is stored under its min_t and replaced while
// it grows.
constexpr std::array kMigrations = {
    Migration{1, R"sql(
CREATE TABLE series (
  id INTEGER PRIMARY KEY,
  labels TEXT NOT NULL UNIQUE CHECK (json_valid(labels))
) STRICT;
CREATE TABLE chunks (
  series_id INTEGER NOT NULL REFERENCES series (id) ON DELETE CASCADE,
  min_t INTEGER NOT NULL,
  max_t INTEGER NOT NULL,
  samples INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (series_id, min_t)
) STRICT, WITHOUT ROWID;
CREATE INDEX chunks_by_max_t ON chunks (max_t);
)sql"},
    // An open head is rewritten every minute and its max_t moves each time: indexed, each
    // rewrite also moved its index entry. min_t never changes once a chunk is written, and
    // retention finds the same rows through it (at most one chunk per series straddles the
    // cutoff, so the extra rows it visits are bounded).
    Migration{2, R"sql(
DROP INDEX chunks_by_max_t;
CREATE INDEX chunks_by_min_t ON chunks (min_t);
)sql"},
};

constexpr std::string_view kInsertSeries =
    "INSERT INTO series (id, labels) VALUES (?1, ?2) ON CONFLICT (id) DO NOTHING";
constexpr std::string_view kUpsertChunk =
    "INSERT INTO chunks (series_id, min_t, max_t, samples, data) VALUES (?1, ?2, ?3, ?4, ?5) "
    "ON CONFLICT (series_id, min_t) DO UPDATE SET max_t = excluded.max_t, "
    "samples = excluded.samples, data = excluded.data WHERE excluded.samples >= samples";
constexpr std::string_view kDeleteSeries = "DELETE FROM series WHERE id = ?1";
constexpr std::string_view kDeleteChunks = "DELETE FROM chunks WHERE min_t < ?1 AND max_t < ?1";
constexpr std::string_view kDeleteEmptySeries =
    "DELETE FROM series WHERE NOT EXISTS (SELECT 1 FROM chunks WHERE series_id = series.id)";
constexpr std::string_view kSelectSeries = "SELECT id, labels FROM series ORDER BY id";
constexpr std::string_view kSelectChunks =
    "SELECT series_id, min_t, max_t, data FROM chunks ORDER BY series_id, min_t";

// Our wrapper binds no BLOBs, so the two statements with one use SQLite's API directly.
class RawStatement {
 public:
  static Result<RawStatement> prepare(sqlite::Db& db, std::string_view sql) {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v3(db.handle(), sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    if (rc != SQLITE_OK) return tl::unexpected(sqlite::detail::sqlite_error(db.handle(), rc, sql));
    return RawStatement(raw);
  }
  sqlite3_stmt* get() const { return stmt_.get(); }

 private:
  struct Finalize {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
  };
  explicit RawStatement(sqlite3_stmt* raw) : stmt_(raw) {}
  std::unique_ptr<sqlite3_stmt, Finalize> stmt_;
};

std::string labels_json(const LabelPairs& labels) {
  nlohmann::json object = nlohmann::json::object();
  for (const LabelPair& label : labels) object[label.name] = label.value;
  // Scrapes validate UTF-8; should anything else slip through, replace rather than throw.
  return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<LabelPairs> parse_labels(const std::string& text) {
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_object()) return std::nullopt;
  LabelPairs labels;
  for (const auto& [name, value] : json.items()) {
    if (!value.is_string()) return std::nullopt;
    labels.push_back(LabelPair{.name = name, .value = value.get<std::string>()});
  }
  return labels;
}

}  // namespace

// What became of a batch: the first `consumed` records are settled (written, or refused by
// SQLite as malformed and counted in `rejected`); with `error`, the rest are worth a retry.
// The one read-write connection. Used by open() and then by the writer thread alone.
class ChunkDb {
 public:
  static Result<std::unique_ptr<ChunkDb>> open(const std::string& path, Duration busy_timeout) {
    auto db = sqlite::Db::open(path, {.busy_timeout = busy_timeout});
    if (!db) return tl::unexpected(db.error());
    if (auto migrated = sqlite::migrate(*db, kMigrations); !migrated) {
      return tl::unexpected(migrated.error());
    }
    auto chunk = RawStatement::prepare(*db, kUpsertChunk);
    if (!chunk) return tl::unexpected(chunk.error());
    std::unique_ptr<ChunkDb> store(new ChunkDb(std::move(*db), std::move(*chunk)));
    using Slot = std::pair<std::optional<sqlite::Statement>*, std::string_view>;
    for (auto [slot, sql] :
         {Slot{&store->insert_series_, kInsertSeries}, Slot{&store->delete_series_, kDeleteSeries},
          Slot{&store->delete_chunks_, kDeleteChunks}}) {
      auto statement = store->db_.prepare(sql);
      if (!statement) return tl::unexpected(statement.error());
      slot->emplace(std::move(*statement));
    }
    return store;
  }

  Result<std::vector<StoredSeries>> load(std::int64_t cutoff_ms);
  sqlite::BatchOutcome write(std::span<const StoreRecord> records);

 private:
  ChunkDb(sqlite::Db db, RawStatement upsert) : db_(std::move(db)), upsert_(std::move(upsert)) {}
  Result<std::size_t> write_in_transaction(std::span<const StoreRecord> records);
  Result<void> apply(const StoreRecord& record);
  Result<void> upsert(const ChunkRecord& record);
  static Result<void> run(sqlite::Statement& statement, std::int64_t value);

  sqlite::Db db_;
  RawStatement upsert_;
  std::optional<sqlite::Statement> insert_series_{};
  std::optional<sqlite::Statement> delete_series_{};
  std::optional<sqlite::Statement> delete_chunks_{};
};

Result<std::vector<StoredSeries>> ChunkDb::load(std::int64_t cutoff_ms) {
  if (auto deleted = run(*delete_chunks_, cutoff_ms); !deleted) {
    return tl::unexpected(deleted.error());
  }
  if (auto emptied = db_.exec(kDeleteEmptySeries); !emptied) return tl::unexpected(emptied.error());
  auto select = db_.prepare(kSelectSeries);
  if (!select) return tl::unexpected(select.error());
  std::vector<StoredSeries> loaded;
  std::map<std::int64_t, std::size_t> index;
  for (auto step = select->step(); step && *step == sqlite::Step::Row; step = select->step()) {
    auto labels = parse_labels(select->column_text(1));
    if (!labels) continue;  // not ours to fix; retention removes it with its chunks
    index[select->column_int64(0)] = loaded.size();
    loaded.push_back(StoredSeries{.id = select->column_int64(0), .labels = std::move(*labels)});
  }
  auto chunks = RawStatement::prepare(db_, kSelectChunks);
  if (!chunks) return tl::unexpected(chunks.error());
  sqlite3_stmt* s = chunks->get();
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    auto found = index.find(sqlite3_column_int64(s, 0));
    if (found == index.end()) continue;
    const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(s, 3));
    const std::span<const std::uint8_t> bytes(data,
                                              static_cast<std::size_t>(sqlite3_column_bytes(s, 3)));
    loaded[found->second].chunks.push_back(std::make_shared<const Chunk>(
        Chunk::copy_of(sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 2), bytes)));
  }
  if (rc != SQLITE_DONE) {
    return tl::unexpected(sqlite::detail::sqlite_error(db_.handle(), rc, "read chunks"));
  }
  return loaded;
}

sqlite::BatchOutcome ChunkDb::write(std::span<const StoreRecord> records) {
  return sqlite::write_batch(
      records, [this](std::span<const StoreRecord> some) { return write_in_transaction(some); });
}

Result<std::size_t> ChunkDb::write_in_transaction(std::span<const StoreRecord> records) {
  auto transaction = sqlite::Transaction::begin(db_);
  if (!transaction) return tl::unexpected(transaction.error());
  std::size_t chunks = 0;
  for (const StoreRecord& record : records) {
    if (auto applied = apply(record); !applied) return tl::unexpected(applied.error());
    chunks += std::holds_alternative<ChunkRecord>(record) ? 1 : 0;
  }
  if (auto committed = transaction->commit(); !committed) return tl::unexpected(committed.error());
  return chunks;
}

Result<void> ChunkDb::apply(const StoreRecord& record) {
  if (const auto* chunk = std::get_if<ChunkRecord>(&record)) return upsert(*chunk);
  if (const auto* removal = std::get_if<RemovalRecord>(&record)) {
    return run(*delete_series_, removal->id);
  }
  if (const auto* retention = std::get_if<RetentionRecord>(&record)) {
    return run(*delete_chunks_, retention->cutoff_ms);
  }
  const auto& series = std::get<SeriesRecord>(record);
  auto bound = insert_series_->bind_all(series.id, labels_json(series.labels));
  if (!bound) return bound;
  return insert_series_->run();
}

Result<void> ChunkDb::upsert(const ChunkRecord& record) {
  sqlite3_stmt* s = upsert_.get();
  const Chunk& chunk = *record.chunk;
  sqlite3_bind_int64(s, 1, record.id);
  sqlite3_bind_int64(s, 2, chunk.min_t);
  sqlite3_bind_int64(s, 3, chunk.max_t);
  sqlite3_bind_int64(s, 4, chunk.num_samples());
  sqlite3_bind_blob(s, 5, chunk.bytes.data(), static_cast<int>(chunk.bytes.size()),
                    SQLITE_STATIC);  // the chunk outlives the step
  int rc = sqlite3_step(s);
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  if (rc != SQLITE_DONE)
    return tl::unexpected(sqlite::detail::sqlite_error(db_.handle(), rc, "upsert chunk"));
  return {};
}

Result<void> ChunkDb::run(sqlite::Statement& statement, std::int64_t value) {
  if (auto bound = statement.bind(1, value); !bound) return bound;
  return statement.run();
}

}  // namespace detail

namespace {

SteadyTime steady_now() {
  return std::chrono::steady_clock::now();
}

}  // namespace

Result<std::unique_ptr<ChunkStore>> ChunkStore::open(const std::string& path,
                                                     std::int64_t cutoff_ms,
                                                     std::vector<StoredSeries>& loaded,
                                                     ChunkStoreOptions options) {
  options.max_batch = std::max<std::size_t>(options.max_batch, 1);
  options.max_queue = std::max(options.max_queue, options.max_batch);
  auto db = detail::ChunkDb::open(path, options.busy_timeout);
  if (!db) return tl::unexpected(db.error());
  auto read = (*db)->load(cutoff_ms);
  if (!read) return tl::unexpected(read.error());
  loaded = std::move(*read);
  return std::unique_ptr<ChunkStore>(new ChunkStore(std::move(*db), options));
}

ChunkStore::ChunkStore(std::unique_ptr<detail::ChunkDb> db, ChunkStoreOptions options)
    : options_(options), db_(std::move(db)) {
  thread_ = std::thread([this] { run_writer(); });
}

ChunkStore::~ChunkStore() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
    wake_writer();
  }
  thread_.join();
}

void ChunkStore::record_series(std::int64_t id, LabelPairs labels) {
  enqueue(detail::SeriesRecord{.id = id, .labels = std::move(labels)});
}

void ChunkStore::record_chunk(std::int64_t id, detail::ChunkPtr chunk) {
  enqueue(detail::ChunkRecord{.id = id, .chunk = std::move(chunk)});
}

void ChunkStore::record_removal(std::int64_t id) {
  enqueue(detail::RemovalRecord{.id = id});
}

void ChunkStore::record_retention(std::int64_t cutoff_ms) {
  enqueue(detail::RetentionRecord{.cutoff_ms = cutoff_ms});
}

void ChunkStore::enqueue(detail::StoreRecord record) {
  MutexLock lock(mu_);
  if (queue_.empty()) oldest_queued_at_ = steady_now();
  queue_.push_back(std::move(record));
  ++recorded_;
  if (queue_.size() > options_.max_queue) drop_front(queue_.size() - options_.max_queue);
  // Only these sizes change what the writer waits for; others wait for the interval.
  if (queue_.size() == 1 || queue_.size() == options_.max_batch) wake_writer();
}

Result<void> ChunkStore::flush() {
  MutexLock lock(mu_);
  const std::uint64_t target = recorded_;
  const std::uint64_t errors_before = metrics_.write_errors;
  flush_target_ = std::max(flush_target_, target);
  retry_at_ = SteadyTime{};  // a caller waits: no backoff for this attempt
  wake_writer();
  lock.wait(progress_, [&]() REQUIRES(mu_) {
    return settled_ >= target || metrics_.write_errors > errors_before || writer_exited_;
  });
  if (settled_ >= target) return {};
  if (last_error_) return tl::unexpected(*last_error_);
  return make_error(ErrorCode::Unavailable, "chunk store writer stopped");
}

ChunkStoreMetrics ChunkStore::metrics() const {
  MutexLock lock(mu_);
  ChunkStoreMetrics snapshot = metrics_;
  snapshot.queue_depth = queue_.size();
  return snapshot;
}

// The writer thread: writes a batch when one is due, with mu_ released around the disk work so
// recording never waits for SQLite, else sleeps until the next deadline or a wake-up. On stop it
// makes one last attempt at what is queued; what that cannot write is dropped and counted.
void ChunkStore::run_writer() {
  MutexLock lock(mu_);
  for (;;) {
    const SteadyTime now = steady_now();
    if (batch_due(now)) {
      auto batch = take_batch();
      lock.unlock();
      sqlite::BatchOutcome outcome = db_->write(batch);
      if (options_.after_batch) options_.after_batch();
      lock.lock();
      metrics_.chunks_written += outcome.written;
      const bool was_failing = failures_in_a_row_ > 0;
      std::optional<Error> error = outcome.error;
      settle(std::move(batch), outcome.consumed, outcome.rejected, std::move(outcome.error));
      if (was_failing != (failures_in_a_row_ > 0)) {
        // Logged without mu_: a slow log must not hold up the window's ingest.
        const std::uint64_t errors = metrics_.write_errors, dropped = metrics_.dropped;
        const std::size_t queued = queue_.size();
        lock.unlock();
        sqlite::log_write_health("window", "chunks", !was_failing, error, errors, dropped, queued);
        lock.lock();
      }
    } else if (stopping_) {
      break;
    } else {
      lock.wait_until(work_ready_, next_wake(now),
                      [&]() REQUIRES(mu_) { return std::exchange(wake_, false); });
    }
  }
  writer_exited_ = true;
  progress_.notify_all();
}

bool ChunkStore::batch_due(SteadyTime now) const {
  if (queue_.empty()) return false;
  if (stopping_) return true;
  if (now < retry_at_) return false;
  return flush_target_ > settled_ || queue_.size() >= options_.max_batch ||
         now >= oldest_queued_at_ + options_.flush_interval;
}

SteadyTime ChunkStore::next_wake(SteadyTime now) const {
  if (queue_.empty()) return now + std::chrono::hours(1);  // an enqueue wakes it sooner
  return std::max(retry_at_, oldest_queued_at_ + options_.flush_interval);
}

std::vector<detail::StoreRecord> ChunkStore::take_batch() {
  const std::size_t size = std::min(queue_.size(), options_.max_batch);
  std::vector<detail::StoreRecord> batch;
  batch.reserve(size);
  auto end = queue_.begin() + static_cast<std::ptrdiff_t>(size);
  std::move(queue_.begin(), end, std::back_inserter(batch));
  queue_.erase(queue_.begin(), end);
  return batch;
}

void ChunkStore::settle(std::vector<detail::StoreRecord> batch, std::size_t consumed,
                        std::size_t rejected, std::optional<Error> error) {
  settled_ += consumed;
  metrics_.dropped += rejected;
  if (!error) {
    ++metrics_.batches;
    failures_in_a_row_ = 0;
  } else {
    ++metrics_.write_errors;
    last_error_ = std::move(error);
    // Back in front, in order, for a retry after a doubling backoff.
    auto unwritten = batch.begin() + static_cast<std::ptrdiff_t>(consumed);
    queue_.insert(queue_.begin(), std::make_move_iterator(unwritten),
                  std::make_move_iterator(batch.end()));
    failures_in_a_row_ = std::min(failures_in_a_row_ + 1, 20);
    retry_at_ =
        steady_now() + std::min<Duration>(options_.flush_interval * (1 << failures_in_a_row_),
                                          options_.max_retry_delay);
    if (stopping_) drop_front(queue_.size());
  }
  progress_.notify_all();
}

void ChunkStore::drop_front(std::size_t count) {
  queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(count));
  metrics_.dropped += count;
  settled_ += count;
}

void ChunkStore::wake_writer() {
  wake_ = true;
  work_ready_.notify_one();
}

}  // namespace vitals
