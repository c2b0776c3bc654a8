// The outbox's SQLite file: its schema and every statement run on it. Not thread-safe: one
// connection belongs to one thread (the Outbox's writer thread, or a reader under a lock).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "alerts/notify/delivery/outbox_row.h"
#include "vitals/common/error.h"
#include "vitals/common/sqlite/db.h"

namespace vitals::notify::detail {

class OutboxDb {
 public:
  // Creates the file when missing (its directory must exist) and migrates its schema.
  static Result<std::unique_ptr<OutboxDb>> open_writer(const std::string& path);
  // A second, read-only connection to a file open_writer() has made.
  static Result<std::unique_ptr<OutboxDb>> open_reader(const std::string& path);

  // Inserts the messages in one transaction. A message whose dedup key is already stored is
  // skipped (the same notification enqueued twice). Returns the rows written.
  Result<std::vector<OutboxRow>> insert(const std::vector<OutboxMessage>& messages);
  Result<void> mark_delivered(std::int64_t id, int attempts, std::int64_t at_ms);
  Result<void> mark_retry(std::int64_t id, int attempts, std::int64_t next_attempt_ms,
                          const std::string& error);
  Result<void> mark_failed(std::int64_t id, int attempts, std::int64_t at_ms,
                           const std::string& reason);
  // Every row neither delivered nor given up, in id order.
  Result<std::vector<OutboxRow>> pending();
  // The newest rows first.
  Result<std::vector<OutboxEntry>> recent(std::size_t limit);
  // Deletes delivered and failed rows finished before `before_ms`; returns how many.
  Result<std::int64_t> prune(std::int64_t before_ms);

 private:
  explicit OutboxDb(sqlite::Db db) : db_(std::move(db)) {}
  Result<void> update(std::string_view sql, std::int64_t id, int attempts, std::int64_t at_ms,
                      const std::string& error);

  sqlite::Db db_;
};

}  // namespace vitals::notify::detail
