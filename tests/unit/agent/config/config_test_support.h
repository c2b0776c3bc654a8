// What the agent/config tests share: SPEC.md's configuration example, word for word, and a
// short way to get the error a piece of YAML produces.
#pragma once

#include <string>
#include <string_view>

#include "agent/config/load_config.h"

namespace vitals::testing {

// Line 1 is `global:`. Note that it names feed-service in depends_on without defining it.
inline constexpr std::string_view kSpecExample = R"yaml(global:
  scrape_interval: 15s        # default for services and probes
  scrape_timeout: 5s
  evaluation_interval: 15s
  external_labels: {cluster: demo}
storage:
  path: data/vitals.db        # SQLite; --storage.path overrides
  retention: 30d
web:
  listen_address: 127.0.0.1:9464
  admin_token_file: secrets/admin-token   # required for write endpoints when set
services:                     # in-band: services that embed the checkers library
  - name: card-service
    health_url: http://127.0.0.1:8081/health
    metrics_url: http://127.0.0.1:8081/metrics
    interval: 5s
    interval_when_failing: 1s
    sample_limit: 50000          # more series fail the whole scrape (up 0), as in Prometheus
    body_size_limit: 10MB
    depends_on: [feed-service]
    labels: {team: cards}
probes:                       # out-of-band, one of http / tcp / tls / dns each
  - name: card-api
    interval: 10s
    timeout: 3s
    labels: {component: cards}
    http: {url: http://127.0.0.1:8081/ping, method: GET, headers: {}, body: "",
           expect_status: [200], expect_body_regex: "pong", max_latency: 500ms,
           follow_redirects: true, tls_verify: true}
  - name: db-port
    tcp: {address: 127.0.0.1:5432, send: "", expect_regex: ""}
  - name: public-cert
    tls: {address: example.test:443, server_name: example.test, min_days_left: 14}
  - name: api-dns
    dns: {name: api.example.test, server: 127.0.0.1:53, record: A, expect_regex: ""}
rule_files: [alerts/*.yml]
alerting:
  route: {receiver: oncall, group_by: [alertname, service], group_wait: 5s,
          group_interval: 1m, repeat_interval: 4h,
          routes: [{matchers: ['severity="page"'], receiver: pager}]}
  inhibit_rules: [{source_matchers: ['severity="page"'], target_matchers: ['severity="ticket"'],
                   equal: [service]}]
  receivers:
    - name: oncall
      webhook_configs: [{url: http://127.0.0.1:9099/hook}]          # Alertmanager webhook payload
    - name: pager
      pagerduty_configs: [{url: http://127.0.0.1:9099/pd, routing_key_file: secrets/pd}]
      slack_configs: [{url: http://127.0.0.1:9099/slack, channel: "#oncall"}]
  alertmanagers: [{url: http://127.0.0.1:9093}]  # optional: push to Alertmanager API v2
status_page:
  title: Mondo status
  components:
    - name: Card payments
      description: Paying with your card in shops and online
      services: [card-service]          # its checkers
      probes: [card-api]
      alert_matchers: ['component="cards"']
      slo: 99.9                         # optional: availability objective, error budget shown
sharding: {total: 1, index: 0}          # split services and probes across agents by name hash
)yaml";

// The SPEC example plus the feed-service its card-service depends on, added after line 21 so
// every line number of the original stays the same up to there.
inline std::string spec_example_with_feed_service() {
  std::string text(kSpecExample);
  std::string probes = "probes:";
  text.insert(text.find(probes),
              "  - name: feed-service\n"
              "    health_url: http://127.0.0.1:8082/health\n");
  return text;
}

// to_string() of parse_config's error for `yaml` read as "vitals.yml", or "no error".
inline std::string error_of(std::string_view yaml) {
  auto config = parse_config(yaml, "vitals.yml");
  return config ? "no error" : to_string(config.error());
}

}  // namespace vitals::testing
