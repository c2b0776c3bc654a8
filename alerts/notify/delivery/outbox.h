// The durable outbox every notification goes through: enqueue() writes one row per integration
// of the receiver to SQLite before anything is sent, so a crash or a receiver outage never
// loses a notification; the sender (OutboxSender) reports each row's fate back here. Also the
// read side for the API (recent) and /metrics (stats).
//
// Thread-safe. One writer thread owns the SQLite connection: enqueue() waits for its commit;
// the sender's mark_*() calls update the in-memory view at once and queue their write, so the
// network thread never waits for the disk. A mark lost to a crash means the row is sent again
// after the restart with the same dedup key, which a receiver can drop.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "agent/config/alerting_config.h"
#include "alerts/notify/delivery/outbox_row.h"
#include "alerts/notify/delivery/receivers/payload_common.h"
#include "alerts/notify/notification.h"
#include "vitals/common/clock.h"
#include "vitals/common/error.h"

namespace vitals::notify {

struct OutboxOptions {
  PayloadOptions payload{};
  // Delivered and failed rows stay this long for the notification log, then prune() drops them.
  Duration retention{std::chrono::hours(24 * 7)};
};

struct ReceiverCounts {
  std::uint64_t sent{0};     // rows delivered (2xx)
  std::uint64_t failed{0};   // rows given up: permanent errors and expired rows
  std::uint64_t retries{0};  // failed attempts that will be tried again
};

// Plain numbers for /metrics.
struct OutboxStats {
  std::map<std::string, ReceiverCounts> receivers{};  // by receiver name
  std::size_t depth{0};                               // rows pending
  Duration oldest_pending_age{0};                     // 0 when none is pending
  // Enqueue to 2xx, over every row delivered since the start (a summary's _count and _sum).
  std::uint64_t latency_count{0};
  double latency_sum_seconds{0};
  std::uint64_t write_errors{0};  // queued writes SQLite refused (each logged)
};

class Outbox {
 public:
  // Opens (creating when missing; its directory must exist) the outbox file at `path` and loads
  // the rows still pending. `clock` stamps rows with wall time; it must outlive the outbox.
  static Result<std::unique_ptr<Outbox>> open(const std::string& path, const Clock& clock,
                                              OutboxOptions options = {});
  // Finishes the queued writes, then closes the file.
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // Writes the notification's rows (one per integration; see outbox_messages()) in one
  // transaction; when it returns they are on disk. Returns the rows written: none when the
  // receiver has no integration that wants it, or when these rows were already enqueued. When
  // the disk fails (Unavailable: full, read-only) the rows are kept in memory only, sent all the
  // same, counted in write_errors and logged; they are lost if the process stops first. On
  // another error nothing was written and the caller still holds the notification.
  Result<std::vector<OutboxRow>> enqueue(const Notification& notification,
                                         const ReceiverConfig& receiver);

  // Called with every batch of rows enqueue() writes, on enqueue's thread, after the commit.
  // Set it before other threads enqueue (the sender does, in start()).
  void set_listener(std::function<void(const std::vector<OutboxRow>&)> listener);
  // Every row neither delivered nor given up, oldest first.
  std::vector<OutboxRow> pending() const;
  bool is_pending(std::int64_t id) const;

  // The sender's results: the in-memory view changes now; the write is queued.
  void mark_delivered(std::int64_t id, int attempts);
  void mark_retry(std::int64_t id, int attempts, WallTime next_attempt, std::string error);
  void mark_failed(std::int64_t id, int attempts, std::string reason);

  // The newest rows of the notification log (no bodies, no secrets), from a reader connection:
  // a mark made in the last few milliseconds may not show yet.
  Result<std::vector<OutboxEntry>> recent(std::size_t limit) const;
  OutboxStats stats() const;
  // Deletes finished rows older than the retention; returns how many. enqueue() also does it,
  // at most once an hour, without waiting for it.
  Result<std::int64_t> prune();
  // Waits until every queued write is done.
  void flush();

 private:
  struct Impl;
  explicit Outbox(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vitals::notify
