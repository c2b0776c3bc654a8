#include "vitals/checkers/builtin/disk_space_checker.h"

#include <cstdint>
#include <limits>
#include <string>

#include <doctest/doctest.h>

#include "tests/support/fake_clock.h"
#include "tests/support/temp_dir.h"

namespace vitals {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;
using testing::TempDir;

CheckContext context(const FakeClock& clock) {
  return CheckContext{clock.now() + 1s, &clock};
}

TEST_CASE("the disk space checker passes with no minimum and reports free and total bytes") {
  TempDir dir;
  FakeClock clock;
  CheckResult result = disk_space_checker(dir.path().string())(context(clock));
  REQUIRE_MESSAGE(!result.error, *result.error);
  std::uint64_t free_bytes = std::stoull(result.metadata.at("free_bytes"));
  std::uint64_t total_bytes = std::stoull(result.metadata.at("total_bytes"));
  double free_ratio = std::stod(result.metadata.at("free_ratio"));
  CHECK(total_bytes > 0);
  CHECK(free_bytes <= total_bytes);
  CHECK(free_ratio >= 0.0);
  CHECK(free_ratio <= 1.0);
}

TEST_CASE("the disk space checker fails below its minimum of free bytes") {
  TempDir dir;
  FakeClock clock;
  DiskSpaceOptions impossible{.min_free_bytes = std::numeric_limits<std::uint64_t>::max()};
  CheckResult result = disk_space_checker(dir.path().string(), impossible)(context(clock));
  REQUIRE(result.error);
  CHECK(result.error->find("below the minimum of 16.0 EiB") != std::string::npos);
  CHECK(result.metadata.count("free_bytes") == 1);
}

TEST_CASE("the disk space checker fails below its minimum free ratio") {
  TempDir dir;
  FakeClock clock;
  // A file of our own makes sure the file system is not entirely free, even an empty tmpfs.
  dir.write_file("ballast", std::string(256 * 1024, 'b'));
  CheckResult result =
      disk_space_checker(dir.path().string(), {.min_free_ratio = 1.0})(context(clock));
  REQUIRE(result.error);
  CHECK(result.error->find("below the minimum of 100.0%") != std::string::npos);
}

TEST_CASE("the disk space checker fails on a path that does not exist") {
  TempDir dir;
  FakeClock clock;
  std::string path = dir.file("not-mounted");
  CheckResult result = disk_space_checker(path)(context(clock));
  REQUIRE(result.error);
  CHECK(*result.error == "statvfs " + path + ": No such file or directory");
}

}  // namespace
}  // namespace vitals
