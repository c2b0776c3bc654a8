// The card service's SQLite file: one row per authorisation, trimmed to the last few thousand so
// the file stays small; and the db-down fault, a second connection that locks the file for real.
//
// The file uses a rollback journal, not WAL: under WAL an exclusive lock would not stop readers,
// and db-down must fail the SQLite checker's reads as well as the service's writes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "vitals/common/error.h"

struct sqlite3;

namespace vitals::examples {

namespace detail {
struct CloseSqlite {
  void operator()(sqlite3* db) const;
};
using SqliteHandle = std::unique_ptr<sqlite3, CloseSqlite>;
}  // namespace detail

struct AuthorisationRow {
  std::string id{};
  std::int64_t amount_pence = 0;
  std::string_view result{};  // "approved", "declined", "error"
  std::int64_t created_ms = 0;
};

// Not thread-safe: owned by the traffic thread once opened.
class AuthorisationStore {
 public:
  // Opens `path`, creating the file and its table when missing. The error carries SQLite's
  // reason (a missing directory, a file that is not a database …).
  static Result<AuthorisationStore> open(const std::string& path);

  // Writes one row, waiting for another connection's lock only briefly (a few ms), so a locked
  // file fails the authorisation instead of stalling the traffic. Unavailable with SQLite's
  // message ("database is locked") when it cannot write.
  Result<void> record(const AuthorisationRow& row);

 private:
  explicit AuthorisationStore(detail::SqliteHandle db) : db_(std::move(db)) {}
  void trim();

  detail::SqliteHandle db_;
  std::int64_t since_trim_ = 0;
};

// The db-down fault. Not thread-safe: driven by the fault switchboard, which serialises changes.
class DatabaseLock {
 public:
  explicit DatabaseLock(std::string path) : path_(std::move(path)) {}
  ~DatabaseLock() { release(); }
  DatabaseLock(const DatabaseLock&) = delete;
  DatabaseLock& operator=(const DatabaseLock&) = delete;

  // Opens a connection and holds BEGIN EXCLUSIVE on it: from then on every other connection's
  // reads and writes fail with "database is locked" once its busy timeout runs out.
  Result<void> take();
  // Rolls back and closes; harmless when not held.
  void release();

 private:
  std::string path_;
  detail::SqliteHandle holder_;
};

}  // namespace vitals::examples
