// The body of Alertmanager's `POST /api/v2/alerts` (a list of postable alerts), for pushing the
// agent's alerts to real Alertmanagers as Prometheus does. Pure; thread-safe.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "alerts/notify/notification.h"

namespace vitals::notify {

// Each alert's labels, annotations, startsAt, endsAt (left out when unknown, so Alertmanager
// applies its resolve_timeout) and generatorURL.
nlohmann::ordered_json alertmanager_alerts(const std::vector<NotifiedAlert>& alerts);

}  // namespace vitals::notify
