#include "agent/store/history_store.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "agent/store/history_db.h"
#include "vitals/common/sqlite/batch_write.h"

namespace vitals {
namespace {

SteadyTime steady_now() {
  return std::chrono::steady_clock::now();
}

}  // namespace

Result<std::unique_ptr<HistoryStore>> HistoryStore::open(const std::string& path,
                                                         const Clock& clock, Duration retention) {
  return open(path, clock, HistoryOptions{.retention = retention});
}

Result<std::unique_ptr<HistoryStore>> HistoryStore::open(const std::string& path,
                                                         const Clock& clock,
                                                         HistoryOptions options) {
  options.max_batch = std::max<std::size_t>(options.max_batch, 1);
  options.max_queue = std::max(options.max_queue, options.max_batch);
  auto writer = detail::HistoryWriter::open(path, options.busy_timeout);
  if (!writer) return tl::unexpected(writer.error());
  auto readers = detail::HistoryReaders::open(path, options.busy_timeout);
  if (!readers) return tl::unexpected(readers.error());
  return std::unique_ptr<HistoryStore>(
      new HistoryStore(std::move(*writer), std::move(*readers), clock, options));
}

HistoryStore::HistoryStore(std::unique_ptr<detail::HistoryWriter> writer,
                           std::unique_ptr<detail::HistoryReaders> readers, const Clock& clock,
                           HistoryOptions options)
    : clock_(clock), options_(options), writer_(std::move(writer)), readers_(std::move(readers)) {
  // Retention runs once before the thread starts, so rows recorded later are never judged
  // against a cutoff older than their open; a failure here is counted like any other.
  auto deleted = writer_->delete_before(clock_.wall_now() - options_.retention);
  MutexLock lock(mu_);
  settle_retention(std::move(deleted));
  thread_ = std::thread([this] { run_writer(); });
}

HistoryStore::~HistoryStore() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
    wake_writer();
  }
  thread_.join();
}

void HistoryStore::record_change(StateChange change) {
  enqueue(std::move(change));
}

void HistoryStore::record_sample(ProbeSample sample) {
  enqueue(std::move(sample));
}

void HistoryStore::enqueue(Record record) {
  MutexLock lock(mu_);
  queue_.push_back(std::move(record));
  ++recorded_;
  if (queue_.size() > options_.max_queue) drop_front(queue_.size() - options_.max_queue);
  // Only these two sizes change what the writer waits for; other records wait for the timer.
  if (queue_.size() == 1 || queue_.size() == options_.max_batch) wake_writer();
}

Result<void> HistoryStore::flush() {
  MutexLock lock(mu_);
  const std::uint64_t target = recorded_;
  const std::uint64_t errors_before = metrics_.write_errors;
  flush_target_ = std::max(flush_target_, target);
  retry_now_ = true;
  wake_writer();
  lock.wait(progress_, [&]() REQUIRES(mu_) {
    return settled_ >= target || metrics_.write_errors > errors_before || writer_exited_;
  });
  if (settled_ >= target) return {};
  if (last_error_) return tl::unexpected(*last_error_);
  return make_error(ErrorCode::Unavailable, "history writer stopped");
}

Result<std::size_t> HistoryStore::apply_retention() {
  MutexLock lock(mu_);
  // A run already under way took its cutoff before this call: wait for the one after it.
  const std::uint64_t wanted = retention_runs_ + (retention_running_ ? 2 : 1);
  retention_requested_ = true;
  wake_writer();
  lock.wait(progress_, [&]() REQUIRES(mu_) { return retention_runs_ >= wanted || writer_exited_; });
  if (retention_runs_ < wanted) return make_error(ErrorCode::Unavailable, "history writer stopped");
  return last_retention_;
}

Result<std::vector<StateChange>> HistoryStore::changes(std::string_view target, WallTime since,
                                                       std::size_t limit) const {
  return readers_->with_reader(
      [&](detail::HistoryReader& reader) { return reader.changes(target, since, limit); });
}

Result<std::vector<Rollup>> HistoryStore::rollups(std::string_view target, WallTime since) const {
  return readers_->with_reader(
      [&](detail::HistoryReader& reader) { return reader.rollups(target, since); });
}

HistoryMetrics HistoryStore::metrics() const {
  MutexLock lock(mu_);
  HistoryMetrics snapshot = metrics_;
  snapshot.queue_depth = queue_.size();
  return snapshot;
}

// The writer thread. Each turn does the one thing that is due, with mu_ released around the
// disk work, so recording never waits for SQLite:
//   1. retention, when requested or its interval has passed;
//   2. a batch, when the queue is full enough, a flush waits, or the interval has passed;
//   3. otherwise sleep until the next deadline or until woken.
// On stop it writes what is queued; if that fails the rest is dropped, counted, and it exits.
void HistoryStore::run_writer() {
  MutexLock lock(mu_);
  for (;;) {
    SteadyTime now = steady_now();
    if (retention_due(now)) {
      retention_requested_ = false;
      retention_running_ = true;
      WallTime cutoff = clock_.wall_now() - options_.retention;
      lock.unlock();
      auto deleted = writer_->delete_before(cutoff);
      lock.lock();
      settle_retention(std::move(deleted));
    } else if (batch_due(now)) {
      Batch batch = take_batch();
      lock.unlock();
      SteadyTime start = steady_now();
      sqlite::BatchOutcome outcome = writer_->write(batch.records);
      Duration latency = steady_now() - start;
      lock.lock();
      const bool was_failing = failures_in_a_row_ > 0;
      settle(std::move(batch), outcome, latency);
      if (was_failing != (failures_in_a_row_ > 0)) {
        // Logged without mu_: a slow log must not hold up recording.
        const std::uint64_t errors = metrics_.write_errors, dropped = metrics_.dropped;
        const std::size_t queued = queue_.size();
        lock.unlock();
        sqlite::log_write_health("history", "records", !was_failing, outcome.error, errors, dropped,
                                 queued);
        lock.lock();
      }
    } else if (stopping_) {
      break;
    } else {
      lock.wait_until(work_ready_, next_wake(),
                      [&]() REQUIRES(mu_) { return std::exchange(wake_, false); });
    }
  }
  writer_exited_ = true;
  progress_.notify_all();
}

Duration HistoryStore::retry_delay() const {
  if (failures_in_a_row_ == 0) return options_.flush_interval;
  // Doubling from the flush interval: a full disk is not hammered, a brief lock costs little.
  Duration delay = options_.flush_interval * (1LL << std::min(failures_in_a_row_, 20));
  return std::min(delay, options_.max_retry_delay);
}

bool HistoryStore::batch_due(SteadyTime now) const {
  if (queue_.empty()) return false;
  if (stopping_ || retry_now_) return true;
  bool healthy = failures_in_a_row_ == 0;
  if (healthy && (queue_.size() >= options_.max_batch || flush_target_ > settled_)) return true;
  return now >= last_attempt_ + retry_delay();
}

bool HistoryStore::retention_due(SteadyTime now) const {
  return !stopping_ && (retention_requested_ || now >= next_retention_);
}

SteadyTime HistoryStore::next_wake() const {
  if (queue_.empty()) return next_retention_;
  return std::min(next_retention_, last_attempt_ + retry_delay());
}

HistoryStore::Batch HistoryStore::take_batch() {
  std::size_t size = std::min(queue_.size(), options_.max_batch);
  Batch batch{.first_seq = recorded_ - queue_.size() + 1, .records = {}};
  batch.records.reserve(size);
  auto end = queue_.begin() + static_cast<std::ptrdiff_t>(size);
  std::move(queue_.begin(), end, std::back_inserter(batch.records));
  queue_.erase(queue_.begin(), end);
  retry_now_ = false;
  last_attempt_ = steady_now();
  return batch;
}

void HistoryStore::settle(Batch batch, const sqlite::BatchOutcome& outcome, Duration latency) {
  if (outcome.consumed > 0) settled_ = std::max(settled_, batch.first_seq + outcome.consumed - 1);
  metrics_.rows_written += outcome.written;
  metrics_.dropped += outcome.rejected;
  if (!outcome.error) {
    ++metrics_.batches;
    metrics_.last_batch_latency = latency;
    failures_in_a_row_ = 0;
  } else {
    ++metrics_.write_errors;
    ++failures_in_a_row_;
    last_error_ = outcome.error;
    // Back in front of what was recorded meanwhile, in the original order, for the retry.
    auto unwritten = batch.records.begin() + static_cast<std::ptrdiff_t>(outcome.consumed);
    queue_.insert(queue_.begin(), std::make_move_iterator(unwritten),
                  std::make_move_iterator(batch.records.end()));
    std::size_t cap = stopping_ ? 0 : options_.max_queue;
    if (queue_.size() > cap) drop_front(queue_.size() - cap);
  }
  progress_.notify_all();
}

void HistoryStore::settle_retention(Result<std::size_t> deleted) {
  retention_running_ = false;
  ++retention_runs_;
  next_retention_ = steady_now() + options_.retention_interval;
  if (deleted) {
    metrics_.retention_deleted += *deleted;
  } else {
    ++metrics_.write_errors;
    last_error_ = deleted.error();
  }
  last_retention_ = std::move(deleted);
  progress_.notify_all();
}

// Oldest first: under a long outage the recent past is worth more than the distant one.
void HistoryStore::drop_front(std::size_t count) {
  queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(count));
  metrics_.dropped += count;
}

void HistoryStore::wake_writer() {
  wake_ = true;
  work_ready_.notify_one();
}

}  // namespace vitals
