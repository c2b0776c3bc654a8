#include "examples/card-service/card_database.h"

#include <sqlite3.h>

namespace vitals::examples {
namespace detail {

void CloseSqlite::operator()(sqlite3* db) const {
  sqlite3_close_v2(db);
}

}  // namespace detail

namespace {

// Rows kept, and how many inserts go by between two trims.
constexpr std::int64_t kKeepRows = 5000;
constexpr std::int64_t kTrimEvery = 500;
// How long a write waits for another connection's lock. The traffic thread writes 20-50 times a
// second: a longer wait under db-down would make it fall behind its arrival times.
constexpr int kWriteBusyMs = 10;
// Opening and locking may wait out the writer's short transactions.
constexpr int kSetupBusyMs = 2000;

constexpr const char* kSchema = R"(
  PRAGMA journal_mode = DELETE;
  PRAGMA synchronous = OFF;
  CREATE TABLE IF NOT EXISTS authorisations (
    id INTEGER PRIMARY KEY,
    txn_id TEXT NOT NULL,
    amount_pence INTEGER NOT NULL,
    result TEXT NOT NULL,
    created_ms INTEGER NOT NULL
  );
)";

Error sqlite_failure(sqlite3* db, std::string_view what) {
  return Error{ErrorCode::Unavailable, std::string(what) + ": " + sqlite3_errmsg(db), {}};
}

Result<detail::SqliteHandle> open_connection(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  detail::SqliteHandle db(raw);  // closes even a handle whose open failed
  if (rc != SQLITE_OK) return tl::unexpected(sqlite_failure(raw, "open " + path));
  sqlite3_busy_timeout(raw, kSetupBusyMs);
  return db;
}

Result<void> exec(sqlite3* db, const char* sql, std::string_view what) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
    return tl::unexpected(sqlite_failure(db, what));
  }
  return {};
}

}  // namespace

Result<AuthorisationStore> AuthorisationStore::open(const std::string& path) {
  auto db = open_connection(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!db) return tl::unexpected(db.error());
  if (auto schema = exec(db->get(), kSchema, "create schema in " + path); !schema) {
    return tl::unexpected(schema.error());
  }
  sqlite3_busy_timeout(db->get(), kWriteBusyMs);
  return AuthorisationStore(std::move(*db));
}

Result<void> AuthorisationStore::record(const AuthorisationRow& row) {
  // Prepared per call: simpler than keeping a statement across failed steps, and cheap next to
  // the write itself.
  constexpr const char* kInsert =
      "INSERT INTO authorisations (txn_id, amount_pence, result, created_ms) VALUES (?, ?, ?, ?)";
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_.get(), kInsert, -1, &raw, nullptr) != SQLITE_OK) {
    return tl::unexpected(sqlite_failure(db_.get(), "insert authorisation"));
  }
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> insert(raw, &sqlite3_finalize);
  sqlite3_bind_text(raw, 1, row.id.data(), static_cast<int>(row.id.size()), SQLITE_TRANSIENT);
  sqlite3_bind_int64(raw, 2, row.amount_pence);
  sqlite3_bind_text(raw, 3, row.result.data(), static_cast<int>(row.result.size()),
                    SQLITE_TRANSIENT);
  sqlite3_bind_int64(raw, 4, row.created_ms);
  if (sqlite3_step(raw) != SQLITE_DONE) {
    return tl::unexpected(sqlite_failure(db_.get(), "insert authorisation"));
  }
  if (++since_trim_ >= kTrimEvery) trim();
  return {};
}

void AuthorisationStore::trim() {
  since_trim_ = 0;
  std::string sql = "DELETE FROM authorisations WHERE id <= " +
                    std::to_string(sqlite3_last_insert_rowid(db_.get()) - kKeepRows);
  // A failed trim (the file locked) is retried after the next kTrimEvery inserts.
  (void)exec(db_.get(), sql.c_str(), "trim authorisations");
}

Result<void> DatabaseLock::take() {
  if (holder_) return {};
  auto db = open_connection(path_, SQLITE_OPEN_READWRITE);
  if (!db) return tl::unexpected(db.error());
  if (auto locked = exec(db->get(), "BEGIN EXCLUSIVE", "lock " + path_); !locked) {
    return tl::unexpected(locked.error());
  }
  holder_ = std::move(*db);
  return {};
}

void DatabaseLock::release() {
  if (!holder_) return;
  (void)exec(holder_.get(), "ROLLBACK", "unlock " + path_);
  holder_.reset();
}

}  // namespace vitals::examples
