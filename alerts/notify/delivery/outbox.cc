#include "alerts/notify/delivery/outbox.h"

#include <future>

#include "alerts/notify/delivery/outbox_db.h"
#include "alerts/notify/delivery/outbox_messages.h"
#include "alerts/notify/delivery/writer_thread.h"
#include "vitals/common/duration.h"
#include "vitals/common/log.h"
#include "vitals/common/mutex.h"

namespace vitals::notify {
namespace {

std::int64_t unix_ms(WallTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// Finished rows are pruned at most this often, from enqueue(), so nobody has to schedule it.
constexpr std::int64_t kPruneEveryMs = 3600 * 1000;

// Rows the disk refused are numbered from here: above any SQLite rowid, so they keep their
// enqueue order among themselves and in the sender's lanes, and no mark touches a stored row.
constexpr std::int64_t kFirstMemoryId = std::int64_t{1} << 62;

bool in_memory_only(std::int64_t id) {
  return id >= kFirstMemoryId;
}

}  // namespace

struct Outbox::Impl {
  Impl(const Clock& c, OutboxOptions o) : clock(c), options(std::move(o)) {}

  // Runs `fn(writer)` on the writer thread and waits for its result.
  template <class Fn>
  auto on_writer(Fn fn) -> decltype(fn(std::declval<detail::OutboxDb&>())) {
    using R = decltype(fn(std::declval<detail::OutboxDb&>()));
    auto promise = std::make_shared<std::promise<R>>();
    auto future = promise->get_future();
    if (!thread.submit([this, promise, fn = std::move(fn)] { promise->set_value(fn(*writer)); })) {
      return make_error(ErrorCode::Unavailable, "outbox is closing");
    }
    return future.get();
  }

  // Queues a write whose result nobody waits for; a failure is logged and counted.
  void queue_write(std::string what, std::function<Result<void>(detail::OutboxDb&)> write) {
    thread.submit([this, what = std::move(what), write = std::move(write)] {
      if (auto done = write(*writer); !done) {
        log::warn("outbox write failed", {{"what", what}, {"err", to_string(done.error())}});
        MutexLock lock(mu);
        ++write_errors;
      }
    });
  }

  std::int64_t now_ms() const { return unix_ms(clock.wall_now()); }

  // When SQLite refuses the rows for want of a disk (full, read-only, gone), they are sent from
  // memory rather than held back until the disk recovers: a page during a storage outage matters
  // more than its durability. They are lost if the agent stops before delivering them.
  std::vector<OutboxRow> keep_in_memory(const std::vector<OutboxMessage>& messages,
                                        const Error& error) {
    log::warn("outbox write failed; sending from memory, not kept across a restart",
              {{"rows", std::to_string(messages.size())}, {"err", to_string(error)}});
    MutexLock lock(mu);
    ++write_errors;
    std::vector<OutboxRow> rows;
    for (const OutboxMessage& message : messages) {
      rows.push_back(OutboxRow{.id = next_memory_id++, .message = message});
    }
    return rows;
  }

  const Clock& clock;
  const OutboxOptions options;
  std::unique_ptr<detail::OutboxDb> writer{};  // used on `thread` only

  mutable Mutex reader_mu;
  std::unique_ptr<detail::OutboxDb> reader GUARDED_BY(reader_mu);

  mutable Mutex mu;
  std::map<std::int64_t, OutboxRow> pending GUARDED_BY(mu);
  std::map<std::string, ReceiverCounts> counts GUARDED_BY(mu);
  std::uint64_t latency_count GUARDED_BY(mu) = 0;
  double latency_sum_seconds GUARDED_BY(mu) = 0;
  std::uint64_t write_errors GUARDED_BY(mu) = 0;
  std::int64_t last_prune_ms GUARDED_BY(mu) = 0;
  std::int64_t next_memory_id GUARDED_BY(mu) = kFirstMemoryId;
  std::function<void(const std::vector<OutboxRow>&)> listener GUARDED_BY(mu);

  // Last, so it is joined, after finishing the queued writes, before the connections above
  // close.
  detail::WriterThread thread;
};

Outbox::Outbox(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Outbox::~Outbox() = default;

Result<std::unique_ptr<Outbox>> Outbox::open(const std::string& path, const Clock& clock,
                                             OutboxOptions options) {
  auto impl = std::make_unique<Impl>(clock, std::move(options));
  auto writer = detail::OutboxDb::open_writer(path);
  if (!writer) return tl::unexpected(writer.error());
  auto reader = detail::OutboxDb::open_reader(path);
  if (!reader) return tl::unexpected(reader.error());
  auto rows = (*writer)->pending();
  if (!rows) return tl::unexpected(rows.error());
  impl->writer = std::move(*writer);
  {
    MutexLock lock(impl->reader_mu);
    impl->reader = std::move(*reader);
  }
  MutexLock lock(impl->mu);
  for (OutboxRow& row : *rows) impl->pending.emplace(row.id, std::move(row));
  lock.unlock();
  return std::unique_ptr<Outbox>(new Outbox(std::move(impl)));
}

Result<std::vector<OutboxRow>> Outbox::enqueue(const Notification& notification,
                                               const ReceiverConfig& receiver) {
  std::vector<OutboxMessage> messages =
      outbox_messages(notification, receiver, impl_->options.payload);
  if (messages.empty()) return std::vector<OutboxRow>{};
  auto rows = impl_->on_writer([&messages](detail::OutboxDb& db) { return db.insert(messages); });
  // Unavailable: the disk failed (a constraint or a bug is InvalidArgument or Internal).
  if (!rows && rows.error().code == ErrorCode::Unavailable) {
    rows = impl_->keep_in_memory(messages, rows.error());
  }
  if (!rows) return rows;
  const std::int64_t now = impl_->now_ms();
  MutexLock lock(impl_->mu);
  for (const OutboxRow& row : *rows) impl_->pending.emplace(row.id, row);
  auto listener = impl_->listener;
  const bool prune_due = now - impl_->last_prune_ms >= kPruneEveryMs;
  if (prune_due) impl_->last_prune_ms = now;
  lock.unlock();
  if (prune_due) {
    const std::int64_t before = now - to_ms(impl_->options.retention);
    impl_->queue_write("prune", [before](detail::OutboxDb& db) -> Result<void> {
      auto pruned = db.prune(before);
      if (!pruned) return tl::unexpected(pruned.error());
      return {};
    });
  }
  if (listener && !rows->empty()) listener(*rows);
  return rows;
}

void Outbox::set_listener(std::function<void(const std::vector<OutboxRow>&)> listener) {
  MutexLock lock(impl_->mu);
  impl_->listener = std::move(listener);
}

std::vector<OutboxRow> Outbox::pending() const {
  MutexLock lock(impl_->mu);
  std::vector<OutboxRow> rows;
  rows.reserve(impl_->pending.size());
  for (const auto& [id, row] : impl_->pending) rows.push_back(row);
  return rows;
}

bool Outbox::is_pending(std::int64_t id) const {
  MutexLock lock(impl_->mu);
  return impl_->pending.contains(id);
}

void Outbox::mark_delivered(std::int64_t id, int attempts) {
  const std::int64_t now = impl_->now_ms();
  {
    MutexLock lock(impl_->mu);
    auto it = impl_->pending.find(id);
    if (it == impl_->pending.end()) return;
    ++impl_->counts[it->second.message.receiver].sent;
    ++impl_->latency_count;
    impl_->latency_sum_seconds +=
        static_cast<double>(std::max<std::int64_t>(0, now - it->second.message.created_ms)) / 1e3;
    impl_->pending.erase(it);
  }
  if (in_memory_only(id)) return;
  impl_->queue_write("mark delivered",
                     [=](detail::OutboxDb& db) { return db.mark_delivered(id, attempts, now); });
}

void Outbox::mark_retry(std::int64_t id, int attempts, WallTime next_attempt, std::string error) {
  {
    MutexLock lock(impl_->mu);
    auto it = impl_->pending.find(id);
    if (it == impl_->pending.end()) return;
    ++impl_->counts[it->second.message.receiver].retries;
    it->second.attempts = attempts;
    it->second.last_error = error;
  }
  if (in_memory_only(id)) return;
  impl_->queue_write(
      "mark retry", [=, next = unix_ms(next_attempt), error = std::move(error)](
                        detail::OutboxDb& db) { return db.mark_retry(id, attempts, next, error); });
}

void Outbox::mark_failed(std::int64_t id, int attempts, std::string reason) {
  const std::int64_t now = impl_->now_ms();
  {
    MutexLock lock(impl_->mu);
    auto it = impl_->pending.find(id);
    if (it == impl_->pending.end()) return;
    ++impl_->counts[it->second.message.receiver].failed;
    impl_->pending.erase(it);
  }
  if (in_memory_only(id)) return;
  impl_->queue_write("mark failed", [=, reason = std::move(reason)](detail::OutboxDb& db) {
    return db.mark_failed(id, attempts, now, reason);
  });
}

Result<std::vector<OutboxEntry>> Outbox::recent(std::size_t limit) const {
  MutexLock lock(impl_->reader_mu);
  return impl_->reader->recent(limit);
}

OutboxStats Outbox::stats() const {
  const std::int64_t now = impl_->now_ms();
  MutexLock lock(impl_->mu);
  OutboxStats out{.receivers = impl_->counts,
                  .depth = impl_->pending.size(),
                  .latency_count = impl_->latency_count,
                  .latency_sum_seconds = impl_->latency_sum_seconds,
                  .write_errors = impl_->write_errors};
  if (!impl_->pending.empty()) {
    std::int64_t oldest = now;
    for (const auto& [id, row] : impl_->pending) oldest = std::min(oldest, row.message.created_ms);
    out.oldest_pending_age = std::chrono::milliseconds(now - oldest);
  }
  return out;
}

Result<std::int64_t> Outbox::prune() {
  const std::int64_t before = impl_->now_ms() - to_ms(impl_->options.retention);
  return impl_->on_writer([before](detail::OutboxDb& db) { return db.prune(before); });
}

void Outbox::flush() {
  (void)impl_->on_writer([](detail::OutboxDb&) -> Result<void> { return {}; });
}

}  // namespace vitals::notify
