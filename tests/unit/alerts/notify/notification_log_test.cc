#include "alerts/notify/notification_log.h"

#include <doctest/doctest.h>

#include "tests/support/temp_dir.h"
#include "tests/support/why.h"

using vitals::notify::LogEntry;
using vitals::notify::NotificationLog;

namespace {

constexpr std::int64_t kNow = 1'767'225'600'000;

std::unique_ptr<NotificationLog> open_log(const std::string& path, std::int64_t now_ms) {
  auto log = NotificationLog::open(path, now_ms);
  REQUIRE_MESSAGE(log, vitals::testing::why(log));
  return std::move(*log);
}

}  // namespace

TEST_CASE("the notification log and acks are read back after reopening the file") {
  vitals::testing::TempDir dir;
  {
    auto log = open_log(dir.file("notify.db"), kNow);
    CHECK(log->find("{}:{}", "oncall") == nullptr);
    REQUIRE(log->record("{}:{}", "oncall", LogEntry{kNow, {"a", "b"}, {"c"}}));
    REQUIRE(log->record("{}:{}", "oncall", LogEntry{kNow + 1, {"a"}, {"b"}}));  // replaces
    REQUIRE(log->set_ack("a", 42, kNow));
    REQUIRE(log->set_ack("z", 7, kNow));
    REQUIRE(log->clear_ack("z"));
  }
  auto log = open_log(dir.file("notify.db"), kNow + 60'000);
  const LogEntry* entry = log->find("{}:{}", "oncall");
  REQUIRE(entry != nullptr);
  CHECK(entry->timestamp_ms == kNow + 1);
  CHECK(entry->firing == std::vector<std::string>{"a"});
  CHECK(entry->resolved == std::vector<std::string>{"b"});
  CHECK(log->find("{}:{}", "pager") == nullptr);
  CHECK(log->acked_spell("a") == 42);
  CHECK_FALSE(log->acked_spell("z").has_value());
}

TEST_CASE("notification log entries older than the retention are forgotten on open") {
  vitals::testing::TempDir dir;
  {
    auto log = open_log(dir.file("notify.db"), kNow);
    REQUIRE(log->record("old", "oncall", LogEntry{kNow, {"a"}, {}}));
    REQUIRE(log->record("new", "oncall", LogEntry{kNow + 2 * 3'600'000, {"a"}, {}}));
  }
  auto log = open_log(dir.file("notify.db"), kNow + NotificationLog::kRetentionMs + 3'600'000);
  CHECK(log->find("old", "oncall") == nullptr);
  CHECK(log->find("new", "oncall") != nullptr);
}
