// What on-call has been told and what they acknowledged: per (group key, receiver), the
// fingerprints of the firing and resolved alerts of the last notification handed to the outbox
// and when (Alertmanager's nflog), and per alert fingerprint, the acknowledged firing spell.
// Kept in memory and written through to a SQLite file of its own, so after a restart the same
// alerts are not paged again before repeat_interval. Not thread-safe: the dispatcher's thread
// owns it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vitals/common/error.h"
#include "vitals/common/sqlite/db.h"

namespace vitals::notify {

struct LogEntry {
  std::int64_t timestamp_ms{0};         // wall time the notification was made
  std::vector<std::string> firing{};    // fingerprints, sorted
  std::vector<std::string> resolved{};  // fingerprints, sorted
};

class NotificationLog {
 public:
  // Entries older than this are forgotten (Alertmanager's default nflog retention).
  static constexpr std::int64_t kRetentionMs = 120LL * 3600 * 1000;

  // Opens or creates `path` (":memory:" keeps nothing across restarts) and loads what it holds,
  // dropping entries older than kRetentionMs before `now_ms`.
  static Result<std::unique_ptr<NotificationLog>> open(const std::string& path,
                                                       std::int64_t now_ms);
  ~NotificationLog();

  // The last notification of the group to the receiver; null when there was none.
  const LogEntry* find(const std::string& group_key, const std::string& receiver) const;
  // Remembers `entry`; it stays in memory even when writing it fails (the error says so).
  Result<void> record(const std::string& group_key, const std::string& receiver, LogEntry entry);

  // The starts_at of the firing spell acknowledged for `fingerprint`, if any.
  std::optional<std::int64_t> acked_spell(const std::string& fingerprint) const;
  Result<void> set_ack(const std::string& fingerprint, std::int64_t starts_at_ms,
                       std::int64_t acked_at_ms);
  Result<void> clear_ack(const std::string& fingerprint);

 private:
  using Key = std::pair<std::string, std::string>;  // group key, receiver
  explicit NotificationLog(sqlite::Db db) : db_(std::move(db)) {}
  Result<void> load(std::int64_t now_ms);

  sqlite::Db db_;
  std::map<Key, LogEntry> entries_{};
  std::map<std::string, std::int64_t> acks_{};  // fingerprint -> acknowledged starts_at
};

}  // namespace vitals::notify
