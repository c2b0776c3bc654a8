#include "vitals/common/sqlite/db.h"

#include <sqlite3.h>

#include <algorithm>
#include <climits>
#include <filesystem>
#include <utility>

namespace vitals::sqlite {
namespace {

// SQL in error messages, cut short: enough to tell which statement failed.
std::string quote_sql(std::string_view sql) {
  constexpr std::size_t kMax = 120;
  std::string text(sql.substr(0, kMax));
  std::replace(text.begin(), text.end(), '\n', ' ');
  return "\"" + text + (sql.size() > kMax ? "…\"" : "\"");
}

bool is_in_memory(const std::string& path) {
  return path.empty() || path == ":memory:";
}

// SQLite only says "unable to open database file" for a missing directory; say which one.
Result<void> check_directory(const std::string& path) {
  if (is_in_memory(path)) return {};
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (dir.empty() || std::filesystem::is_directory(dir, ec)) return {};
  return make_error(ErrorCode::NotFound,
                    "open database " + path + ": directory " + dir.string() + " does not exist");
}

int open_flags(const OpenOptions& options) {
  // NOMUTEX: a connection is used by one thread at a time, so SQLite's own locks are waste.
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  if (options.read_only) return flags | SQLITE_OPEN_READONLY;
  return flags | SQLITE_OPEN_READWRITE | (options.create ? SQLITE_OPEN_CREATE : 0);
}

int busy_timeout_ms(Duration timeout) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count();
  return static_cast<int>(std::clamp<std::int64_t>(ms, 0, INT_MAX));
}

// Runs a statement that yields one text or integer value, such as a pragma.
Result<std::string> first_text(Db& db, std::string_view sql) {
  auto statement = db.prepare(sql);
  if (!statement) return tl::unexpected(statement.error());
  auto step = statement->step();
  if (!step) return tl::unexpected(step.error());
  std::string value = *step == Step::Row ? statement->column_text(0) : std::string();
  statement->reset();
  return value;
}

}  // namespace

void Db::Close::operator()(sqlite3* db) const {
  // close_v2 waits for statements still alive, so destruction order cannot leak the handle.
  sqlite3_close_v2(db);
}

Result<Db> Db::open(const std::string& path, OpenOptions options) {
  if (auto dir = check_directory(path); !dir) return tl::unexpected(dir.error());
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, open_flags(options), nullptr);
  Db db(raw, path);  // closes the handle on every path below, even a failed open's
  if (rc != SQLITE_OK) {
    return tl::unexpected(detail::sqlite_error(raw, rc, "open database " + path));
  }
  if (auto configured = db.configure(options); !configured) {
    return tl::unexpected(configured.error());
  }
  return db;
}

Result<void> Db::configure(const OpenOptions& options) {
  sqlite3_busy_timeout(db_.get(), busy_timeout_ms(options.busy_timeout));
  if (auto fk = exec("PRAGMA foreign_keys = ON"); !fk) return fk;
  // Reads the header, so a file that is not a database fails here rather than at first use.
  if (auto header = first_text(*this, "PRAGMA schema_version"); !header) {
    return tl::unexpected(header.error());
  }
  if (options.read_only) return {};  // readers follow the file's journal mode
  auto mode = first_text(*this, "PRAGMA journal_mode = WAL");
  if (!mode) return tl::unexpected(mode.error());
  if (*mode != "wal" && !is_in_memory(path_)) {
    return make_error(
        ErrorCode::Unavailable,
        "open database " + path_ + ": cannot switch to WAL (journal mode " + *mode + ")");
  }
  // In WAL mode NORMAL loses nothing to a process crash, only to a power cut.
  return exec("PRAGMA synchronous = NORMAL");
}

Result<void> Db::exec(std::string_view sql) {
  std::string text(sql);  // sqlite3_exec wants a terminated string
  char* message = nullptr;
  int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return {};
  std::string detail = message != nullptr ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return make_error(detail::error_code_for(rc), "exec " + quote_sql(sql) + " on " + path_ + ": " +
                                                    detail + " (SQLite code " + std::to_string(rc) +
                                                    ")");
}

Result<Statement> Db::prepare(std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &raw, &tail);
  if (rc != SQLITE_OK) {
    return tl::unexpected(detail::sqlite_error(db_.get(), rc, "prepare " + quote_sql(sql)));
  }
  Statement statement(raw);
  std::string_view rest = sql.substr(static_cast<std::size_t>(tail - sql.data()));
  if (raw == nullptr || rest.find_first_not_of(" \t\r\n;") != std::string_view::npos) {
    return make_error(ErrorCode::InvalidArgument,
                      "prepare " + quote_sql(sql) + ": expected exactly one statement");
  }
  return statement;
}

std::int64_t Db::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(db_.get());
}

std::int64_t Db::changes() const {
  return sqlite3_changes64(db_.get());
}

bool Db::in_transaction() const {
  return sqlite3_get_autocommit(db_.get()) == 0;
}

bool Db::is_read_only() const {
  return sqlite3_db_readonly(db_.get(), "main") == 1;
}

Result<Transaction> Transaction::begin(Db& db) {
  if (auto begun = db.exec("BEGIN IMMEDIATE"); !begun) return tl::unexpected(begun.error());
  return Transaction(db);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Transaction::~Transaction() {
  // A failed COMMIT (disk full, I/O error) may already have rolled back on its own.
  if (db_ != nullptr && db_->in_transaction()) (void)db_->exec("ROLLBACK");
}

Result<void> Transaction::commit() {
  if (db_ == nullptr) return make_error(ErrorCode::Internal, "commit: no open transaction");
  auto committed = db_->exec("COMMIT");
  if (committed) db_ = nullptr;
  return committed;
}

Result<int> schema_version(Db& db) {
  auto text = first_text(db, "PRAGMA user_version");
  if (!text) return tl::unexpected(text.error());
  return std::stoi(*text);
}

namespace {

Result<void> check_versions(std::span<const Migration> migrations) {
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version != static_cast<int>(i) + 1) {
      return make_error(ErrorCode::InvalidArgument,
                        "migrations must be numbered 1, 2, 3 …: found version " +
                            std::to_string(migrations[i].version) + " at position " +
                            std::to_string(i + 1));
    }
  }
  return {};
}

Error too_new(const Db& db, int found, std::size_t known) {
  return Error{ErrorCode::Unavailable,
               "database " + db.path() + " has schema version " + std::to_string(found) +
                   ", newer than version " + std::to_string(known) +
                   ", the newest this build knows; refusing to use it (written by a newer "
                   "vitals?)",
               std::nullopt};
}

// Runs one migration and its version bump in one transaction. The version is read again inside
// the transaction: another process may have migrated between our first look and our lock.
Result<void> apply(Db& db, const Migration& migration) {
  auto transaction = Transaction::begin(db);
  if (!transaction) return tl::unexpected(transaction.error());
  auto current = schema_version(db);
  if (!current) return tl::unexpected(current.error());
  if (*current >= migration.version) return {};
  if (auto applied = db.exec(migration.sql); !applied) return applied;
  // PRAGMA takes no parameters; the version is a constant of ours, never outside input.
  if (auto bumped = db.exec("PRAGMA user_version = " + std::to_string(migration.version));
      !bumped) {
    return bumped;
  }
  return transaction->commit();
}

}  // namespace

Result<void> migrate(Db& db, std::span<const Migration> migrations) {
  if (auto valid = check_versions(migrations); !valid) return valid;
  auto current = schema_version(db);
  if (!current) return tl::unexpected(current.error());
  if (*current > static_cast<int>(migrations.size())) {
    return tl::unexpected(too_new(db, *current, migrations.size()));
  }
  for (const Migration& migration : migrations.subspan(static_cast<std::size_t>(*current))) {
    auto applied = apply(db, migration);
    if (!applied) {
      return make_error(applied.error().code, "migration " + std::to_string(migration.version) +
                                                  ": " + applied.error().message);
    }
  }
  return {};
}

}  // namespace vitals::sqlite
