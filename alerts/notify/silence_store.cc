#include "alerts/notify/silence_store.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <random>

#include <nlohmann/json.hpp>

namespace vitals::notify {
namespace {

constexpr std::array kMigrations = {
    sqlite::Migration{1, R"sql(
      CREATE TABLE silence (
        id TEXT PRIMARY KEY,
        matchers_json TEXT NOT NULL,
        starts_at_ms INTEGER NOT NULL,
        ends_at_ms INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        comment TEXT NOT NULL,
        updated_at_ms INTEGER NOT NULL
      );
    )sql"},
};

Error invalid(std::string message) {
  return Error{ErrorCode::InvalidArgument, std::move(message), std::nullopt};
}

// Alertmanager refuses silences whose matchers all match "": they would mute every alert.
Result<std::vector<Matcher>> checked_matchers(const Silence& draft) {
  if (draft.matchers.empty())
    return tl::unexpected(invalid("a silence needs at least one matcher"));
  auto matchers = parse_matchers(draft.matchers);
  if (!matchers) return matchers;
  const bool all_match_empty = std::all_of(matchers->begin(), matchers->end(),
                                           [](const Matcher& m) { return m.matches_value(""); });
  if (all_match_empty) {
    return tl::unexpected(invalid("at least one matcher must not match the empty string"));
  }
  return matchers;
}

}  // namespace

SilenceStore::SilenceStore(sqlite::Db db, const Clock& clock, Random random)
    : clock_(clock), db_(std::move(db)), random_(std::move(random)) {}
SilenceStore::~SilenceStore() = default;

Result<std::unique_ptr<SilenceStore>> SilenceStore::open(const std::string& path,
                                                         const Clock& clock, Random random) {
  auto db = sqlite::Db::open(path);
  if (!db) return tl::unexpected(db.error());
  if (auto migrated = sqlite::migrate(*db, kMigrations); !migrated) {
    return tl::unexpected(migrated.error());
  }
  if (!random) {
    random = [engine = std::make_shared<std::mt19937_64>(std::random_device{}())] {
      return (*engine)();
    };
  }
  std::unique_ptr<SilenceStore> store(new SilenceStore(std::move(*db), clock, std::move(random)));
  MutexLock lock(store->mu_);
  store->drop_old(store->now_ms());
  if (auto loaded = store->load(); !loaded) return tl::unexpected(loaded.error());
  return store;
}

std::int64_t SilenceStore::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.wall_now().time_since_epoch())
      .count();
}

Result<void> SilenceStore::load() {
  auto select = db_.prepare(
      "SELECT id, matchers_json, starts_at_ms, ends_at_ms, created_by, comment, updated_at_ms "
      "FROM silence ORDER BY starts_at_ms DESC, id");
  if (!select) return tl::unexpected(select.error());
  auto snapshot = std::make_shared<Snapshot>();
  for (;;) {
    auto step = select->step();
    if (!step) return tl::unexpected(step.error());
    if (*step == sqlite::Step::Done) break;
    Silence silence{.id = select->column_text(0),
                    .starts_at_ms = select->column_int64(2),
                    .ends_at_ms = select->column_int64(3),
                    .created_by = select->column_text(4),
                    .comment = select->column_text(5),
                    .updated_at_ms = select->column_int64(6)};
    auto json = nlohmann::json::parse(select->column_text(1), nullptr, false);
    if (json.is_array()) {
      for (const auto& text : json) {
        if (text.is_string()) silence.matchers.push_back(text.get<std::string>());
      }
    }
    auto matchers = parse_matchers(silence.matchers);
    if (!matchers) continue;  // written by us, so only a damaged row; it silences nothing
    snapshot->push_back({std::move(silence), std::move(*matchers)});
  }
  silences_ = std::move(snapshot);
  return {};
}

Result<void> SilenceStore::write(const Silence& silence) {
  auto upsert = db_.prepare(
      "INSERT OR REPLACE INTO silence (id, matchers_json, starts_at_ms, ends_at_ms, created_by, "
      "comment, updated_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!upsert) return tl::unexpected(upsert.error());
  std::string matchers = nlohmann::json(silence.matchers).dump();
  if (auto bound = upsert->bind_all(silence.id, matchers, silence.starts_at_ms, silence.ends_at_ms,
                                    silence.created_by, silence.comment, silence.updated_at_ms);
      !bound) {
    return bound;
  }
  if (auto ran = upsert->run(); !ran) return ran;
  return load();
}

void SilenceStore::drop_old(std::int64_t now_ms) {
  auto remove = db_.prepare("DELETE FROM silence WHERE ends_at_ms < ?1");
  if (remove && remove->bind_all(now_ms - kRetentionMs)) (void)remove->run();
}

std::string SilenceStore::new_id() {
  // Version 4 UUID layout over two random words: ids that never repeat and look familiar.
  const std::uint64_t high = (random_() & ~0xf000ULL) | 0x4000ULL;
  const std::uint64_t low = (random_() & ~(3ULL << 62)) | (2ULL << 62);
  char text[37];
  std::snprintf(text, sizeof text, "%08llx-%04llx-%04llx-%04llx-%012llx",
                static_cast<unsigned long long>(high >> 32),
                static_cast<unsigned long long>((high >> 16) & 0xffff),
                static_cast<unsigned long long>(high & 0xffff),
                static_cast<unsigned long long>(low >> 48),
                static_cast<unsigned long long>(low & 0xffffffffffffULL));
  return text;
}

Result<Silence> SilenceStore::create(Silence draft) {
  auto matchers = checked_matchers(draft);
  if (!matchers) return tl::unexpected(matchers.error());
  const std::int64_t now = now_ms();
  draft.starts_at_ms = std::max(draft.starts_at_ms, now);
  if (draft.ends_at_ms <= draft.starts_at_ms) {
    return tl::unexpected(invalid("ends_at must be after starts_at (and in the future)"));
  }
  draft.updated_at_ms = now;
  MutexLock lock(mu_);
  draft.id = new_id();
  drop_old(now);
  if (auto written = write(draft); !written) return tl::unexpected(written.error());
  return draft;
}

Result<Silence> SilenceStore::expire(const std::string& id) {
  const std::int64_t now = now_ms();
  MutexLock lock(mu_);
  auto found = std::find_if(silences_->begin(), silences_->end(),
                            [&](const Compiled& c) { return c.silence.id == id; });
  if (found == silences_->end()) {
    return tl::unexpected(Error{ErrorCode::NotFound, "no silence with id " + id, std::nullopt});
  }
  Silence silence = found->silence;
  if (silence_state(silence, now) == SilenceState::Expired) {
    return tl::unexpected(invalid("silence " + id + " has already expired"));
  }
  silence.starts_at_ms = std::min(silence.starts_at_ms, now);
  silence.ends_at_ms = now;
  silence.updated_at_ms = now;
  if (auto written = write(silence); !written) return tl::unexpected(written.error());
  return silence;
}

std::vector<Silence> SilenceStore::list() const {
  std::shared_ptr<const Snapshot> snapshot;
  {
    MutexLock lock(mu_);
    snapshot = silences_;
  }
  std::vector<Silence> out;
  for (const Compiled& c : *snapshot) out.push_back(c.silence);
  return out;
}

std::optional<Silence> SilenceStore::get(const std::string& id) const {
  for (Silence& silence : list()) {
    if (silence.id == id) return std::move(silence);
  }
  return std::nullopt;
}

std::vector<std::string> SilenceStore::silenced_by(const LabelPairs& labels,
                                                   std::int64_t now_ms) const {
  std::shared_ptr<const Snapshot> snapshot;
  {
    MutexLock lock(mu_);
    snapshot = silences_;
  }
  std::vector<std::string> out;
  for (const Compiled& c : *snapshot) {
    if (silence_state(c.silence, now_ms) != SilenceState::Active) continue;
    if (matches_all(c.matchers, labels)) out.push_back(c.silence.id);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace vitals::notify
