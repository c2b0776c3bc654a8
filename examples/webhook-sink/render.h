// How the webhook sink shows a notification to a person: the receiving path, then each alert of
// an Alertmanager webhook (version 4) payload with its state, labels and annotations; PagerDuty
// Events v2 and Slack incoming-webhook payloads by their summary lines; anything else as it came.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace vitals::sink {

// `body` is the request body; `json` its parse, discarded when it was not JSON.
std::string render_notification(std::string_view path, std::string_view received_at,
                                const nlohmann::json& json, std::string_view body);

}  // namespace vitals::sink
