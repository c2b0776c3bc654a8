// The history's durability promise, checked against a real process: SIGKILL at any moment loses
// at most the last second of records, and the file passes PRAGMA integrity_check afterwards.
#include <signal.h>

#include <doctest/doctest.h>

#include <map>
#include <regex>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/why.h"
#include "vitals/common/sqlite/db.h"

namespace vitals::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kRuns = 5;
constexpr std::size_t kLinesPerSecond = 10;  // the writer prints every 100 ms
const std::regex kProgress(R"(^enqueued (\d+)$)");

// The numbers the writer printed, in order; SIGKILLed after `lines` lines, so each run dies at
// a different moment of its flush cycle. Lines still in the pipe after the kill count too.
std::vector<long> run_and_kill(const std::string& path, const std::string& target,
                               std::size_t lines) {
  auto process = Process::spawn(HISTORY_WRITER_BIN, {path, target});
  REQUIRE_MESSAGE(process, why(process));
  auto ready = process->wait_for_line("ready", 10s);
  REQUIRE_MESSAGE(ready, why(ready));
  std::vector<long> printed;
  while (printed.size() < lines) {
    auto line = process->wait_for_match(kProgress, 5s);
    REQUIRE_MESSAGE(line, why(line));
    printed.push_back(std::stol((*line)[1]));
  }
  REQUIRE_MESSAGE(!process->wait_exit(0ms), "the writer exited before it was killed");
  CHECK(process->kill().signal == SIGKILL);
  while (auto line = process->wait_for_match(kProgress, 1s))
    printed.push_back(std::stol((*line)[1]));
  return printed;
}

sqlite::Db open_db(const std::string& path) {
  auto db = sqlite::Db::open(path, {.create = false});
  REQUIRE_MESSAGE(db, why(db));
  return std::move(*db);
}

std::string integrity(sqlite::Db& db) {
  auto check = db.prepare("PRAGMA integrity_check");
  REQUIRE_MESSAGE(check, why(check));
  REQUIRE(check->step() == sqlite::Step::Row);
  std::string first = check->column_text(0);
  check->reset();
  return first;
}

struct Stored {
  long count = 0;
  long highest = 0;
};

Stored stored_numbers(sqlite::Db& db, const std::string& target) {
  auto query = db.prepare(
      "SELECT count(*), coalesce(max(CAST(json_extract(metadata, '$.n') AS INTEGER)), 0) "
      "FROM state_changes WHERE target = ?1");
  REQUIRE_MESSAGE(query, why(query));
  REQUIRE(query->bind(1, target));
  REQUIRE(query->step() == sqlite::Step::Row);
  return Stored{query->column_int64(0), query->column_int64(1)};
}

TEST_CASE("kill -9 at any moment loses at most the last second and leaves an intact file") {
  TempDir dir;
  std::string path = dir.file("history.db");
  std::map<std::string, long> kept;  // per earlier run: what survived its kill
  for (int run = 1; run <= kRuns; ++run) {
    CAPTURE(run);
    std::string target = "run-" + std::to_string(run);
    std::vector<long> printed = run_and_kill(path, target, 8 + static_cast<std::size_t>(run));
    long last = printed.back();
    long second_before =
        printed.size() > kLinesPerSecond ? printed[printed.size() - 1 - kLinesPerSecond] : 0;
    long one_second_worth = last - second_before;

    sqlite::Db db = open_db(path);
    CHECK(integrity(db) == "ok");
    Stored stored = stored_numbers(db, target);
    MESSAGE("run " << run << ": last printed " << last << ", stored up to " << stored.highest
                   << ", one second is " << one_second_worth << " records");
    CHECK(stored.highest >= last - one_second_worth);
    CHECK(stored.count == stored.highest);  // 1..highest, no gaps: commits happen in order
    for (const auto& [earlier, count] : kept) CHECK(stored_numbers(db, earlier).count == count);
    kept[target] = stored.count;
  }
}

}  // namespace
}  // namespace vitals::testing
