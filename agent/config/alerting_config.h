// The `alerting:` section of the agent's configuration as plain structs: Alertmanager's routing
// tree, inhibition rules and receivers, plus the Alertmanagers to push alerts to.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vitals/common/clock.h"

namespace vitals {

// One node of the routing tree as written. Unset fields (nullopt) inherit from the parent route;
// resolve_route_tree() (config.h) fills them in. Matchers stay as written, e.g.
// `severity="page"`, and have been checked to parse (agent/config/matcher.h).
struct RouteConfig {
  std::optional<std::string> receiver{};
  std::optional<std::vector<std::string>> group_by{};  // "..." alone means every label
  std::optional<Duration> group_wait{};
  std::optional<Duration> group_interval{};
  std::optional<Duration> repeat_interval{};
  std::vector<std::string> matchers{};
  bool continue_matching{false};  // YAML key `continue`: try the next sibling after a match
  std::vector<RouteConfig> routes{};
};

// A route with every field filled in from its ancestors and the defaults.
struct ResolvedRoute {
  std::string receiver{};
  std::vector<std::string> group_by{};
  Duration group_wait{};
  Duration group_interval{};
  Duration repeat_interval{};
  std::vector<std::string> matchers{};
  bool continue_matching{false};
  std::vector<ResolvedRoute> routes{};
};

// Mutes alerts matching target_matchers while an alert matching source_matchers fires with the
// same values for the `equal` labels.
struct InhibitRuleConfig {
  std::vector<std::string> source_matchers{};
  std::vector<std::string> target_matchers{};
  std::vector<std::string> equal{};
};

// Alertmanager's webhook payload (version 4).
struct WebhookConfig {
  std::string url{};
  std::int64_t max_alerts{0};  // 0 = all alerts of the group
  bool send_resolved{true};
};

// PagerDuty Events API v2. Exactly one of routing_key and routing_key_file is set; the file path
// is resolved against the config file's directory.
struct PagerDutyConfig {
  std::string url{"https://events.pagerduty.com/v2/enqueue"};
  std::optional<std::string> routing_key{};
  std::optional<std::string> routing_key_file{};
  bool send_resolved{true};
};

// Slack incoming webhook. Exactly one of url and url_file is set; url_file is resolved against the
// config file's directory. Like Alertmanager, Slack is not told about resolutions by default.
struct SlackConfig {
  std::optional<std::string> url{};
  std::optional<std::string> url_file{};
  std::string channel{};  // empty = the webhook's own channel
  bool send_resolved{false};
};

struct ReceiverConfig {
  std::string name{};
  std::vector<WebhookConfig> webhook_configs{};
  std::vector<PagerDutyConfig> pagerduty_configs{};
  std::vector<SlackConfig> slack_configs{};
};

// An Alertmanager that receives every alert through its API v2.
struct AlertmanagerTarget {
  std::string url{};
};

struct AlertingConfig {
  std::optional<RouteConfig> route{};  // absent: no notifications of our own
  std::vector<InhibitRuleConfig> inhibit_rules{};
  std::vector<ReceiverConfig> receivers{};
  std::vector<AlertmanagerTarget> alertmanagers{};
};

}  // namespace vitals
