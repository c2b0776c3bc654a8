#include "agent/expose/process_metrics.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <set>
#include <string>

#include "tests/support/why.h"

namespace {

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

TEST_CASE("process stats of this test are plausible") {
  auto stats = vitals::read_process_stats();
  REQUIRE_MESSAGE(stats, vitals::testing::why(stats));
  CHECK(stats->resident_memory_bytes > 0);
  CHECK(stats->virtual_memory_bytes >= stats->resident_memory_bytes);
  CHECK(stats->cpu_seconds >= 0);
  CHECK(stats->open_fds >= 1);
  CHECK(stats->max_fds >= stats->open_fds);
  // Started within the last hour (a slow CI run), and not in the future beyond /proc/stat's
  // whole-second boot time.
  CHECK(stats->start_time_seconds > unix_now() - 3600);
  CHECK(stats->start_time_seconds < unix_now() + 2);
}

TEST_CASE("an opened file shows in process_open_fds") {
  auto before = vitals::read_process_stats();
  REQUIRE_MESSAGE(before, vitals::testing::why(before));
  int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  auto after = vitals::read_process_stats();
  close(fd);
  REQUIRE_MESSAGE(after, vitals::testing::why(after));
  CHECK(after->open_fds == before->open_fds + 1);
}

TEST_CASE("the collectable gives the six standard families, cpu as a counter") {
  auto families = vitals::ProcessMetrics().Collect();
  std::set<std::string> names;
  for (const auto& family : families) {
    names.insert(family.name);
    CHECK_FALSE(family.help.empty());
    REQUIRE(family.metric.size() == 1);
    bool counter = family.type == prometheus::MetricType::Counter;
    CHECK(counter == (family.name == "process_cpu_seconds_total"));
    if (family.name == "process_resident_memory_bytes") CHECK(family.metric[0].gauge.value > 0);
  }
  CHECK(names == std::set<std::string>{"process_cpu_seconds_total", "process_open_fds",
                                       "process_max_fds", "process_virtual_memory_bytes",
                                       "process_resident_memory_bytes",
                                       "process_start_time_seconds"});
}
