#include "vitals/checkers/builtin/sqlite_checker.h"

#include <sqlite3.h>

#include <filesystem>
#include <string>

#include <doctest/doctest.h>

#include "tests/support/fake_clock.h"
#include "tests/support/temp_dir.h"

namespace vitals {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;
using testing::TempDir;

// The test's own connection to the database the checker looks at.
class Connection {
 public:
  explicit Connection(const std::string& path) {
    int rc =
        sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    REQUIRE_MESSAGE(rc == SQLITE_OK, sqlite3_errmsg(db_));
  }
  ~Connection() { sqlite3_close_v2(db_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void exec(const std::string& sql) {
    char* error = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
    std::string message = error != nullptr ? error : "";
    sqlite3_free(error);
    REQUIRE_MESSAGE(rc == SQLITE_OK, sql << ": " << message);
  }

 private:
  sqlite3* db_ = nullptr;
};

std::string create_cards_database(const TempDir& dir) {
  std::string path = dir.file("cards.db");
  Connection(path).exec(
      "CREATE TABLE cards (id INTEGER PRIMARY KEY, pan TEXT);"
      "INSERT INTO cards (pan) VALUES ('4111111111111111');");
  return path;
}

CheckContext context(const FakeClock& clock, Duration timeout) {
  return CheckContext{clock.now() + timeout, &clock};
}

TEST_CASE(
    "the sqlite checker passes on a real database and reports its page count and journal mode") {
  TempDir dir;
  FakeClock clock;
  CheckResult result = sqlite_checker(create_cards_database(dir))(context(clock, 1s));
  REQUIRE_MESSAGE(!result.error, *result.error);
  CHECK(result.metadata.at("page_count") == "2");
  CHECK(result.metadata.at("journal_mode") == "delete");
}

TEST_CASE("the sqlite checker reports a WAL database's journal mode") {
  TempDir dir;
  FakeClock clock;
  std::string path = create_cards_database(dir);
  Connection(path).exec("PRAGMA journal_mode = WAL");
  CheckResult result = sqlite_checker(path)(context(clock, 1s));
  REQUIRE_MESSAGE(!result.error, *result.error);
  CHECK(result.metadata.at("journal_mode") == "wal");
}

TEST_CASE("the sqlite checker fails on a missing file and does not create it") {
  TempDir dir;
  FakeClock clock;
  std::string path = dir.file("missing.db");
  CheckResult result = sqlite_checker(path)(context(clock, 1s));
  REQUIRE(result.error);
  CHECK(*result.error ==
        "sqlite open " + path + ": unable to open database file (No such file or directory)");
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("the sqlite checker fails on a file that is not a database") {
  TempDir dir;
  FakeClock clock;
  std::string path = dir.write_file("garbage.db", std::string(4096, 'x'));
  CheckResult result = sqlite_checker(path)(context(clock, 1s));
  REQUIRE(result.error);
  CHECK(*result.error == "sqlite " + path + ": file is not a database");
}

TEST_CASE("the sqlite checker fails when the database stays locked past the deadline") {
  TempDir dir;
  FakeClock clock;
  std::string path = create_cards_database(dir);
  Connection writer(path);
  writer.exec("BEGIN EXCLUSIVE");  // in rollback-journal mode this shuts readers out
  // SQLite's busy handler waits these 20 ms in real time, then gives up.
  CheckResult result = sqlite_checker(path)(context(clock, 20ms));
  REQUIRE(result.error);
  CHECK(*result.error == "sqlite " + path + ": timeout after 20ms: database is locked");
  writer.exec("ROLLBACK");
}

TEST_CASE("the sqlite checker interrupts a query still running at the deadline") {
  TempDir dir;
  FakeClock clock;
  std::string path = create_cards_database(dir);
  SqliteCheckOptions endless{.query =
                                 "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) "
                                 "SELECT count(*) FROM n"};
  // The deadline is now: the fake clock never moves, so only the deadline can stop the query.
  CheckResult result = sqlite_checker(path, endless)(context(clock, 0s));
  REQUIRE(result.error);
  CHECK(*result.error == "sqlite " + path + ": timeout after 0s: interrupted");
}

TEST_CASE("the sqlite checker runs the service's own query and fails when its table is missing") {
  TempDir dir;
  FakeClock clock;
  std::string path = create_cards_database(dir);
  CHECK_FALSE(
      sqlite_checker(path, {.query = "SELECT 1 FROM cards LIMIT 1"})(context(clock, 1s)).error);

  CheckResult result =
      sqlite_checker(path, {.query = "SELECT 1 FROM accounts"})(context(clock, 1s));
  REQUIRE(result.error);
  CHECK(*result.error == "sqlite " + path + ": no such table: accounts");
}

}  // namespace
}  // namespace vitals
