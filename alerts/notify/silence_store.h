// The silences, kept in a SQLite file of their own so they survive restarts, with the active
// ones' matchers compiled for the dispatcher. Thread-safe: the API's threads create and expire
// silences while the dispatcher's thread asks which silences mute an alert (that reads an
// immutable snapshot swapped under a short lock, never the database).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/store/label_set.h"
#include "alerts/notify/matcher.h"
#include "alerts/notify/silence.h"
#include "vitals/common/clock.h"
#include "vitals/common/error.h"
#include "vitals/common/mutex.h"
#include "vitals/common/sqlite/db.h"

namespace vitals::notify {

class SilenceStore {
 public:
  // Random 64-bit numbers for silence ids; injected so tests can make them predictable.
  using Random = std::function<std::uint64_t()>;
  // Expired silences are kept this long for the API (Alertmanager's default retention).
  static constexpr std::int64_t kRetentionMs = 120LL * 3600 * 1000;

  // Opens or creates `path` (":memory:" for none kept); its directory must exist. `clock` gives
  // the wall time of creations and expiries and must outlive the store. Without `random`, ids
  // come from std::random_device.
  static Result<std::unique_ptr<SilenceStore>> open(const std::string& path, const Clock& clock,
                                                    Random random = {});
  ~SilenceStore();

  // Stores a new silence from `draft` (its id and updated_at are ignored) and returns it with
  // its id. InvalidArgument when there is no matcher, a matcher does not parse, every matcher
  // matches the empty string (it would silence everything), ends_at is not after starts_at, or
  // ends_at has passed. A starts_at in the past becomes now, as in Alertmanager.
  Result<Silence> create(Silence draft) EXCLUDES(mu_);
  // Ends the silence now (a pending one never starts). NotFound for an unknown id,
  // InvalidArgument when it has already expired.
  Result<Silence> expire(const std::string& id) EXCLUDES(mu_);

  // Every silence kept (expired ones until kRetentionMs after their end), newest start first.
  std::vector<Silence> list() const EXCLUDES(mu_);
  std::optional<Silence> get(const std::string& id) const EXCLUDES(mu_);
  // The ids (sorted) of the silences active at `now_ms` whose matchers all match `labels`.
  std::vector<std::string> silenced_by(const LabelPairs& labels, std::int64_t now_ms) const
      EXCLUDES(mu_);

 private:
  struct Compiled {
    Silence silence;
    std::vector<Matcher> matchers;
  };
  using Snapshot = std::vector<Compiled>;

  SilenceStore(sqlite::Db db, const Clock& clock, Random random);
  Result<void> load() REQUIRES(mu_);
  Result<void> write(const Silence& silence) REQUIRES(mu_);
  void drop_old(std::int64_t now_ms) REQUIRES(mu_);
  std::string new_id() REQUIRES(mu_);
  std::int64_t now_ms() const;

  const Clock& clock_;
  mutable Mutex mu_;
  sqlite::Db db_ GUARDED_BY(mu_);
  Random random_ GUARDED_BY(mu_);
  std::shared_ptr<const Snapshot> silences_ GUARDED_BY(mu_);
};

}  // namespace vitals::notify
