#include "alerts/notify/notification_log.h"

#include <array>

#include <nlohmann/json.hpp>

namespace vitals::notify {
namespace {

constexpr std::array kMigrations = {
    sqlite::Migration{1, R"sql(
      CREATE TABLE nflog (
        group_key TEXT NOT NULL,
        receiver TEXT NOT NULL,
        timestamp_ms INTEGER NOT NULL,
        firing_json TEXT NOT NULL,
        resolved_json TEXT NOT NULL,
        PRIMARY KEY (group_key, receiver)
      );
      CREATE TABLE ack (
        fingerprint TEXT PRIMARY KEY,
        starts_at_ms INTEGER NOT NULL,
        acked_at_ms INTEGER NOT NULL
      );
    )sql"},
};

std::vector<std::string> strings_of(const std::string& text) {
  auto json = nlohmann::json::parse(text, nullptr, false);
  std::vector<std::string> out;
  if (!json.is_array()) return out;
  for (const auto& item : json) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace

NotificationLog::~NotificationLog() = default;

Result<std::unique_ptr<NotificationLog>> NotificationLog::open(const std::string& path,
                                                               std::int64_t now_ms) {
  auto db = sqlite::Db::open(path);
  if (!db) return tl::unexpected(db.error());
  if (auto migrated = sqlite::migrate(*db, kMigrations); !migrated) {
    return tl::unexpected(migrated.error());
  }
  std::unique_ptr<NotificationLog> log(new NotificationLog(std::move(*db)));
  if (auto loaded = log->load(now_ms); !loaded) return tl::unexpected(loaded.error());
  return log;
}

Result<void> NotificationLog::load(std::int64_t now_ms) {
  auto prune = db_.prepare("DELETE FROM nflog WHERE timestamp_ms < ?1");
  if (!prune) return tl::unexpected(prune.error());
  if (auto bound = prune->bind_all(now_ms - kRetentionMs); !bound) return bound;
  if (auto ran = prune->run(); !ran) return ran;
  auto entries = db_.prepare(
      "SELECT group_key, receiver, timestamp_ms, firing_json, resolved_json FROM nflog");
  if (!entries) return tl::unexpected(entries.error());
  for (;;) {
    auto step = entries->step();
    if (!step) return tl::unexpected(step.error());
    if (*step == sqlite::Step::Done) break;
    entries_[{entries->column_text(0), entries->column_text(1)}] =
        LogEntry{.timestamp_ms = entries->column_int64(2),
                 .firing = strings_of(entries->column_text(3)),
                 .resolved = strings_of(entries->column_text(4))};
  }
  auto acks = db_.prepare("SELECT fingerprint, starts_at_ms FROM ack");
  if (!acks) return tl::unexpected(acks.error());
  for (;;) {
    auto step = acks->step();
    if (!step) return tl::unexpected(step.error());
    if (*step == sqlite::Step::Done) break;
    acks_[acks->column_text(0)] = acks->column_int64(1);
  }
  return {};
}

const LogEntry* NotificationLog::find(const std::string& group_key,
                                      const std::string& receiver) const {
  auto found = entries_.find({group_key, receiver});
  return found == entries_.end() ? nullptr : &found->second;
}

Result<void> NotificationLog::record(const std::string& group_key, const std::string& receiver,
                                     LogEntry entry) {
  auto upsert = db_.prepare(
      "INSERT OR REPLACE INTO nflog (group_key, receiver, timestamp_ms, firing_json, "
      "resolved_json) VALUES (?1, ?2, ?3, ?4, ?5)");
  const std::string firing = nlohmann::json(entry.firing).dump();
  const std::string resolved = nlohmann::json(entry.resolved).dump();
  const std::int64_t timestamp = entry.timestamp_ms;
  entries_[{group_key, receiver}] = std::move(entry);
  if (!upsert) return tl::unexpected(upsert.error());
  if (auto bound = upsert->bind_all(group_key, receiver, timestamp, firing, resolved); !bound) {
    return bound;
  }
  return upsert->run();
}

std::optional<std::int64_t> NotificationLog::acked_spell(const std::string& fingerprint) const {
  auto found = acks_.find(fingerprint);
  if (found == acks_.end()) return std::nullopt;
  return found->second;
}

Result<void> NotificationLog::set_ack(const std::string& fingerprint, std::int64_t starts_at_ms,
                                      std::int64_t acked_at_ms) {
  acks_[fingerprint] = starts_at_ms;
  auto upsert = db_.prepare(
      "INSERT OR REPLACE INTO ack (fingerprint, starts_at_ms, acked_at_ms) VALUES (?1, ?2, ?3)");
  if (!upsert) return tl::unexpected(upsert.error());
  if (auto bound = upsert->bind_all(fingerprint, starts_at_ms, acked_at_ms); !bound) return bound;
  return upsert->run();
}

Result<void> NotificationLog::clear_ack(const std::string& fingerprint) {
  if (acks_.erase(fingerprint) == 0) return {};
  auto remove = db_.prepare("DELETE FROM ack WHERE fingerprint = ?1");
  if (!remove) return tl::unexpected(remove.error());
  if (auto bound = remove->bind_all(fingerprint); !bound) return bound;
  return remove->run();
}

}  // namespace vitals::notify
