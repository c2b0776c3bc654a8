// A thin SQLite layer for every component that keeps state on disk (history, alert state, the
// notification outbox): one house configuration (WAL, synchronous=NORMAL, busy timeout, foreign
// keys), prepared statements only, transactions, and versioned schema migrations.
// Not thread-safe: a Db and the Statements prepared on it belong to one thread at a time. Each
// thread that touches a database opens its own connection; WAL lets readers run beside the one
// writer.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "vitals/common/clock.h"
#include "vitals/common/error.h"
#include "vitals/common/sqlite/statement.h"

struct sqlite3;

namespace vitals::sqlite {

struct OpenOptions {
  // Opens for reading only: no journal-mode change, every write fails with READONLY.
  bool read_only = false;
  // Creates the file when it is missing, never its directory.
  bool create = true;
  // How long a statement waits for another connection's lock before failing with BUSY.
  Duration busy_timeout{std::chrono::seconds(5)};
};

class Db {
 public:
  // Opens `path` (":memory:" for a private in-memory database) and applies the house settings.
  // NotFound names the path and its directory when the directory is missing; other failures
  // carry SQLite's message and code. A write-protected file opened without read_only still
  // opens, for reading only, as SQLite does: see is_read_only().
  static Result<Db> open(const std::string& path, OpenOptions options = {});

  Db(Db&&) noexcept = default;
  Db& operator=(Db&&) noexcept = default;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db() = default;

  // Runs one or more statements without values: schema, pragmas, BEGIN/COMMIT.
  Result<void> exec(std::string_view sql);
  // Compiles exactly one statement; values go in through its binds.
  Result<Statement> prepare(std::string_view sql);

  std::int64_t last_insert_rowid() const;
  std::int64_t changes() const;  // rows changed by the last INSERT, UPDATE or DELETE
  bool in_transaction() const;
  bool is_read_only() const;
  const std::string& path() const { return path_; }
  sqlite3* handle() const { return db_.get(); }  // for what this wrapper does not cover

 private:
  struct Close {
    void operator()(sqlite3* db) const;
  };
  Db(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Result<void> configure(const OpenOptions& options);

  std::unique_ptr<sqlite3, Close> db_{};
  std::string path_{};
};

// BEGIN IMMEDIATE for its scope: takes the write lock at once (so a later write cannot fail
// half-way with BUSY), and rolls back on destruction unless commit() succeeded.
class Transaction {
 public:
  static Result<Transaction> begin(Db& db);

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  // On failure the transaction is rolled back when this object goes away.
  Result<void> commit();

 private:
  explicit Transaction(Db& db) : db_(&db) {}

  Db* db_ = nullptr;  // null once committed or moved from
};

// One step of a schema. Versions count 1, 2, 3 … without gaps; a shipped migration never
// changes, a new one is appended.
struct Migration {
  int version = 0;
  std::string_view sql{};
};

// Brings the schema up to the last of `migrations`, recording the version in PRAGMA
// user_version. Each pending migration runs in its own transaction together with the version
// bump, so a crash leaves the database at the old version or the new one. Unavailable, without
// touching anything, when the database is newer than the last migration (made by a newer
// build); InvalidArgument when the versions are not 1..N.
Result<void> migrate(Db& db, std::span<const Migration> migrations);

// PRAGMA user_version: 0 for a database no migration has touched.
Result<int> schema_version(Db& db);

}  // namespace vitals::sqlite
