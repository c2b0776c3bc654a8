#include "vitals/checkers/builtin/disk_space_checker.h"

#include <sys/statvfs.h>

#include <cerrno>
#include <cstdio>
#include <system_error>

namespace vitals {
namespace {

std::string bytes_text(std::uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 6) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
  return text;
}

std::string fixed(double value, int decimals) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

CheckResult run_check(const std::string& path, const DiskSpaceOptions& options) {
  struct statvfs fs {};
  if (::statvfs(path.c_str(), &fs) != 0) {
    return CheckResult::fail("statvfs " + path + ": " +
                             std::error_code(errno, std::generic_category()).message());
  }
  // f_bavail, not f_bfree: the blocks reserved for root are no use to the service.
  std::uint64_t free_bytes = std::uint64_t{fs.f_bavail} * fs.f_frsize;
  std::uint64_t total_bytes = std::uint64_t{fs.f_blocks} * fs.f_frsize;
  double free_ratio =
      total_bytes > 0 ? static_cast<double>(free_bytes) / static_cast<double>(total_bytes) : 0.0;
  std::map<std::string, std::string> metadata{{"free_bytes", std::to_string(free_bytes)},
                                              {"total_bytes", std::to_string(total_bytes)},
                                              {"free_ratio", fixed(free_ratio, 4)}};
  std::string summary = path + ": " + bytes_text(free_bytes) + " (" + fixed(free_ratio * 100, 1) +
                        "%) free of " + bytes_text(total_bytes);
  if (free_bytes < options.min_free_bytes) {
    return CheckResult::fail(
        summary + ", below the minimum of " + bytes_text(options.min_free_bytes),
        std::move(metadata));
  }
  if (free_ratio < options.min_free_ratio) {
    return CheckResult::fail(
        summary + ", below the minimum of " + fixed(options.min_free_ratio * 100, 1) + "%",
        std::move(metadata));
  }
  return CheckResult::ok(std::move(metadata));
}

}  // namespace

Checker disk_space_checker(std::string path, DiskSpaceOptions options) {
  return
      [path = std::move(path), options](const CheckContext&) { return run_check(path, options); };
}

}  // namespace vitals
