// The pieces of GET /api/v1/status (docs/status-page.md), each from values already read. Pure
// functions; thread-safe. Every string is copied as it is: escaping is the page's business, and
// JSON keeps markup inert anyway.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/config/config.h"
#include "agent/state/views.h"
#include "agent/status/component_state.h"
#include "agent/status/status_store.h"
#include "agent/store/history_store.h"

namespace vitals::status {

constexpr int kUptimeDays = 90;
constexpr int kIncidentDays = 14;
constexpr int kResponseTimeBuckets = 96;  // of 15 minutes: the last 24 hours

// name, description, state, state_text, causes, services, probes, active_incidents.
nlohmann::json component_json(const StatusComponentConfig& component,
                              const ComponentAssessment& assessment, const AgentSnapshot& snapshot);

// {"uptime": [90 days, oldest first, ending with now's day], "availability_90d": …}, from the
// component's observed days in that range.
nlohmann::json uptime_json(const std::vector<DayRollup>& days, WallTime now);

// {"probe", "points": [96 × 15 minutes, the last ending with now's bucket]} from the probe's
// per-minute rollups.
nlohmann::json response_time_json(const std::string& probe, const std::vector<Rollup>& rollups,
                                  WallTime now);

// {"objective", "month", "availability", "allowed_downtime_seconds", "downtime_seconds",
// "budget_left"} over `month_days` (the current month's): the budget is the objective's
// allowance of downtime over the whole calendar month, less the outage time so far.
nlohmann::json slo_json(double objective_percent, const std::vector<DayRollup>& month_days,
                        WallTime now);

nlohmann::json incident_json(const Incident& incident);

// The first day of `now`'s UTC month, "2026-11-01".
std::string month_start_day(WallTime now);

}  // namespace vitals::status
