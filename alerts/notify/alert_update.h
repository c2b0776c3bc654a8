// What the dispatcher is told about one alert: Alertmanager's postable alert. The rule engine's
// due alerts become these (rule_alerts.h); so could alerts from any other source.
#pragma once

#include <cstdint>
#include <string>

#include "agent/store/label_set.h"

namespace vitals::notify {

struct AlertUpdate {
  LabelPairs labels{};       // identity; alertname included
  LabelPairs annotations{};  // the latest update's win
  std::int64_t starts_at_ms{0};
  // When the alert stops being true unless refreshed (a firing alert's valid_until), or when it
  // resolved. 0 = no known end. The alert is resolved once the wall clock reaches it.
  std::int64_t ends_at_ms{0};
  std::string generator_url{};
  bool resolved{false};  // resolved now, whatever ends_at says
};

}  // namespace vitals::notify
