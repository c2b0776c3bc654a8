// The agent's history in SQLite: every state change of a service, check or probe with its error
// and metadata, and per-minute rollups of probe samples for uptime bars. Recording never waits on
// the disk: records are queued for one writer thread, which commits them in batches.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

#include "vitals/common/clock.h"
#include "vitals/common/error.h"
#include "vitals/common/mutex.h"
#include "vitals/common/sqlite/batch_write.h"

namespace vitals {

namespace detail {
class HistoryReaders;
class HistoryWriter;
}  // namespace detail

struct StateChange {
  std::string target{};  // the service or probe name
  std::string kind{};    // "service", "check" or "probe"
  std::string check{};   // the check's name when kind == "check", else empty
  WallTime at{};         // stored with millisecond precision
  std::string status{};  // "healthy", "unhealthy", "degraded", "up", "down" …
  std::string error{};   // empty when none
  std::string reason{};  // a probe_failure_reason, or empty
  std::map<std::string, std::string> metadata{};  // secrets already removed

  bool operator==(const StateChange&) const = default;
};

struct ProbeSample {
  std::string target{};
  WallTime at{};
  bool success = false;
  double latency_seconds = 0;
};

// The probe samples of one target within one minute.
struct Rollup {
  std::string target{};
  WallTime minute{};  // the minute's start, UTC
  std::int64_t count = 0;
  std::int64_t successes = 0;
  double latency_sum_seconds = 0;
  double latency_max_seconds = 0;
};

struct HistoryOptions {
  Duration retention{std::chrono::hours(24 * 30)};          // rows older than now - retention go
  Duration flush_interval{std::chrono::milliseconds(200)};  // at most one batch per interval…
  std::size_t max_batch = 1000;     // …unless this many records are waiting
  std::size_t max_queue = 100'000;  // beyond this the oldest queued records are dropped
  Duration retention_interval{std::chrono::hours(1)};
  Duration busy_timeout{std::chrono::seconds(5)};
  Duration max_retry_delay{std::chrono::seconds(5)};  // backoff after failed writes stops here
};

// For the agent's /metrics.
struct HistoryMetrics {
  std::uint64_t rows_written = 0;  // state-change inserts plus rollup upserts committed
  std::uint64_t batches = 0;       // transactions committed
  Duration last_batch_latency{};   // of the last committed batch, BEGIN to COMMIT
  std::size_t queue_depth = 0;     // records waiting for the writer
  std::uint64_t write_errors = 0;  // failed batch or retention transactions, each retry counted
  std::uint64_t dropped = 0;       // records lost: over max_queue, refused by SQLite, or at exit
  std::uint64_t retention_deleted = 0;
};

// Thread-safe. Owns the writer thread and the database connections. `clock` gives the "now" of
// retention and must outlive the store; the writer's pacing runs on the machine's steady clock,
// since it paces disk writes, not product time. The destructor makes one last attempt to commit
// what is queued, then stops the writer.
class HistoryStore {
 public:
  // Opens or creates the database at `path` and brings its schema up to date; NotFound naming
  // the directory when it does not exist (it is not created). Applies retention once before
  // returning, then every retention_interval.
  static Result<std::unique_ptr<HistoryStore>> open(const std::string& path, const Clock& clock,
                                                    Duration retention);
  static Result<std::unique_ptr<HistoryStore>> open(const std::string& path, const Clock& clock,
                                                    HistoryOptions options);
  ~HistoryStore();
  HistoryStore(const HistoryStore&) = delete;
  HistoryStore& operator=(const HistoryStore&) = delete;

  // Queue for the writer and return at once.
  void record_change(StateChange change) EXCLUDES(mu_);
  void record_sample(ProbeSample sample) EXCLUDES(mu_);

  // Blocks until everything recorded before the call is committed (or was dropped), and returns
  // the error when a write attempt fails first: the records stay queued and are retried.
  Result<void> flush() EXCLUDES(mu_);
  // Deletes rows older than clock.wall_now() - retention on the writer thread, after the batch
  // in progress; returns how many went.
  Result<std::size_t> apply_retention() EXCLUDES(mu_);

  // Committed changes of `target` (every target when empty) at or after `since`, newest first,
  // at most `limit` of them.
  Result<std::vector<StateChange>> changes(std::string_view target, WallTime since,
                                           std::size_t limit) const;
  // Rollups of `target` from the minute holding `since` on, oldest first.
  Result<std::vector<Rollup>> rollups(std::string_view target, WallTime since) const;

  HistoryMetrics metrics() const EXCLUDES(mu_);

 private:
  using Record = std::variant<StateChange, ProbeSample>;
  struct Batch {
    std::uint64_t first_seq = 0;  // records are numbered 1, 2, 3 … in the order recorded
    std::vector<Record> records{};
  };

  HistoryStore(std::unique_ptr<detail::HistoryWriter> writer,
               std::unique_ptr<detail::HistoryReaders> readers, const Clock& clock,
               HistoryOptions options);
  void enqueue(Record record) EXCLUDES(mu_);
  void run_writer() EXCLUDES(mu_);
  Duration retry_delay() const REQUIRES(mu_);
  bool batch_due(SteadyTime now) const REQUIRES(mu_);
  bool retention_due(SteadyTime now) const REQUIRES(mu_);
  SteadyTime next_wake() const REQUIRES(mu_);
  Batch take_batch() REQUIRES(mu_);
  void settle(Batch batch, const sqlite::BatchOutcome& outcome, Duration latency) REQUIRES(mu_);
  void settle_retention(Result<std::size_t> deleted) REQUIRES(mu_);
  void drop_front(std::size_t count) REQUIRES(mu_);
  void wake_writer() REQUIRES(mu_);

  const Clock& clock_;
  const HistoryOptions options_;
  // Used only by the writer thread, and by the constructor before that thread starts.
  const std::unique_ptr<detail::HistoryWriter> writer_;
  const std::unique_ptr<detail::HistoryReaders> readers_;  // thread-safe on its own

  mutable Mutex mu_;
  std::condition_variable work_ready_;  // wakes the writer
  std::condition_variable progress_;    // wakes flush() and apply_retention() callers
  // Guarded by mu_.
  std::deque<Record> queue_ GUARDED_BY(mu_);    // ends with record number recorded_
  std::uint64_t recorded_ GUARDED_BY(mu_) = 0;  // the number of the last record queued
  std::uint64_t settled_ GUARDED_BY(mu_) = 0;   // every record up to here is committed or dropped
  std::uint64_t flush_target_ GUARDED_BY(mu_) = 0;
  bool wake_ GUARDED_BY(mu_) = false;       // something changed for the writer
  bool retry_now_ GUARDED_BY(mu_) = false;  // a flush() asks to skip the retry backoff
  bool stopping_ GUARDED_BY(mu_) = false;
  bool writer_exited_ GUARDED_BY(mu_) = false;
  int failures_in_a_row_ GUARDED_BY(mu_) = 0;
  SteadyTime last_attempt_ GUARDED_BY(mu_){};
  SteadyTime next_retention_ GUARDED_BY(mu_){};
  bool retention_requested_ GUARDED_BY(mu_) = false;
  bool retention_running_ GUARDED_BY(mu_) = false;
  std::uint64_t retention_runs_ GUARDED_BY(mu_) = 0;
  Result<std::size_t> last_retention_ GUARDED_BY(mu_){0};
  std::optional<Error> last_error_ GUARDED_BY(mu_);
  HistoryMetrics metrics_ GUARDED_BY(mu_){};
  std::thread thread_;  // started last, in the constructor's body
};

}  // namespace vitals
