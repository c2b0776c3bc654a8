#include "vitals/checkers/builtin/file_freshness_checker.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include <doctest/doctest.h>

#include "tests/support/fake_clock.h"
#include "tests/support/temp_dir.h"

namespace vitals {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;
using testing::TempDir;

// Sets the file's modification time, as the job that writes it would have.
void set_modified(const std::string& path, WallTime when) {
  auto since_epoch = when.time_since_epoch();
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  timespec times[2];
  times[0].tv_sec = times[1].tv_sec = seconds.count();
  times[0].tv_nsec = times[1].tv_nsec =
      std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch - seconds).count();
  REQUIRE_MESSAGE(utimensat(AT_FDCWD, path.c_str(), times, 0) == 0, std::strerror(errno));
}

CheckContext context(const FakeClock& clock) {
  return CheckContext{clock.now() + 1s, &clock};
}

TEST_CASE("the file freshness checker passes on a file modified within the max age") {
  TempDir dir;
  FakeClock clock;
  std::string path = dir.write_file("export.csv", "id,amount\n");
  set_modified(path, FakeClock::kStartWall - 1min);
  CheckResult result = file_freshness_checker(path, 5min)(context(clock));
  REQUIRE_MESSAGE(!result.error, *result.error);
  CHECK(result.metadata.at("modified") == "2025-12-31T23:59:00.000Z");
  CHECK(result.metadata.at("age_seconds") == "60.000");
}

TEST_CASE("the file freshness checker fails once the clock has moved past the max age") {
  TempDir dir;
  FakeClock clock;
  std::string path = dir.write_file("export.csv", "id,amount\n");
  set_modified(path, FakeClock::kStartWall - 1min);
  Checker checker = file_freshness_checker(path, 5min);
  clock.advance(10min);
  CheckResult result = checker(context(clock));
  REQUIRE(result.error);
  CHECK(*result.error == path + ": modified 11m0s ago, older than 5m0s");
  CHECK(result.metadata.at("age_seconds") == "660.000");
}

TEST_CASE("the file freshness checker fails on a missing file") {
  TempDir dir;
  FakeClock clock;
  std::string path = dir.file("never-written.csv");
  CheckResult result = file_freshness_checker(path, 5min)(context(clock));
  REQUIRE(result.error);
  CHECK(*result.error == "stat " + path + ": No such file or directory");
}

TEST_CASE("the file freshness checker counts a modification time in the future as fresh") {
  TempDir dir;
  FakeClock clock;
  std::string path = dir.write_file("export.csv", "id,amount\n");
  set_modified(path, FakeClock::kStartWall + 1h);  // the writer's clock ran ahead of ours
  CheckResult result = file_freshness_checker(path, 5min)(context(clock));
  CHECK_FALSE(result.error);
  CHECK(result.metadata.at("age_seconds") == "0.000");
}

}  // namespace
}  // namespace vitals
