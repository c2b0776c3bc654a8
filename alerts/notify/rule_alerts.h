// The rule engine's due alerts as the dispatcher's updates, the way Prometheus sends alerts to
// Alertmanager (rules.SendAlerts): starts_at is when the alert fired, ends_at its resolution or,
// while firing, its valid_until; the generator URL links to the rule's expression in a table.
// The external labels join each alert's labels, as Prometheus adds them to the alerts it sends,
// except where the alert has a label of that name already. Pure; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "alerts/notify/alert_update.h"
#include "alerts/rules/rule_group.h"

namespace vitals::notify {

using ExternalLabels = std::map<std::string, std::string>;

// `labels` (sorted) with the external labels it lacks, sorted again.
LabelPairs with_external_labels(LabelPairs labels, const ExternalLabels& external_labels);

// `external_url` without a trailing slash, e.g. "http://127.0.0.1:9464".
AlertUpdate update_from(const rules::DueAlert& due, std::string_view external_url,
                        const ExternalLabels& external_labels = {});
std::vector<AlertUpdate> updates_from(const std::vector<rules::DueAlert>& due,
                                      std::string_view external_url,
                                      const ExternalLabels& external_labels = {});

}  // namespace vitals::notify
