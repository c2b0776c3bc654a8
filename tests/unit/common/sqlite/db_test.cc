#include "vitals/common/sqlite/db.h"

#include <doctest/doctest.h>

#include <array>
#include <string>

#include "tests/support/temp_dir.h"
#include "tests/support/why.h"

using vitals::testing::why;

namespace vitals::sqlite {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

Db open_db(const std::string& path, OpenOptions options = {}) {
  auto db = Db::open(path, options);
  REQUIRE_MESSAGE(db, why(db));
  return std::move(*db);
}

std::string text_of(Db& db, std::string_view sql) {
  auto statement = db.prepare(sql);
  REQUIRE_MESSAGE(statement, why(statement));
  auto step = statement->step();
  REQUIRE_MESSAGE(step, why(step));
  REQUIRE(*step == Step::Row);
  return statement->column_text(0);
}

std::int64_t count_rows(Db& db, std::string_view table) {
  return std::stoll(text_of(db, "SELECT count(*) FROM " + std::string(table)));
}

TEST_CASE("a database opens in WAL mode with the house settings") {
  TempDir dir;
  Db db = open_db(dir.file("a.db"), {.busy_timeout = 1234ms});
  CHECK(text_of(db, "PRAGMA journal_mode") == "wal");
  CHECK(text_of(db, "PRAGMA synchronous") == "1");  // NORMAL
  CHECK(text_of(db, "PRAGMA foreign_keys") == "1");
  CHECK(text_of(db, "PRAGMA busy_timeout") == "1234");
  CHECK_FALSE(db.is_read_only());
  CHECK(db.path() == dir.file("a.db"));
}

TEST_CASE("a missing directory is NotFound, naming the directory") {
  TempDir dir;
  std::string path = dir.file("nowhere/a.db");
  auto db = Db::open(path);
  REQUIRE_FALSE(db);
  CHECK(db.error().code == ErrorCode::NotFound);
  CHECK_MESSAGE(db.error().message.find(dir.file("nowhere")) != std::string::npos,
                db.error().message);
}

TEST_CASE("without create, a missing file is an error naming the path") {
  TempDir dir;
  auto db = Db::open(dir.file("missing.db"), {.create = false});
  REQUIRE_FALSE(db);
  CHECK(db.error().code == ErrorCode::Unavailable);
  CHECK_MESSAGE(db.error().message.find(dir.file("missing.db")) != std::string::npos,
                db.error().message);
}

TEST_CASE("a file that is not a database fails at open, not at first use") {
  TempDir dir;
  std::string path = dir.write_file("junk.db", std::string(4096, 'x'));
  auto db = Db::open(path);
  REQUIRE_FALSE(db);
  CHECK_MESSAGE(db.error().message.find("not a database") != std::string::npos, db.error().message);
}

TEST_CASE("a read-only connection reads what the writer committed and cannot write") {
  TempDir dir;
  Db writer = open_db(dir.file("a.db"));
  REQUIRE(writer.exec("CREATE TABLE t (x INTEGER) STRICT; INSERT INTO t VALUES (1)"));
  Db reader = open_db(dir.file("a.db"), {.read_only = true});
  CHECK(reader.is_read_only());
  CHECK(count_rows(reader, "t") == 1);
  auto written = reader.exec("INSERT INTO t VALUES (2)");
  REQUIRE_FALSE(written);
  CHECK(written.error().code == ErrorCode::Unavailable);
}

TEST_CASE("a reader is not blocked by an open write transaction and sees only commits") {
  TempDir dir;
  Db writer = open_db(dir.file("a.db"));
  REQUIRE(writer.exec("CREATE TABLE t (x INTEGER) STRICT"));
  Db reader = open_db(dir.file("a.db"), {.read_only = true, .busy_timeout = 0ms});
  auto transaction = Transaction::begin(writer);
  REQUIRE_MESSAGE(transaction, why(transaction));
  REQUIRE(writer.exec("INSERT INTO t VALUES (1)"));
  CHECK(count_rows(reader, "t") == 0);
  REQUIRE(transaction->commit());
  CHECK(count_rows(reader, "t") == 1);
}

TEST_CASE("a second writer waits out its busy timeout and then fails with Timeout") {
  TempDir dir;
  Db first = open_db(dir.file("a.db"));
  REQUIRE(first.exec("CREATE TABLE t (x INTEGER) STRICT"));
  Db second = open_db(dir.file("a.db"), {.busy_timeout = 10ms});
  auto held = Transaction::begin(first);
  REQUIRE(held);
  auto blocked = Transaction::begin(second);
  REQUIRE_FALSE(blocked);
  CHECK(blocked.error().code == ErrorCode::Timeout);
  CHECK(blocked.error().message.find("locked") != std::string::npos);
}

TEST_CASE("prepare takes exactly one statement and reports bad SQL with the SQL text") {
  Db db = open_db(":memory:");
  auto two = db.prepare("SELECT 1; SELECT 2");
  REQUIRE_FALSE(two);
  CHECK(two.error().code == ErrorCode::InvalidArgument);
  CHECK(db.prepare("SELECT 1;  \n"));  // a trailing semicolon is still one statement
  CHECK_FALSE(db.prepare(""));
  auto bad = db.prepare("SELEC 1");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("SELEC 1") != std::string::npos);
  CHECK(bad.error().message.find("syntax error") != std::string::npos);
}

TEST_CASE("a transaction not committed rolls back when it goes out of scope") {
  Db db = open_db(":memory:");
  REQUIRE(db.exec("CREATE TABLE t (x INTEGER) STRICT"));
  {
    auto transaction = Transaction::begin(db);
    REQUIRE(transaction);
    REQUIRE(db.exec("INSERT INTO t VALUES (1)"));
    CHECK(db.in_transaction());
  }
  CHECK_FALSE(db.in_transaction());
  CHECK(count_rows(db, "t") == 0);

  {
    auto transaction = Transaction::begin(db);
    REQUIRE(transaction);
    REQUIRE(db.exec("INSERT INTO t VALUES (2)"));
    REQUIRE(transaction->commit());
    CHECK_FALSE(transaction->commit());  // only once
  }
  CHECK(count_rows(db, "t") == 1);
}

TEST_CASE("a moved transaction rolls back once, from its new owner") {
  Db db = open_db(":memory:");
  REQUIRE(db.exec("CREATE TABLE t (x INTEGER) STRICT"));
  {
    auto transaction = Transaction::begin(db);
    REQUIRE(transaction);
    Transaction moved = std::move(*transaction);
    REQUIRE(db.exec("INSERT INTO t VALUES (1)"));
  }
  CHECK(count_rows(db, "t") == 0);
}

constexpr std::array kMigrations = {
    Migration{1, "CREATE TABLE a (x INTEGER NOT NULL) STRICT;"},
    Migration{2, "CREATE INDEX a_x ON a (x); CREATE TABLE b (y TEXT) STRICT;"},
};

TEST_CASE("migrations run in order once and record the version") {
  TempDir dir;
  Db db = open_db(dir.file("m.db"));
  CHECK(schema_version(db) == 0);
  auto migrated = migrate(db, std::span(kMigrations).first(1));
  REQUIRE_MESSAGE(migrated, why(migrated));
  CHECK(schema_version(db) == 1);
  migrated = migrate(db, kMigrations);
  REQUIRE_MESSAGE(migrated, why(migrated));
  CHECK(schema_version(db) == 2);
  CHECK(count_rows(db, "b") == 0);
  // Running them again is a no-op rather than "table a already exists".
  CHECK(migrate(db, kMigrations));
}

TEST_CASE("a failing migration leaves the database at the previous version, unchanged") {
  Db db = open_db(":memory:");
  const std::array broken = {
      kMigrations[0],
      Migration{2, "CREATE TABLE c (z INTEGER) STRICT; CREATE TABLE a (duplicate INTEGER);"},
  };
  auto migrated = migrate(db, broken);
  REQUIRE_FALSE(migrated);
  CHECK(migrated.error().message.find("migration 2") != std::string::npos);
  CHECK(schema_version(db) == 1);
  CHECK_FALSE(db.prepare("SELECT * FROM c"));  // the half of migration 2 that ran is gone
  CHECK_FALSE(db.in_transaction());
}

TEST_CASE("a database newer than the code's migrations is refused and left alone") {
  TempDir dir;
  {
    Db db = open_db(dir.file("m.db"));
    REQUIRE(migrate(db, kMigrations));
  }
  Db db = open_db(dir.file("m.db"));
  auto migrated = migrate(db, std::span(kMigrations).first(1));
  REQUIRE_FALSE(migrated);
  CHECK(migrated.error().code == ErrorCode::Unavailable);
  CHECK_MESSAGE(migrated.error().message.find("newer") != std::string::npos,
                migrated.error().message);
  CHECK(schema_version(db) == 2);
}

TEST_CASE("migration versions must count 1, 2, 3 without gaps") {
  Db db = open_db(":memory:");
  const std::array gap = {kMigrations[0], Migration{3, "SELECT 1;"}};
  auto migrated = migrate(db, gap);
  REQUIRE_FALSE(migrated);
  CHECK(migrated.error().code == ErrorCode::InvalidArgument);
  CHECK(schema_version(db) == 0);
}

}  // namespace
}  // namespace vitals::sqlite
