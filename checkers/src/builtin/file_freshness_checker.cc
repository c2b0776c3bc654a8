#include "vitals/checkers/builtin/file_freshness_checker.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <system_error>

#include "vitals/common/duration.h"
#include "vitals/common/time_format.h"

namespace vitals {
namespace {

WallTime modification_time(const struct stat& info) {
  auto since_epoch =
      std::chrono::seconds(info.st_mtim.tv_sec) + std::chrono::nanoseconds(info.st_mtim.tv_nsec);
  return WallTime(std::chrono::duration_cast<WallTime::duration>(since_epoch));
}

std::string seconds_text(Duration d) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", to_seconds(d));
  return text;
}

CheckResult run_check(const std::string& path, Duration max_age, const CheckContext& ctx) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    return CheckResult::fail("stat " + path + ": " +
                             std::error_code(errno, std::generic_category()).message());
  }
  WallTime modified = modification_time(info);
  Duration age = std::max(Duration::zero(), Duration(ctx.wall_now() - modified));
  std::map<std::string, std::string> metadata{{"modified", format_rfc3339(modified)},
                                              {"age_seconds", seconds_text(age)}};
  if (age > max_age) {
    auto shown = std::chrono::round<std::chrono::seconds>(age);
    return CheckResult::fail(path + ": modified " + format_duration(shown) + " ago, older than " +
                                 format_duration(max_age),
                             std::move(metadata));
  }
  return CheckResult::ok(std::move(metadata));
}

}  // namespace

Checker file_freshness_checker(std::string path, Duration max_age) {
  return [path = std::move(path), max_age](const CheckContext& ctx) {
    return run_check(path, max_age, ctx);
  };
}

}  // namespace vitals
