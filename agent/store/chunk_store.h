// The sample window on disk, so a restart keeps it: SQLite tables of series (id, labels as JSON)
// and chunks (series id, min_t, max_t, the XOR chunk's bytes). Recording never waits on the
// disk: records are queued for one writer thread, which commits them in batched transactions on
// a WAL database, so kill -9 loses at most the records of the last flush interval.
// Thread-safe. Records of one series must be made in order (the window records under the
// series' lock), since the writer applies them in the order queued.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "agent/store/label_set.h"
#include "agent/store/series_chunks.h"
#include "vitals/common/clock.h"
#include "vitals/common/error.h"
#include "vitals/common/mutex.h"

namespace vitals {

struct ChunkStoreOptions {
  Duration flush_interval{std::chrono::seconds(1)};  // a record waits at most this long…
  std::size_t max_batch = 2000;                      // …unless this many are waiting
  std::size_t max_queue = 500'000;  // beyond this the oldest queued records are dropped
  Duration busy_timeout{std::chrono::seconds(5)};
  Duration max_retry_delay{std::chrono::seconds(5)};  // backoff after failed writes stops here
  // Runs on the writer thread after each batch it wrote: the window hands back the pages of
  // spilled chunks the writer read.
  std::function<void()> after_batch{};
};

struct ChunkStoreMetrics {
  std::uint64_t chunks_written = 0;  // chunk rows inserted or replaced (open heads included)
  std::uint64_t batches = 0;
  std::uint64_t write_errors = 0;  // failed transactions, each retry counted
  std::uint64_t dropped = 0;       // records lost: over max_queue, refused by SQLite, or at exit
  std::size_t queue_depth = 0;
};

// A series read back at open, its chunks sorted by time.
struct StoredSeries {
  std::int64_t id = 0;  // the file's key for the series, not a SeriesRef (those are per process)
  LabelPairs labels{};
  detail::ChunkList chunks{};
};

namespace detail {

class ChunkDb;

struct SeriesRecord {
  std::int64_t id = 0;
  LabelPairs labels{};
};
struct ChunkRecord {
  std::int64_t id = 0;
  ChunkPtr chunk{};  // replaces a stored chunk of the series with the same min_t and fewer samples
};
struct RemovalRecord {
  std::int64_t id = 0;
};
struct RetentionRecord {
  std::int64_t cutoff_ms = 0;  // chunks whose max_t is before this go
};
using StoreRecord = std::variant<SeriesRecord, ChunkRecord, RemovalRecord, RetentionRecord>;

}  // namespace detail

class ChunkStore {
 public:
  // Opens or creates the database at `path` (its directory must exist) and migrates it, deletes
  // chunks that ended before `cutoff_ms` and series left without chunks, reads the rest into
  // `loaded`, then starts the writer.
  static Result<std::unique_ptr<ChunkStore>> open(const std::string& path, std::int64_t cutoff_ms,
                                                  std::vector<StoredSeries>& loaded,
                                                  ChunkStoreOptions options = {});
  // Makes one last attempt to commit what is queued, then stops the writer.
  ~ChunkStore();
  ChunkStore(const ChunkStore&) = delete;
  ChunkStore& operator=(const ChunkStore&) = delete;

  // `id` keys a series in the file: the caller picks it, above every id read at open.
  void record_series(std::int64_t id, LabelPairs labels) EXCLUDES(mu_);
  void record_chunk(std::int64_t id, detail::ChunkPtr chunk) EXCLUDES(mu_);
  void record_removal(std::int64_t id) EXCLUDES(mu_);
  void record_retention(std::int64_t cutoff_ms) EXCLUDES(mu_);

  // Blocks until everything recorded before the call is committed (or dropped); the error of a
  // failed attempt when one comes first (the records stay queued for a retry).
  Result<void> flush() EXCLUDES(mu_);
  ChunkStoreMetrics metrics() const EXCLUDES(mu_);

 private:
  ChunkStore(std::unique_ptr<detail::ChunkDb> db, ChunkStoreOptions options);
  void enqueue(detail::StoreRecord record) EXCLUDES(mu_);
  void run_writer() EXCLUDES(mu_);
  bool batch_due(SteadyTime now) const REQUIRES(mu_);
  SteadyTime next_wake(SteadyTime now) const REQUIRES(mu_);
  std::vector<detail::StoreRecord> take_batch() REQUIRES(mu_);
  void settle(std::vector<detail::StoreRecord> batch, std::size_t consumed, std::size_t rejected,
              std::optional<Error> error) REQUIRES(mu_);
  void drop_front(std::size_t count) REQUIRES(mu_);
  void wake_writer() REQUIRES(mu_);

  const ChunkStoreOptions options_;
  const std::unique_ptr<detail::ChunkDb> db_;  // the writer thread's alone once it runs

  mutable Mutex mu_;
  std::condition_variable work_ready_;  // wakes the writer
  std::condition_variable progress_;    // wakes flush()
  std::deque<detail::StoreRecord> queue_ GUARDED_BY(mu_);
  SteadyTime oldest_queued_at_ GUARDED_BY(mu_){};
  std::uint64_t recorded_ GUARDED_BY(mu_) = 0;  // records queued so far
  std::uint64_t settled_ GUARDED_BY(mu_) = 0;   // the first settled_ records are written or dropped
  std::uint64_t flush_target_ GUARDED_BY(mu_) = 0;
  SteadyTime retry_at_ GUARDED_BY(mu_){};
  int failures_in_a_row_ GUARDED_BY(mu_) = 0;
  bool wake_ GUARDED_BY(mu_) = false;
  bool stopping_ GUARDED_BY(mu_) = false;
  bool writer_exited_ GUARDED_BY(mu_) = false;
  std::optional<Error> last_error_ GUARDED_BY(mu_);
  ChunkStoreMetrics metrics_ GUARDED_BY(mu_){};
  std::thread thread_;  // started last
};

}  // namespace vitals
