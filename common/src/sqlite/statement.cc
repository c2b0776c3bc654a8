#include "vitals/common/sqlite/statement.h"

#include <sqlite3.h>

#include <system_error>

namespace vitals::sqlite {
namespace detail {

ErrorCode error_code_for(int rc) {
  switch (rc & 0xff) {  // the primary code of an extended one
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return ErrorCode::Timeout;
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_NOMEM:
    case SQLITE_PROTOCOL:
      return ErrorCode::Unavailable;
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
    case SQLITE_TOOBIG:
      return ErrorCode::InvalidArgument;
    case SQLITE_NOTFOUND:
      return ErrorCode::NotFound;
    default:
      return ErrorCode::Internal;
  }
}

Error sqlite_error(sqlite3* db, int rc, std::string_view context) {
  // The connection's message is the specific one ("no such table: x"); without a connection,
  // or when it belongs to another call, fall back to the code's generic text.
  std::string text = db != nullptr && (sqlite3_extended_errcode(db) & 0xff) == (rc & 0xff)
                         ? sqlite3_errmsg(db)
                         : sqlite3_errstr(rc);
  // SQLite only says "unable to open database file"; the OS says why.
  if (int os_error = db != nullptr ? sqlite3_system_errno(db) : 0;
      os_error != 0 && (rc & 0xff) == SQLITE_CANTOPEN) {
    text += ": " + std::error_code(os_error, std::generic_category()).message();
  }
  std::string message(context);
  message += ": " + text + " (SQLite code " + std::to_string(rc) + ")";
  return Error{error_code_for(rc), std::move(message), std::nullopt};
}

}  // namespace detail

void Statement::Finalize::operator()(sqlite3_stmt* statement) const {
  sqlite3_finalize(statement);
}

Result<void> Statement::check_bind(int rc, int index) {
  if (rc == SQLITE_OK) return {};
  std::string context =
      "bind ?" + std::to_string(index) + " of \"" + sqlite3_sql(stmt_.get()) + "\"";
  return tl::unexpected(detail::sqlite_error(sqlite3_db_handle(stmt_.get()), rc, context));
}

Result<void> Statement::bind_int64(int index, std::int64_t value) {
  return check_bind(sqlite3_bind_int64(stmt_.get(), index, value), index);
}

Result<void> Statement::bind_double(int index, double value) {
  return check_bind(sqlite3_bind_double(stmt_.get(), index, value), index);
}

Result<void> Statement::bind_text(int index, std::string_view value) {
  return check_bind(sqlite3_bind_text64(stmt_.get(), index, value.data(), value.size(),
                                        SQLITE_TRANSIENT, SQLITE_UTF8),
                    index);
}

Result<void> Statement::bind_null(int index) {
  return check_bind(sqlite3_bind_null(stmt_.get(), index), index);
}

Result<Step> Statement::step() {
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return Step::Row;
  // Build the error before the reset: sqlite3_reset can replace the connection's message.
  std::optional<Error> error;
  if (rc != SQLITE_DONE) {
    error = detail::sqlite_error(sqlite3_db_handle(stmt_.get()), rc,
                                 std::string("step \"") + sqlite3_sql(stmt_.get()) + "\"");
  }
  sqlite3_reset(stmt_.get());
  if (error) return tl::unexpected(std::move(*error));
  return Step::Done;
}

Result<void> Statement::run() {
  for (;;) {
    auto step_result = step();
    if (!step_result) return tl::unexpected(step_result.error());
    if (*step_result == Step::Done) return {};
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_.get());  // its code repeats the last step's, already reported
  sqlite3_clear_bindings(stmt_.get());
}

int Statement::column_count() const {
  return sqlite3_column_count(stmt_.get());
}

bool Statement::column_is_null(int column) const {
  return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL;
}

std::int64_t Statement::column_int64(int column) const {
  return sqlite3_column_int64(stmt_.get(), column);
}

double Statement::column_double(int column) const {
  return sqlite3_column_double(stmt_.get(), column);
}

std::string Statement::column_text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_.get(), column);
  if (text == nullptr) return {};
  // Bytes after the text call: the text may hold NULs, and the length is only right now.
  auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), column));
  return std::string(reinterpret_cast<const char*>(text), size);
}

}  // namespace vitals::sqlite
