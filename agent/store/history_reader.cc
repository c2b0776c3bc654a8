#include "agent/store/history_db.h"

#include <algorithm>
#include <climits>
#include <map>
#include <utility>

#include <nlohmann/json.hpp>

namespace vitals::detail {
namespace {

using sqlite::Statement;
using sqlite::Step;

constexpr std::string_view kChangeColumns =
    "SELECT target, kind, check_name, at_ms, status, error, reason, metadata FROM state_changes ";
constexpr std::string_view kChangesOfTarget =
    "WHERE target = ?1 AND at_ms >= ?2 ORDER BY at_ms DESC, id DESC LIMIT ?3";
constexpr std::string_view kChangesOfAll =
    "WHERE at_ms >= ?2 ORDER BY at_ms DESC, id DESC LIMIT ?3";
constexpr std::string_view kRollups =
    "SELECT minute_ms, count, successes, latency_sum, latency_max FROM probe_rollups "
    "WHERE target = ?1 AND minute_ms >= ?2 ORDER BY minute_ms";

std::map<std::string, std::string> parse_metadata(const std::string& text) {
  std::map<std::string, std::string> metadata;
  auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return metadata;
  for (const auto& [key, value] : json.items()) {
    metadata[key] = value.is_string() ? value.get<std::string>() : value.dump();
  }
  return metadata;
}

StateChange read_change(const Statement& row) {
  return StateChange{.target = row.column_text(0),
                     .kind = row.column_text(1),
                     .check = row.column_text(2),
                     .at = from_unix_ms(row.column_int64(3)),
                     .status = row.column_text(4),
                     .error = row.column_text(5),
                     .reason = row.column_text(6),
                     .metadata = parse_metadata(row.column_text(7))};
}

}  // namespace

Result<std::unique_ptr<HistoryReader>> HistoryReader::open(const std::string& path,
                                                           Duration busy_timeout) {
  auto db = sqlite::Db::open(path, {.read_only = true, .busy_timeout = busy_timeout});
  if (!db) return tl::unexpected(db.error());
  std::unique_ptr<HistoryReader> reader(new HistoryReader(std::move(*db)));
  if (auto prepared = reader->prepare(); !prepared) return tl::unexpected(prepared.error());
  return reader;
}

Result<void> HistoryReader::prepare() {
  std::string of_target = std::string(kChangeColumns) + std::string(kChangesOfTarget);
  std::string of_all = std::string(kChangeColumns) + std::string(kChangesOfAll);
  return prepare_statements(
      db_, {{&changes_of_target_, of_target}, {&changes_of_all_, of_all}, {&rollups_, kRollups}});
}

Result<std::vector<StateChange>> HistoryReader::changes(std::string_view target, WallTime since,
                                                        std::size_t limit) {
  Statement& query = target.empty() ? *changes_of_all_ : *changes_of_target_;
  auto capped = static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX));
  // The all-targets query has no ?1; binding NULL to the unused slot is harmless.
  auto bound = target.empty() ? query.bind_all(nullptr, to_unix_ms(since), capped)
                              : query.bind_all(target, to_unix_ms(since), capped);
  if (!bound) return tl::unexpected(bound.error());
  std::vector<StateChange> changes;
  for (;;) {
    auto step = query.step();
    if (!step) return tl::unexpected(step.error());
    if (*step == Step::Done) return changes;
    changes.push_back(read_change(query));
  }
}

Result<std::vector<Rollup>> HistoryReader::rollups(std::string_view target, WallTime since) {
  Statement& query = *rollups_;
  auto bound = query.bind_all(target, minute_start_ms(to_unix_ms(since)));
  if (!bound) return tl::unexpected(bound.error());
  std::vector<Rollup> rollups;
  for (;;) {
    auto step = query.step();
    if (!step) return tl::unexpected(step.error());
    if (*step == Step::Done) return rollups;
    rollups.push_back(Rollup{.target = std::string(target),
                             .minute = from_unix_ms(query.column_int64(0)),
                             .count = query.column_int64(1),
                             .successes = query.column_int64(2),
                             .latency_sum_seconds = query.column_double(3),
                             .latency_max_seconds = query.column_double(4)});
  }
}

Result<std::unique_ptr<HistoryReaders>> HistoryReaders::open(std::string path,
                                                             Duration busy_timeout) {
  std::unique_ptr<HistoryReaders> readers(new HistoryReaders(std::move(path), busy_timeout));
  auto first = readers->acquire();
  if (!first) return tl::unexpected(first.error());
  readers->release(std::move(*first));
  return readers;
}

Result<std::unique_ptr<HistoryReader>> HistoryReaders::acquire() {
  {
    MutexLock lock(mu_);
    if (!idle_.empty()) {
      auto reader = std::move(idle_.back());
      idle_.pop_back();
      return reader;
    }
  }
  return HistoryReader::open(path_, busy_timeout_);  // outside the lock: opening touches disk
}

void HistoryReaders::release(std::unique_ptr<HistoryReader> reader) {
  constexpr std::size_t kMaxIdle = 4;  // enough for the web server's usual concurrency
  MutexLock lock(mu_);
  if (idle_.size() < kMaxIdle) idle_.push_back(std::move(reader));
}

}  // namespace vitals::detail
