#include "alerts/notify/delivery/receivers/alertmanager_payload.h"

#include "alerts/notify/delivery/receivers/payload_common.h"

namespace vitals::notify {

nlohmann::ordered_json alertmanager_alerts(const std::vector<NotifiedAlert>& alerts) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const NotifiedAlert& alert : alerts) {
    nlohmann::ordered_json entry = {{"labels", kv_json(alert.labels)},
                                    {"annotations", kv_json(alert.annotations)}};
    if (alert.starts_at_ms != 0) entry["startsAt"] = go_time(alert.starts_at_ms);
    if (alert.ends_at_ms != 0) entry["endsAt"] = go_time(alert.ends_at_ms);
    entry["generatorURL"] = alert.generator_url;
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace vitals::notify
