#include "alerts/notify/delivery/outbox_db.h"

#include <array>

namespace vitals::notify {

const char* to_string(DeliveryState state) {
  switch (state) {
    case DeliveryState::Pending:
      return "pending";
    case DeliveryState::Delivered:
      return "delivered";
    case DeliveryState::Failed:
      return "failed";
  }
  return "pending";
}

namespace detail {
namespace {

// AUTOINCREMENT: ids must never be reused, since they order each group's notifications and the
// sender tells rows apart by id. `state` is 'pending', 'delivered' or 'failed'.
constexpr std::array kMigrations = {
    sqlite::Migration{1, R"sql(
      CREATE TABLE notification (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        receiver TEXT NOT NULL,
        integration TEXT NOT NULL,
        group_key TEXT NOT NULL,
        url TEXT NOT NULL,
        body TEXT NOT NULL,
        secret_file TEXT NOT NULL,
        dedup_key TEXT NOT NULL UNIQUE,
        created_ms INTEGER NOT NULL,
        alerts_firing INTEGER NOT NULL,
        alerts_resolved INTEGER NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_ms INTEGER NOT NULL DEFAULT 0,
        done_ms INTEGER NOT NULL DEFAULT 0,
        last_error TEXT NOT NULL DEFAULT ''
      );
      CREATE INDEX notification_pending ON notification (id) WHERE state = 'pending';
      CREATE INDEX notification_done ON notification (done_ms) WHERE state != 'pending';
    )sql"},
};

constexpr std::string_view kMessageColumns =
    "receiver, integration, group_key, url, body, secret_file, dedup_key, created_ms, "
    "alerts_firing, alerts_resolved";

OutboxMessage message_at(const sqlite::Statement& s, int first) {
  return OutboxMessage{.receiver = s.column_text(first),
                       .integration = s.column_text(first + 1),
                       .group_key = s.column_text(first + 2),
                       .url = s.column_text(first + 3),
                       .body = s.column_text(first + 4),
                       .secret_file = s.column_text(first + 5),
                       .dedup_key = s.column_text(first + 6),
                       .created_ms = s.column_int64(first + 7),
                       .alerts_firing = static_cast<int>(s.column_int64(first + 8)),
                       .alerts_resolved = static_cast<int>(s.column_int64(first + 9))};
}

DeliveryState state_of(const std::string& text) {
  if (text == "delivered") return DeliveryState::Delivered;
  if (text == "failed") return DeliveryState::Failed;
  return DeliveryState::Pending;
}

}  // namespace

Result<std::unique_ptr<OutboxDb>> OutboxDb::open_writer(const std::string& path) {
  auto db = sqlite::Db::open(path);
  if (!db) return tl::unexpected(db.error());
  if (auto migrated = sqlite::migrate(*db, kMigrations); !migrated) {
    return tl::unexpected(migrated.error());
  }
  return std::unique_ptr<OutboxDb>(new OutboxDb(std::move(*db)));
}

Result<std::unique_ptr<OutboxDb>> OutboxDb::open_reader(const std::string& path) {
  auto db = sqlite::Db::open(path, sqlite::OpenOptions{.read_only = true, .create = false});
  if (!db) return tl::unexpected(db.error());
  return std::unique_ptr<OutboxDb>(new OutboxDb(std::move(*db)));
}

Result<std::vector<OutboxRow>> OutboxDb::insert(const std::vector<OutboxMessage>& messages) {
  auto insert = db_.prepare("INSERT OR IGNORE INTO notification (" + std::string(kMessageColumns) +
                            ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  if (!insert) return tl::unexpected(insert.error());
  auto transaction = sqlite::Transaction::begin(db_);
  if (!transaction) return tl::unexpected(transaction.error());
  std::vector<OutboxRow> rows;
  for (const OutboxMessage& m : messages) {
    auto bound =
        insert->bind_all(m.receiver, m.integration, m.group_key, m.url, m.body, m.secret_file,
                         m.dedup_key, m.created_ms, m.alerts_firing, m.alerts_resolved);
    if (!bound) return tl::unexpected(bound.error());
    if (auto ran = insert->run(); !ran) return tl::unexpected(ran.error());
    if (db_.changes() == 0) continue;  // already stored under this dedup key
    rows.push_back(OutboxRow{.id = db_.last_insert_rowid(), .message = m});
  }
  if (auto committed = transaction->commit(); !committed) {
    return tl::unexpected(committed.error());
  }
  return rows;
}

Result<void> OutboxDb::update(std::string_view sql, std::int64_t id, int attempts,
                              std::int64_t at_ms, const std::string& error) {
  auto statement = db_.prepare(sql);
  if (!statement) return tl::unexpected(statement.error());
  if (auto bound = statement->bind_all(id, attempts, at_ms, error); !bound) return bound;
  return statement->run();
}

Result<void> OutboxDb::mark_delivered(std::int64_t id, int attempts, std::int64_t at_ms) {
  return update(
      "UPDATE notification SET state = 'delivered', attempts = ?2, done_ms = ?3, "
      "next_attempt_ms = 0, last_error = ?4 WHERE id = ?1",
      id, attempts, at_ms, "");
}

Result<void> OutboxDb::mark_retry(std::int64_t id, int attempts, std::int64_t next_attempt_ms,
                                  const std::string& error) {
  return update(
      "UPDATE notification SET attempts = ?2, next_attempt_ms = ?3, last_error = ?4 "
      "WHERE id = ?1 AND state = 'pending'",
      id, attempts, next_attempt_ms, error);
}

Result<void> OutboxDb::mark_failed(std::int64_t id, int attempts, std::int64_t at_ms,
                                   const std::string& reason) {
  return update(
      "UPDATE notification SET state = 'failed', attempts = ?2, done_ms = ?3, "
      "next_attempt_ms = 0, last_error = ?4 WHERE id = ?1",
      id, attempts, at_ms, reason);
}

Result<std::vector<OutboxRow>> OutboxDb::pending() {
  auto select = db_.prepare("SELECT id, attempts, last_error, " + std::string(kMessageColumns) +
                            " FROM notification WHERE state = 'pending' ORDER BY id");
  if (!select) return tl::unexpected(select.error());
  std::vector<OutboxRow> rows;
  for (;;) {
    auto step = select->step();
    if (!step) return tl::unexpected(step.error());
    if (*step == sqlite::Step::Done) break;
    rows.push_back(OutboxRow{.id = select->column_int64(0),
                             .message = message_at(*select, 3),
                             .attempts = static_cast<int>(select->column_int64(1)),
                             .last_error = select->column_text(2)});
  }
  return rows;
}

Result<std::vector<OutboxEntry>> OutboxDb::recent(std::size_t limit) {
  auto select = db_.prepare(
      "SELECT id, receiver, integration, group_key, url, dedup_key, state, created_ms, attempts, "
      "next_attempt_ms, done_ms, last_error, alerts_firing, alerts_resolved "
      "FROM notification ORDER BY id DESC LIMIT ?1");
  if (!select) return tl::unexpected(select.error());
  if (auto bound = select->bind_int64(1, static_cast<std::int64_t>(limit)); !bound) {
    return tl::unexpected(bound.error());
  }
  std::vector<OutboxEntry> entries;
  for (;;) {
    auto step = select->step();
    if (!step) return tl::unexpected(step.error());
    if (*step == sqlite::Step::Done) break;
    const sqlite::Statement& s = *select;
    entries.push_back(OutboxEntry{.id = s.column_int64(0),
                                  .receiver = s.column_text(1),
                                  .integration = s.column_text(2),
                                  .group_key = s.column_text(3),
                                  .url = s.column_text(4),
                                  .dedup_key = s.column_text(5),
                                  .state = state_of(s.column_text(6)),
                                  .created_ms = s.column_int64(7),
                                  .attempts = static_cast<int>(s.column_int64(8)),
                                  .next_attempt_ms = s.column_int64(9),
                                  .done_ms = s.column_int64(10),
                                  .last_error = s.column_text(11),
                                  .alerts_firing = static_cast<int>(s.column_int64(12)),
                                  .alerts_resolved = static_cast<int>(s.column_int64(13))});
  }
  return entries;
}

Result<std::int64_t> OutboxDb::prune(std::int64_t before_ms) {
  auto statement =
      db_.prepare("DELETE FROM notification WHERE state != 'pending' AND done_ms < ?1");
  if (!statement) return tl::unexpected(statement.error());
  if (auto bound = statement->bind_int64(1, before_ms); !bound)
    return tl::unexpected(bound.error());
  if (auto ran = statement->run(); !ran) return tl::unexpected(ran.error());
  return db_.changes();
}

}  // namespace detail
}  // namespace vitals::notify
