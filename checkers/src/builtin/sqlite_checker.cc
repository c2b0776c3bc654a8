#include "vitals/checkers/builtin/sqlite_checker.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <memory>
#include <system_error>

#include "vitals/common/duration.h"
#include "vitals/common/error.h"

namespace vitals {
namespace {

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct FinalizeStatement {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using Db = std::unique_ptr<sqlite3, CloseDb>;
using Statement = std::unique_ptr<sqlite3_stmt, FinalizeStatement>;

// Why the file did not open: SQLite only says "unable to open database file", the OS says why.
std::string open_failure(sqlite3* db) {
  std::string text = sqlite3_errmsg(db);
  if (int os_error = sqlite3_system_errno(db); os_error != 0) {
    text += " (" + std::error_code(os_error, std::generic_category()).message() + ")";
  }
  return text;
}

// A lock still held when the busy timeout ran out, or a query cut short at the deadline, is a
// timeout; anything else means the database cannot be used.
Error statement_failure(sqlite3* db, int rc) {
  bool timed_out = rc == SQLITE_BUSY || rc == SQLITE_LOCKED || rc == SQLITE_INTERRUPT;
  return Error{timed_out ? ErrorCode::Timeout : ErrorCode::Unavailable, sqlite3_errmsg(db), {}};
}

// Steps `sql` to its end and returns the first column of its first row ("" when none).
Result<std::string> first_value(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* raw = nullptr;
  if (int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr); rc != SQLITE_OK) {
    return tl::unexpected(statement_failure(db, rc));
  }
  Statement statement(raw);
  std::string first;
  bool first_row = true;
  for (;;) {
    int rc = sqlite3_step(statement.get());
    if (rc == SQLITE_DONE) return first;
    if (rc != SQLITE_ROW) return tl::unexpected(statement_failure(db, rc));
    if (first_row && sqlite3_column_count(statement.get()) > 0) {
      const unsigned char* text = sqlite3_column_text(statement.get(), 0);
      if (text != nullptr) first = reinterpret_cast<const char*>(text);
    }
    first_row = false;
  }
}

// The busy handler sleeps in real time for up to this many milliseconds waiting for a lock.
int busy_timeout_ms(Duration remaining) {
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(remaining).count();
  return static_cast<int>(std::min<long long>(ms, INT_MAX));
}

// Called every few hundred VM steps; a non-zero return interrupts a query running past the
// deadline, which the busy timeout alone would not stop.
int past_deadline(void* context) {
  const auto* ctx = static_cast<const CheckContext*>(context);
  return ctx->clock->now() >= ctx->deadline ? 1 : 0;
}

CheckResult run_check(const std::string& path, const SqliteCheckOptions& options,
                      const CheckContext& ctx) {
  // "" and ":memory:" would open a new private database and prove nothing.
  if (path.empty() || path == ":memory:") {
    return CheckResult::fail("sqlite: no database file given");
  }
  Duration budget = ctx.remaining();
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
  Db db(raw);  // closes even a handle whose open failed
  if (rc != SQLITE_OK) {
    return CheckResult::fail("sqlite open " + path + ": " + open_failure(db.get()));
  }
  sqlite3_busy_timeout(db.get(), busy_timeout_ms(budget));
  sqlite3_progress_handler(db.get(), 500, past_deadline,
                           const_cast<void*>(static_cast<const void*>(&ctx)));

  std::map<std::string, std::string> metadata;
  for (const auto& [key, sql] : {std::pair<std::string, std::string>{"", options.query},
                                 {"page_count", "PRAGMA page_count"},
                                 {"journal_mode", "PRAGMA journal_mode"}}) {
    Result<std::string> value = first_value(db.get(), sql);
    if (!value) {
      std::string why = value.error().message;
      if (value.error().code == ErrorCode::Timeout) {
        why = "timeout after " +
              format_duration(std::chrono::round<std::chrono::milliseconds>(budget)) + ": " + why;
      }
      return CheckResult::fail("sqlite " + path + ": " + why, std::move(metadata));
    }
    if (!key.empty()) metadata[key] = *value;
  }
  return CheckResult::ok(std::move(metadata));
}

}  // namespace

Checker sqlite_checker(std::string path, SqliteCheckOptions options) {
  return [path = std::move(path), options = std::move(options)](const CheckContext& ctx) {
    return run_check(path, options, ctx);
  };
}

}  // namespace vitals
