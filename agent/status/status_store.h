// The status page's own SQLite file: per-day rollups of how long each component spent in each
// state, and the incidents opened and closed from its state changes, with their timelines.
// Thread-safe: one connection, used under a mutex (writes are a few rows a second at most).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "agent/status/component_state.h"
#include "vitals/common/clock.h"
#include "vitals/common/error.h"
#include "vitals/common/mutex.h"
#include "vitals/common/sqlite/db.h"

namespace vitals::status {

// Time a component spent in its states during one UTC day, in milliseconds.
struct DayRollup {
  std::string day{};  // "2026-11-27"
  std::int64_t observed_ms = 0;
  std::int64_t degraded_ms = 0;
  std::int64_t partial_ms = 0;
  std::int64_t major_ms = 0;

  DayRollup& operator+=(const DayRollup& other);
  // The share of observed time out of outage (partial or major); none when nothing was observed.
  std::optional<double> availability() const;
};

// Time to add to one component's day.
struct ComponentDay {
  std::string component{};
  DayRollup time{};
};

struct IncidentEvent {
  WallTime at{};
  ComponentState state = ComponentState::Operational;
  std::string detail{};
};

struct Incident {
  std::int64_t id = 0;
  std::string component{};
  ComponentState worst = ComponentState::PartialOutage;
  WallTime opened{};
  std::optional<WallTime> closed{};
  std::vector<IncidentEvent> timeline{};  // oldest first
};

// "2026-11-27": the UTC day holding `t`.
std::string utc_day(WallTime t);
// The start of the UTC day holding `t`.
WallTime day_start(WallTime t);

class StatusStore {
 public:
  // Opens or creates the file and brings its schema up to date.
  static Result<std::unique_ptr<StatusStore>> open(const std::string& path);

  // Adds every entry to its component's day, in one transaction.
  Result<void> add_time(std::span<const ComponentDay> days) EXCLUDES(mu_);
  // Day rollups of `component` from `first_day` to `last_day` (inclusive), oldest first; days
  // never observed are absent.
  Result<std::vector<DayRollup>> days(std::string_view component, std::string_view first_day,
                                      std::string_view last_day) EXCLUDES(mu_);

  // Opens an incident with its first timeline line; returns its id.
  Result<std::int64_t> open_incident(std::string_view component, const IncidentEvent& first)
      EXCLUDES(mu_);
  // A timeline line; raises the incident's worst state when this one is worse.
  Result<void> add_event(std::int64_t id, const IncidentEvent& event) EXCLUDES(mu_);
  // The closing line (state Operational) and the closing time.
  Result<void> close_incident(std::int64_t id, const IncidentEvent& last) EXCLUDES(mu_);
  // Incidents still open, with their timelines.
  Result<std::vector<Incident>> open_incidents() EXCLUDES(mu_);
  // Incidents open at or after `since` (still open, or closed since), newest first, with their
  // timelines.
  Result<std::vector<Incident>> incidents_since(WallTime since) EXCLUDES(mu_);

  // Deletes day rollups and closed incidents from before `cutoff`; returns the rows deleted.
  Result<std::size_t> delete_before(WallTime cutoff) EXCLUDES(mu_);

 private:
  explicit StatusStore(sqlite::Db db) : db_(std::move(db)) {}
  Result<std::vector<Incident>> read_incidents(sqlite::Statement& query) REQUIRES(mu_);
  Result<void> read_timeline(Incident& incident) REQUIRES(mu_);
  Result<void> insert_event(std::int64_t id, const IncidentEvent& event) REQUIRES(mu_);

  Mutex mu_;
  sqlite::Db db_ GUARDED_BY(mu_);
};

}  // namespace vitals::status
