// The JSON of /api/v1/: snapshots and history as the API serves them, inside Prometheus' envelope.
// The shapes are documented in api_routes.cc and docs/api.md. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/state/views.h"
#include "agent/store/history_store.h"

namespace vitals::detail {

nlohmann::json services_json(const AgentSnapshot& snapshot);
nlohmann::json probes_json(const AgentSnapshot& snapshot);
// Every check of every service, flattened: one object per (service, check).
nlohmann::json checks_json(const AgentSnapshot& snapshot);
nlohmann::json history_json(const std::vector<StateChange>& changes,
                            const std::vector<Rollup>& rollups);

// {"status":"success","data":…}
std::string success_body(const nlohmann::json& data);
// {"status":"error","errorType":…,"error":…}; types as Prometheus': bad_data, not_found,
// internal, unavailable.
std::string error_body(std::string_view type, std::string_view message);

}  // namespace vitals::detail
