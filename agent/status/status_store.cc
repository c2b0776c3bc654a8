#include "agent/status/status_store.h"

#include <array>
#include <cstdio>

#include "agent/store/history_db.h"

namespace vitals::status {
namespace {

using sqlite::Migration;
using sqlite::Statement;
using sqlite::Step;

// Times are Unix milliseconds (UTC), states their codes ("partial_outage").
constexpr std::array kMigrations = {
    Migration{1, R"sql(
CREATE TABLE component_days (
  component TEXT NOT NULL,
  day TEXT NOT NULL,
  observed_ms INTEGER NOT NULL,
  degraded_ms INTEGER NOT NULL,
  partial_ms INTEGER NOT NULL,
  major_ms INTEGER NOT NULL,
  PRIMARY KEY (component, day)
) STRICT;
CREATE TABLE incidents (
  id INTEGER PRIMARY KEY,
  component TEXT NOT NULL,
  worst TEXT NOT NULL,
  opened_ms INTEGER NOT NULL,
  closed_ms INTEGER
) STRICT;
CREATE INDEX incidents_by_close ON incidents (closed_ms);
CREATE TABLE incident_events (
  incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  at_ms INTEGER NOT NULL,
  state TEXT NOT NULL,
  detail TEXT NOT NULL
) STRICT;
CREATE INDEX incident_events_by_incident ON incident_events (incident_id, at_ms);
)sql"},
};

constexpr std::string_view kAddTime =
    "INSERT INTO component_days (component, day, observed_ms, degraded_ms, partial_ms, major_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (component, day) DO UPDATE SET "
    "observed_ms = observed_ms + excluded.observed_ms, "
    "degraded_ms = degraded_ms + excluded.degraded_ms, "
    "partial_ms = partial_ms + excluded.partial_ms, major_ms = major_ms + excluded.major_ms";
constexpr std::string_view kDays =
    "SELECT day, observed_ms, degraded_ms, partial_ms, major_ms FROM component_days "
    "WHERE component = ?1 AND day BETWEEN ?2 AND ?3 ORDER BY day";
constexpr std::string_view kIncidentColumns =
    "SELECT id, component, worst, opened_ms, closed_ms FROM incidents ";

using detail::from_unix_ms;
// The history's unit for every time column: Unix milliseconds.
std::int64_t unix_ms(WallTime t) {
  return detail::to_unix_ms(t);
}

template <class F>
Result<void> each_row(Statement& query, F read_row) {
  for (;;) {
    auto step = query.step();
    if (!step) return tl::unexpected(step.error());
    if (*step == Step::Done) return {};
    read_row(query);
  }
}

}  // namespace

DayRollup& DayRollup::operator+=(const DayRollup& other) {
  observed_ms += other.observed_ms;
  degraded_ms += other.degraded_ms;
  partial_ms += other.partial_ms;
  major_ms += other.major_ms;
  return *this;
}

std::optional<double> DayRollup::availability() const {
  if (observed_ms <= 0) return std::nullopt;
  const auto down = static_cast<double>(partial_ms + major_ms);
  return 1.0 - down / static_cast<double>(observed_ms);
}

WallTime day_start(WallTime t) {
  return std::chrono::floor<std::chrono::days>(t);
}

std::string utc_day(WallTime t) {
  const std::chrono::year_month_day date{std::chrono::floor<std::chrono::days>(t)};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

Result<std::unique_ptr<StatusStore>> StatusStore::open(const std::string& path) {
  auto db = sqlite::Db::open(path);
  if (!db) return tl::unexpected(db.error());
  if (auto migrated = sqlite::migrate(*db, kMigrations); !migrated) {
    return tl::unexpected(migrated.error());
  }
  return std::unique_ptr<StatusStore>(new StatusStore(std::move(*db)));
}

Result<void> StatusStore::add_time(std::span<const ComponentDay> days) {
  MutexLock lock(mu_);
  auto transaction = sqlite::Transaction::begin(db_);
  if (!transaction) return tl::unexpected(transaction.error());
  auto upsert = db_.prepare(kAddTime);
  if (!upsert) return tl::unexpected(upsert.error());
  for (const auto& [component, add] : days) {
    auto done = upsert->bind_all(component, add.day, add.observed_ms, add.degraded_ms,
                                 add.partial_ms, add.major_ms);
    if (done) done = upsert->run();
    if (!done) return done;
  }
  return transaction->commit();
}

Result<std::vector<DayRollup>> StatusStore::days(std::string_view component,
                                                 std::string_view first_day,
                                                 std::string_view last_day) {
  MutexLock lock(mu_);
  auto query = db_.prepare(kDays);
  if (!query) return tl::unexpected(query.error());
  if (auto bound = query->bind_all(component, first_day, last_day); !bound) {
    return tl::unexpected(bound.error());
  }
  std::vector<DayRollup> days;
  auto read = each_row(*query, [&](Statement& row) {
    days.push_back({.day = row.column_text(0),
                    .observed_ms = row.column_int64(1),
                    .degraded_ms = row.column_int64(2),
                    .partial_ms = row.column_int64(3),
                    .major_ms = row.column_int64(4)});
  });
  if (!read) return tl::unexpected(read.error());
  return days;
}

Result<void> StatusStore::insert_event(std::int64_t id, const IncidentEvent& event) {
  auto insert = db_.prepare(
      "INSERT INTO incident_events (incident_id, at_ms, state, detail) VALUES (?1, ?2, ?3, ?4)");
  if (!insert) return tl::unexpected(insert.error());
  auto done = insert->bind_all(id, unix_ms(event.at), state_code(event.state), event.detail);
  if (done) done = insert->run();
  return done;
}

Result<std::int64_t> StatusStore::open_incident(std::string_view component,
                                                const IncidentEvent& first) {
  MutexLock lock(mu_);
  auto transaction = sqlite::Transaction::begin(db_);
  if (!transaction) return tl::unexpected(transaction.error());
  auto insert =
      db_.prepare("INSERT INTO incidents (component, worst, opened_ms) VALUES (?1, ?2, ?3)");
  if (!insert) return tl::unexpected(insert.error());
  auto done = insert->bind_all(component, state_code(first.state), unix_ms(first.at));
  if (done) done = insert->run();
  if (!done) return tl::unexpected(done.error());
  const std::int64_t id = db_.last_insert_rowid();
  if (done = insert_event(id, first); !done) return tl::unexpected(done.error());
  if (done = transaction->commit(); !done) return tl::unexpected(done.error());
  return id;
}

Result<void> StatusStore::add_event(std::int64_t id, const IncidentEvent& event) {
  MutexLock lock(mu_);
  auto transaction = sqlite::Transaction::begin(db_);
  if (!transaction) return tl::unexpected(transaction.error());
  auto done = insert_event(id, event);
  if (!done) return done;
  // Codes do not sort by severity, so the comparison happens here rather than in SQL.
  auto worst = db_.prepare("SELECT worst FROM incidents WHERE id = ?1");
  if (!worst) return tl::unexpected(worst.error());
  ComponentState current = ComponentState::NoData;
  if (done = worst->bind_all(id); done) {
    done = each_row(*worst, [&](Statement& row) { current = state_from_code(row.column_text(0)); });
  }
  if (!done) return done;
  if (event.state > current) {
    auto raise = db_.prepare("UPDATE incidents SET worst = ?2 WHERE id = ?1");
    if (!raise) return tl::unexpected(raise.error());
    if (done = raise->bind_all(id, state_code(event.state)); done) done = raise->run();
    if (!done) return done;
  }
  return transaction->commit();
}

Result<void> StatusStore::close_incident(std::int64_t id, const IncidentEvent& last) {
  MutexLock lock(mu_);
  auto transaction = sqlite::Transaction::begin(db_);
  if (!transaction) return tl::unexpected(transaction.error());
  auto done = insert_event(id, last);
  if (!done) return done;
  auto close = db_.prepare("UPDATE incidents SET closed_ms = ?2 WHERE id = ?1");
  if (!close) return tl::unexpected(close.error());
  if (done = close->bind_all(id, unix_ms(last.at)); done) done = close->run();
  if (!done) return done;
  return transaction->commit();
}

Result<void> StatusStore::read_timeline(Incident& incident) {
  auto query = db_.prepare(
      "SELECT at_ms, state, detail FROM incident_events WHERE incident_id = ?1 "
      "ORDER BY at_ms, rowid");
  if (!query) return tl::unexpected(query.error());
  if (auto bound = query->bind_all(incident.id); !bound) return bound;
  return each_row(*query, [&](Statement& row) {
    incident.timeline.push_back({.at = from_unix_ms(row.column_int64(0)),
                                 .state = state_from_code(row.column_text(1)),
                                 .detail = row.column_text(2)});
  });
}

Result<std::vector<Incident>> StatusStore::read_incidents(Statement& query) {
  std::vector<Incident> incidents;
  auto read = each_row(query, [&](Statement& row) {
    Incident incident{.id = row.column_int64(0),
                      .component = row.column_text(1),
                      .worst = state_from_code(row.column_text(2)),
                      .opened = from_unix_ms(row.column_int64(3))};
    if (!row.column_is_null(4)) incident.closed = from_unix_ms(row.column_int64(4));
    incidents.push_back(std::move(incident));
  });
  if (!read) return tl::unexpected(read.error());
  for (Incident& incident : incidents) {
    if (auto timeline = read_timeline(incident); !timeline) {
      return tl::unexpected(timeline.error());
    }
  }
  return incidents;
}

Result<std::vector<Incident>> StatusStore::open_incidents() {
  MutexLock lock(mu_);
  auto query = db_.prepare(std::string(kIncidentColumns) + "WHERE closed_ms IS NULL ORDER BY id");
  if (!query) return tl::unexpected(query.error());
  return read_incidents(*query);
}

Result<std::vector<Incident>> StatusStore::incidents_since(WallTime since) {
  MutexLock lock(mu_);
  auto query = db_.prepare(std::string(kIncidentColumns) +
                           "WHERE closed_ms IS NULL OR closed_ms >= ?1 ORDER BY opened_ms DESC, "
                           "id DESC");
  if (!query) return tl::unexpected(query.error());
  if (auto bound = query->bind_all(unix_ms(since)); !bound) return tl::unexpected(bound.error());
  return read_incidents(*query);
}

Result<std::size_t> StatusStore::delete_before(WallTime cutoff) {
  MutexLock lock(mu_);
  auto transaction = sqlite::Transaction::begin(db_);
  if (!transaction) return tl::unexpected(transaction.error());
  std::size_t deleted = 0;
  // A closed incident's events go with it (ON DELETE CASCADE).
  auto incidents = db_.prepare("DELETE FROM incidents WHERE closed_ms < ?1");
  if (!incidents) return tl::unexpected(incidents.error());
  auto done = incidents->bind_all(unix_ms(cutoff));
  if (done) done = incidents->run();
  if (!done) return tl::unexpected(done.error());
  deleted += static_cast<std::size_t>(db_.changes());
  auto days = db_.prepare("DELETE FROM component_days WHERE day < ?1");
  if (!days) return tl::unexpected(days.error());
  if (done = days->bind_all(utc_day(cutoff)); done) done = days->run();
  if (!done) return tl::unexpected(done.error());
  deleted += static_cast<std::size_t>(db_.changes());
  if (done = transaction->commit(); !done) return tl::unexpected(done.error());
  return deleted;
}

}  // namespace vitals::status
