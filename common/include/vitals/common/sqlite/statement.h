// A prepared SQLite statement with typed binds and column getters: the only way vitals puts
// values into SQL, so no value is ever spliced into SQL text.
// Not thread-safe: used by the one thread that owns its Db (see db.h).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "vitals/common/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace vitals::sqlite {

enum class Step : std::uint8_t { Row, Done };

namespace detail {

// An Error carrying SQLite's message and result code, e.g. "insert change: database is locked
// (SQLite code 5)". BUSY and LOCKED map to Timeout; FULL, IOERR, READONLY, CANTOPEN and PERM to
// Unavailable (worth retrying); CONSTRAINT, MISMATCH, RANGE and TOOBIG to InvalidArgument (the
// row itself is wrong); the rest to Internal.
Error sqlite_error(sqlite3* db, int rc, std::string_view context);
ErrorCode error_code_for(int rc);

template <class T>
inline constexpr bool kIsOptional = false;
template <class T>
inline constexpr bool kIsOptional<std::optional<T>> = true;
template <class>
inline constexpr bool kAlwaysFalse = false;

}  // namespace detail

class Statement {
 public:
  Statement(Statement&&) noexcept = default;
  Statement& operator=(Statement&&) noexcept = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() = default;

  // Parameters are 1-based (?1, ?2 …), as in SQLite. Text is copied at bind time.
  Result<void> bind_int64(int index, std::int64_t value);
  Result<void> bind_double(int index, double value);
  Result<void> bind_text(int index, std::string_view value);
  Result<void> bind_null(int index);
  // Picks the SQLite type from the C++ type: integers and bool are INTEGER, floating point is
  // REAL, anything convertible to std::string_view is TEXT, nullptr / nullopt / an empty
  // optional is NULL. 64-bit unsigned values do not compile: cast them, knowing they may wrap.
  template <class T>
  Result<void> bind(int index, const T& value);
  // Binds `values` to ?1, ?2, … in order; stops at the first failure.
  template <class... T>
  Result<void> bind_all(const T&... values);

  // Row: the columns can be read. Done: no more rows. After Done or an error the statement is
  // reset (bindings kept), so it holds no read transaction open and can be stepped again.
  Result<Step> step();
  // Steps a statement that returns no rows (INSERT, UPDATE, DELETE, DDL) to its end.
  Result<void> run();
  // Back to the start with every binding cleared. Call it after reading only part of the rows.
  void reset();

  int column_count() const;
  bool column_is_null(int column) const;  // 0-based, like every column getter
  std::int64_t column_int64(int column) const;
  double column_double(int column) const;
  std::string column_text(int column) const;  // "" for NULL

 private:
  friend class Db;
  struct Finalize {
    void operator()(sqlite3_stmt* statement) const;
  };
  explicit Statement(sqlite3_stmt* statement) : stmt_(statement) {}
  Result<void> check_bind(int rc, int index);

  std::unique_ptr<sqlite3_stmt, Finalize> stmt_{};
};

template <class T>
Result<void> Statement::bind(int index, const T& value) {
  if constexpr (std::is_same_v<T, std::nullptr_t> || std::is_same_v<T, std::nullopt_t>) {
    return bind_null(index);
  } else if constexpr (detail::kIsOptional<T>) {
    return value ? bind(index, *value) : bind_null(index);
  } else if constexpr (std::is_integral_v<T>) {
    static_assert(std::is_signed_v<T> || sizeof(T) < 8, "cast 64-bit unsigned values explicitly");
    return bind_int64(index, static_cast<std::int64_t>(value));
  } else if constexpr (std::is_floating_point_v<T>) {
    return bind_double(index, static_cast<double>(value));
  } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    return bind_text(index, std::string_view(value));
  } else {
    static_assert(detail::kAlwaysFalse<T>, "no SQLite type for this C++ type");
  }
}

template <class... T>
Result<void> Statement::bind_all(const T&... values) {
  Result<void> result;
  int index = 0;
  // The fold stops at the first failed bind: && short-circuits.
  ((result = bind(++index, values), result.has_value()) && ...);
  return result;
}

}  // namespace vitals::sqlite
