#include "agent/status/status_tracker.h"

#include <algorithm>

namespace vitals::status {
namespace {

std::int64_t whole_ms(Duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

// `ms` of observed time in `state` on `day`.
DayRollup time_in(ComponentState state, std::string day, std::int64_t ms) {
  DayRollup time{.day = std::move(day), .observed_ms = ms};
  if (state == ComponentState::DegradedPerformance) time.degraded_ms = ms;
  if (state == ComponentState::PartialOutage) time.partial_ms = ms;
  if (state == ComponentState::MajorOutage) time.major_ms = ms;
  return time;
}

bool is_outage_or_worse(ComponentState state) {
  return state > ComponentState::Operational;
}

}  // namespace

std::string detail_of(const ObservedComponent& component) {
  if (component.state == ComponentState::Operational) return "Resolved: operational again";
  std::string detail;
  for (const std::string& cause : component.causes) {
    if (!detail.empty()) detail += "; ";
    detail += cause;
  }
  return detail.empty() ? std::string(state_words(component.state)) : detail;
}

Result<std::unique_ptr<StatusTracker>> StatusTracker::open(StatusStore& store,
                                                           TrackerOptions options) {
  auto incidents = store.open_incidents();
  if (!incidents) return tl::unexpected(incidents.error());
  std::map<std::string, Open> open;
  for (const Incident& incident : *incidents) {
    const ComponentState last =
        incident.timeline.empty() ? incident.worst : incident.timeline.back().state;
    open[incident.component] = Open{.id = incident.id, .last = last};
  }
  return std::unique_ptr<StatusTracker>(new StatusTracker(store, options, std::move(open)));
}

Result<void> StatusTracker::observe(WallTime now, std::span<const ObservedComponent> components) {
  MutexLock lock(mu_);
  if (previous_at_ && now > *previous_at_ && now - *previous_at_ <= options_.max_gap) {
    count_time(*previous_at_, now);
  }
  previous_at_ = now;
  previous_.clear();
  Result<void> result;
  for (const ObservedComponent& component : components) {
    previous_[component.name] = component.state;
    if (auto followed = follow_incident(now, component); !followed && result) result = followed;
  }
  if (!last_flush_ || now - *last_flush_ >= options_.flush_interval) {
    if (auto flushed = flush_locked(); !flushed && result) result = flushed;
  }
  if (!last_retention_ || now - *last_retention_ >= std::chrono::hours(1)) {
    last_retention_ = now;
    if (auto deleted = store_.delete_before(now - options_.retention); !deleted && result) {
      result = tl::unexpected(deleted.error());
    }
  }
  return result;
}

// Splits [from, to) at UTC midnights and adds each part to the previous state's day.
void StatusTracker::count_time(WallTime from, WallTime to) {
  for (WallTime start = from; start < to;) {
    const WallTime end = std::min<WallTime>(to, day_start(start) + std::chrono::days(1));
    const std::string day = utc_day(start);
    const std::int64_t ms = whole_ms(end - start);
    for (const auto& [name, state] : previous_) {
      if (state == ComponentState::NoData) continue;
      DayRollup& pending = pending_[{name, day}];
      pending.day = day;
      pending += time_in(state, day, ms);
    }
    start = end;
  }
}

// Opens an incident when the component leaves Operational, adds a line when its state changes,
// closes it when it is Operational again. No data says nothing either way.
Result<void> StatusTracker::follow_incident(WallTime now, const ObservedComponent& component) {
  if (component.state == ComponentState::NoData) return {};
  const IncidentEvent event{.at = now, .state = component.state, .detail = detail_of(component)};
  auto open = open_.find(component.name);
  if (open == open_.end()) {
    if (!is_outage_or_worse(component.state)) return {};
    auto id = store_.open_incident(component.name, event);
    if (!id) return tl::unexpected(id.error());
    open_[component.name] = Open{.id = *id, .last = component.state};
    return {};
  }
  if (component.state == open->second.last) return {};
  if (component.state == ComponentState::Operational) {
    auto closed = store_.close_incident(open->second.id, event);
    if (closed) open_.erase(open);
    return closed;
  }
  auto added = store_.add_event(open->second.id, event);
  if (added) open->second.last = component.state;
  return added;
}

Result<void> StatusTracker::flush() {
  MutexLock lock(mu_);
  return flush_locked();
}

Result<void> StatusTracker::flush_locked() {
  if (pending_.empty()) return {};
  std::vector<ComponentDay> days;
  days.reserve(pending_.size());
  for (const auto& [key, time] : pending_) days.push_back({key.first, time});
  auto added = store_.add_time(days);
  if (!added) return added;  // kept in pending_ for the next attempt
  pending_.clear();
  last_flush_ = previous_at_;
  return {};
}

Result<std::vector<DayRollup>> StatusTracker::days(std::string_view component,
                                                   std::string_view first_day,
                                                   std::string_view last_day) {
  MutexLock lock(mu_);
  auto stored = store_.days(component, first_day, last_day);
  if (!stored) return stored;
  std::map<std::string, DayRollup> by_day;
  for (DayRollup& day : *stored) by_day[day.day] = std::move(day);
  for (const auto& [key, time] : pending_) {
    if (key.first != component || key.second < first_day || key.second > last_day) continue;
    DayRollup& day = by_day[key.second];
    day.day = key.second;
    day += time;
  }
  std::vector<DayRollup> days;
  for (auto& [unused, day] : by_day) days.push_back(std::move(day));
  return days;
}

}  // namespace vitals::status
