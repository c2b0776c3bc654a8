#include "vitals/common/sqlite/statement.h"

#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "tests/support/why.h"
#include "vitals/common/sqlite/db.h"

using vitals::testing::why;

namespace vitals::sqlite {
namespace {

Db memory_db() {
  auto db = Db::open(":memory:");
  REQUIRE_MESSAGE(db, why(db));
  auto created = db->exec("CREATE TABLE t (i INTEGER, r REAL, s TEXT) STRICT");
  REQUIRE_MESSAGE(created, why(created));
  return std::move(*db);
}

Statement prepare(Db& db, std::string_view sql) {
  auto statement = db.prepare(sql);
  REQUIRE_MESSAGE(statement, why(statement));
  return std::move(*statement);
}

TEST_CASE("typed binds store each value with its SQLite type and read back the same") {
  Db db = memory_db();
  Statement insert = prepare(db, "INSERT INTO t (i, r, s) VALUES (?1, ?2, ?3)");
  REQUIRE(insert.bind_all(std::int64_t{-42}, 2.5, "text with\0nul"));
  REQUIRE(insert.run());
  REQUIRE(insert.bind_all(7, 0.25f, std::string("two")));
  REQUIRE(insert.run());

  Statement select = prepare(db, "SELECT i, r, s, typeof(i), typeof(r) FROM t ORDER BY rowid");
  auto step = select.step();
  REQUIRE_MESSAGE(step, why(step));
  REQUIRE(*step == Step::Row);
  CHECK(select.column_count() == 5);
  CHECK(select.column_int64(0) == -42);
  CHECK(select.column_double(1) == 2.5);
  CHECK(select.column_text(2) == "text with");  // a literal's NUL ends its string_view
  CHECK(select.column_text(3) == "integer");
  CHECK(select.column_text(4) == "real");
  REQUIRE(select.step() == Step::Row);
  CHECK(select.column_int64(0) == 7);
  CHECK(select.column_text(2) == "two");
  CHECK(select.step() == Step::Done);
}

TEST_CASE("text keeps embedded NUL bytes when bound from a string") {
  Db db = memory_db();
  const std::string with_nul("a\0b", 3);
  Statement insert = prepare(db, "INSERT INTO t (s) VALUES (?1)");
  REQUIRE(insert.bind_text(1, with_nul));
  REQUIRE(insert.run());
  Statement select = prepare(db, "SELECT s FROM t");
  REQUIRE(select.step() == Step::Row);
  CHECK(select.column_text(0) == with_nul);
}

TEST_CASE("null, nullopt and empty optionals bind NULL, and a set optional binds its value") {
  Db db = memory_db();
  Statement insert = prepare(db, "INSERT INTO t (i, r, s) VALUES (?1, ?2, ?3)");
  REQUIRE(insert.bind_all(std::optional<std::int64_t>(), nullptr, std::nullopt));
  REQUIRE(insert.run());
  REQUIRE(insert.bind_all(std::optional<int>(5), std::optional<double>(1.5),
                          std::optional<std::string>("x")));
  REQUIRE(insert.run());

  Statement select = prepare(db, "SELECT i, r, s FROM t ORDER BY rowid");
  REQUIRE(select.step() == Step::Row);
  CHECK(select.column_is_null(0));
  CHECK(select.column_is_null(1));
  CHECK(select.column_is_null(2));
  CHECK(select.column_text(2).empty());
  REQUIRE(select.step() == Step::Row);
  CHECK(select.column_int64(0) == 5);
  CHECK(select.column_double(1) == 1.5);
  CHECK(select.column_text(2) == "x");
}

TEST_CASE("a statement is reused after Done without an explicit reset") {
  Db db = memory_db();
  Statement insert = prepare(db, "INSERT INTO t (i) VALUES (?1)");
  for (int i = 0; i < 3; ++i) {
    auto bound = insert.bind(1, i);
    REQUIRE_MESSAGE(bound, why(bound));
    REQUIRE(insert.run());
  }
  Statement count = prepare(db, "SELECT count(*), sum(i) FROM t");
  REQUIRE(count.step() == Step::Row);
  CHECK(count.column_int64(0) == 3);
  CHECK(count.column_int64(1) == 3);
}

TEST_CASE("reset clears bindings, so an unbound parameter is NULL again") {
  Db db = memory_db();
  Statement select = prepare(db, "SELECT ?1 IS NULL");
  REQUIRE(select.bind(1, 1));
  REQUIRE(select.step() == Step::Row);
  CHECK(select.column_int64(0) == 0);
  select.reset();
  REQUIRE(select.step() == Step::Row);
  CHECK(select.column_int64(0) == 1);
}

TEST_CASE("binding a parameter that does not exist is an error naming it") {
  Db db = memory_db();
  Statement insert = prepare(db, "INSERT INTO t (i) VALUES (?1)");
  auto bound = insert.bind(2, 1);
  REQUIRE_FALSE(bound);
  CHECK(bound.error().code == ErrorCode::InvalidArgument);
  CHECK(bound.error().message.find("?2") != std::string::npos);
  CHECK(bound.error().message.find("SQLite code 25") != std::string::npos);
}

TEST_CASE("a failing step reports the statement, SQLite's message and its code") {
  Db db = memory_db();
  REQUIRE(db.exec("CREATE TABLE u (x INTEGER NOT NULL UNIQUE) STRICT"));
  Statement insert = prepare(db, "INSERT INTO u (x) VALUES (?1)");
  REQUIRE(insert.bind(1, 1));
  REQUIRE(insert.run());
  auto again = insert.run();
  REQUIRE_FALSE(again);
  CHECK(again.error().code == ErrorCode::InvalidArgument);
  CHECK_MESSAGE(again.error().message.find("UNIQUE constraint failed: u.x") != std::string::npos,
                again.error().message);
  CHECK(again.error().message.find("INSERT INTO u") != std::string::npos);
  CHECK(again.error().message.find("SQLite code 2067") != std::string::npos);  // CONSTRAINT_UNIQUE

  // The failed step left the statement reset: it works again with a fresh value.
  REQUIRE(insert.bind(1, 2));
  CHECK(insert.run());
}

TEST_CASE("a STRICT table refuses a value of the wrong type") {
  Db db = memory_db();
  Statement insert = prepare(db, "INSERT INTO t (i) VALUES (?1)");
  REQUIRE(insert.bind(1, "not a number"));
  auto inserted = insert.run();
  REQUIRE_FALSE(inserted);
  CHECK(inserted.error().code == ErrorCode::InvalidArgument);
}

}  // namespace
}  // namespace vitals::sqlite
