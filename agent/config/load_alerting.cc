// Reads `alerting:`: the routing tree, inhibit rules, receivers and Alertmanagers, with
// Alertmanager's own rules for what each may hold.
#include "agent/config/sections.h"
#include "agent/config/value_syntax.h"

namespace vitals::detail {
namespace {

const std::initializer_list<std::string_view> kRouteKeys = {
    "receiver",        "group_by", "group_wait", "group_interval",
    "repeat_interval", "matchers", "continue",   "routes"};

void require_positive(const MapReader& m, std::string_view key, std::optional<Duration> value) {
  if (value && *value <= Duration::zero()) m.fail(key, "must be greater than 0");
}

// Label names, or "..." alone to group by every label, as in Alertmanager.
void read_group_by(const MapReader& m, std::optional<std::vector<std::string>>& out) {
  if (!m.read("group_by", out)) return;
  const std::vector<std::string>& names = *out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    bool all = names[i] == "..." && names.size() == 1;
    if (all || is_label_name(names[i])) continue;
    std::string path = m.path_of("group_by") + "[" + std::to_string(i) + "]";
    m.reader().fail(m.reader().location(path),
                    path + ": expected a label name or \"...\" alone, got \"" + names[i] + "\"");
    return;
  }
}

RouteConfig read_route(const MapReader& m, bool is_root) {
  RouteConfig route;
  if (is_root) m.require("receiver");
  m.read("receiver", route.receiver);
  read_group_by(m, route.group_by);
  m.read("group_wait", route.group_wait);
  if (m.read("group_interval", route.group_interval)) {
    require_positive(m, "group_interval", route.group_interval);
  }
  if (m.read("repeat_interval", route.repeat_interval)) {
    require_positive(m, "repeat_interval", route.repeat_interval);
  }
  m.read_matchers("matchers", route.matchers);
  m.read("continue", route.continue_matching);
  // The root matches every alert; a matcher or `continue` there would be meaningless.
  if (is_root && !route.matchers.empty()) m.fail("matchers", "the root route takes no matchers");
  if (is_root && route.continue_matching) m.fail("continue", "the root route cannot continue");
  for (const YamlItem& item : m.items("routes")) {
    route.routes.push_back(read_route(MapReader(m.reader(), item, kRouteKeys), false));
  }
  return route;
}

void read_label_names(const MapReader& m, std::string_view key, std::vector<std::string>& out) {
  if (!m.read(key, out)) return;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (is_label_name(out[i])) continue;
    std::string path = m.path_of(key) + "[" + std::to_string(i) + "]";
    m.reader().fail(m.reader().location(path), path + ": invalid label name \"" + out[i] + "\"");
    return;
  }
}

InhibitRuleConfig read_inhibit_rule(const MapReader& m) {
  InhibitRuleConfig rule;
  m.read_matchers("source_matchers", rule.source_matchers);
  m.read_matchers("target_matchers", rule.target_matchers);
  read_label_names(m, "equal", rule.equal);
  return rule;
}

// Exactly one of two keys, e.g. routing_key or routing_key_file.
void require_one_of(const MapReader& m, std::string_view a, std::string_view b) {
  std::string either = std::string(a) + " or " + std::string(b);
  if (!m.has(a) && !m.has(b)) m.reader().fail(m.where(), m.path() + ": needs " + either);
  if (m.has(a) && m.has(b)) m.fail(b, "takes " + either + ", not both");
}

WebhookConfig read_webhook(const MapReader& m) {
  WebhookConfig c;
  if (m.require("url")) m.read_url("url", c.url);
  m.read_count("max_alerts", c.max_alerts);
  m.read("send_resolved", c.send_resolved);
  return c;
}

PagerDutyConfig read_pagerduty(const MapReader& m, const std::string& base_dir) {
  PagerDutyConfig c;
  m.read_url("url", c.url);
  m.read("routing_key", c.routing_key);
  if (m.read("routing_key_file", c.routing_key_file)) {
    c.routing_key_file = resolve_path(base_dir, *c.routing_key_file);
  }
  require_one_of(m, "routing_key", "routing_key_file");
  m.read("send_resolved", c.send_resolved);
  return c;
}

SlackConfig read_slack(const MapReader& m, const std::string& base_dir) {
  SlackConfig c;
  std::string url;
  if (m.read_url("url", url)) c.url = url;
  if (m.read("url_file", c.url_file)) c.url_file = resolve_path(base_dir, *c.url_file);
  require_one_of(m, "url", "url_file");
  m.read("channel", c.channel);
  m.read("send_resolved", c.send_resolved);
  return c;
}

ReceiverConfig read_receiver(const MapReader& m, const std::string& base_dir) {
  ReceiverConfig r;
  if (m.require("name") && m.read("name", r.name) && r.name.empty()) {
    m.fail("name", "must not be empty");
  }
  YamlReader& reader = m.reader();
  for (const YamlItem& item : m.items("webhook_configs")) {
    r.webhook_configs.push_back(
        read_webhook(MapReader(reader, item, {"url", "max_alerts", "send_resolved"})));
  }
  for (const YamlItem& item : m.items("pagerduty_configs")) {
    MapReader pd(reader, item, {"url", "routing_key", "routing_key_file", "send_resolved"});
    r.pagerduty_configs.push_back(read_pagerduty(pd, base_dir));
  }
  for (const YamlItem& item : m.items("slack_configs")) {
    MapReader slack(reader, item, {"url", "url_file", "channel", "send_resolved"});
    r.slack_configs.push_back(read_slack(slack, base_dir));
  }
  return r;
}

}  // namespace

void read_alerting(const MapReader& top, const std::string& base_dir, AlertingConfig& out) {
  MapReader m = top.map("alerting", {"route", "inhibit_rules", "receivers", "alertmanagers"});
  YamlReader& reader = m.reader();
  if (m.contains("route")) out.route = read_route(m.map("route", kRouteKeys), true);
  for (const YamlItem& item : m.items("inhibit_rules")) {
    MapReader rule(reader, item, {"source_matchers", "target_matchers", "equal"});
    out.inhibit_rules.push_back(read_inhibit_rule(rule));
  }
  for (const YamlItem& item : m.items("receivers")) {
    MapReader receiver(reader, item,
                       {"name", "webhook_configs", "pagerduty_configs", "slack_configs"});
    out.receivers.push_back(read_receiver(receiver, base_dir));
  }
  for (const YamlItem& item : m.items("alertmanagers")) {
    MapReader am(reader, item, {"url"});
    AlertmanagerTarget target;
    if (am.require("url")) am.read_url("url", target.url);
    out.alertmanagers.push_back(target);
  }
  if (!out.route && !out.receivers.empty()) {
    m.fail("receivers", "receivers need an alerting.route to send to them");
  }
}

}  // namespace vitals::detail
