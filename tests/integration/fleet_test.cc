// Scaling past one agent (issue 9, docs/scaling.md), on loopback: three shards of two
// vitals-agents each (`sharding: {total: 3, index: i}`, one configuration file per shard, the
// pair's external labels identical), a real Prometheus scraping all six, and two real
// Alertmanagers (Debian's prometheus-alertmanager) clustered with each other, every agent pushing
// to both. The test shows that each target is watched by exactly its shard's pair, that
// Prometheus holds every target's series from both agents of its pair, that a fault pages once
// although two agents fire it and both Alertmanagers hear it from both, and that losing one
// replica pages nobody: Prometheus tells which agent is down, its twin keeps the alert and
// alone resolves it, once.
#include <doctest/doctest.h>

#include <csignal>
#include <cstdint>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "tests/integration/agent_fixture.h"
#include "tests/integration/real_servers.h"
#include "tests/integration/webhook_receiver.h"
#include "tests/support/recording_server.h"

namespace vitals::testing {
namespace {

using nlohmann::json;

constexpr int kShards = 3;
constexpr int kReplicas = 2;
// Scrapes, evaluations and pushes of nine processes sharing two cores with Prometheus and two
// Alertmanagers; every wait returns as soon as its event happens.
constexpr auto kFleetTimeout = 30s;
// Alertmanager's cluster timings, as in agent_alertmanager_test: the second Alertmanager holds a
// notification for the peer timeout before sending what the first has not logged as sent; a
// group interval longer than it keeps their flushes from overlapping.
constexpr auto kPeerTimeout = 1s;
constexpr auto kGroupInterval = 3s;
// How long after a notification a duplicate could still come: the other Alertmanager flushes up
// to a group interval apart, holds its copy for the peer timeout and checks again at its next
// flush. One second more covers sending.
constexpr auto kDuplicateWindow = kPeerTimeout + 2 * kGroupInterval + 1s;

// A target and the shard its name falls in. The names are chosen so every shard gets some of
// each kind; probes fall where their own names hash, not where the service they probe does.
struct Target {
  const char* name;
  int shard;
};

constexpr Target kServices[] = {{"notify", 0}, {"ratings", 0}, {"fraud", 0},
                                {"feed", 1},   {"auth", 1},    {"billing", 1},
                                {"cards", 2},  {"ledger", 2},  {"profile", 2}};

struct Probe {
  Target target;
  const char* service;  // what it probes
  const char* path;     // an HTTP probe's path; empty: a TCP probe of the service's port
};

constexpr Probe kProbes[] = {{{"cards-api", 0}, "cards", "/livez"},
                             {{"ledger-port", 0}, "ledger", ""},
                             {{"auth-ready", 1}, "auth", "/readyz"},
                             {{"feed-api", 2}, "feed", "/livez"}};

// The service the test stops answering (shard 1); no probe targets it.
constexpr const char* kFaulty = "billing";
constexpr int kFaultyShard = 1;

// The agent's shard_of (agent/watch/target_set.cc): FNV-1a's 64-bit loop over the name, modulo
// the shard count. Its offset basis is common/stable_hash.h's, which lacks the last digit of
// FNV-1a's standard 14695981039346656037, so a standard FNV-1a library gives other shards.
int shard_of_name(std::string_view name, int total) {
  std::uint64_t hash = 1469598103934665603ull;
  for (char c : name) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return static_cast<int>(hash % static_cast<std::uint64_t>(total));
}

std::set<std::string> names_in_shard(int shard, bool probes) {
  std::set<std::string> names;
  if (probes) {
    for (const Probe& p : kProbes) {
      if (p.target.shard == shard) names.insert(p.target.name);
    }
  } else {
    for (const Target& s : kServices) {
      if (s.shard == shard) names.insert(s.name);
    }
  }
  return names;
}

// The agents' rules: a service that is unhealthy or unreachable pages at once.
constexpr const char* kAgentRules = R"(groups:
  - name: fleet
    rules:
      - alert: ServiceUnhealthy
        expr: vitals_service_health == 0
        labels:
          severity: page
        annotations:
          summary: "{{ $labels.service }} is unhealthy"
)";

// Prometheus' own rules over its scrape of the agents: one agent down, and a whole shard down.
constexpr const char* kPrometheusRules = R"(groups:
  - name: vitals-fleet
    rules:
      - alert: VitalsAgentDown
        expr: up{job="vitals-agent"} == 0
        labels:
          severity: ticket
      - alert: VitalsShardDown
        expr: sum by (shard) (up{job="vitals-agent"}) == 0
        labels:
          severity: page
)";

std::string quoted(const std::string& text) {
  return "\"" + text + "\"";
}

std::string loopback(int port) {
  return "127.0.0.1:" + std::to_string(port);
}

std::string alertmanager_config(const TempDir& dir, const std::string& hook) {
  const std::string group = prometheus_seconds(kGroupInterval);
  return dir.write_file("alertmanager.yml",
                        "route:\n"
                        "  receiver: hook\n"
                        "  group_by: [alertname, service]\n"
                        "  group_wait: " +
                            group + "\n  group_interval: " + group +
                            "\n"
                            "  repeat_interval: 1h\n"
                            "receivers:\n"
                            "  - name: hook\n"
                            "    webhook_configs: [{url: " +
                            quoted(hook) + ", send_resolved: true}]\n");
}

// Everything the fleet runs, stopped however the test ends (each child is a Process).
struct Fleet {
  TempDir dir;
  RecordingServer hook;
  std::map<std::string, ExampleService> services;
  std::vector<Alertmanager> alertmanagers;
  std::vector<Agent> agents;  // shard s, replica r at s * kReplicas + r
  std::optional<Prometheus> prometheus;

  Agent& agent(int shard, int replica) { return agents.at(shard * kReplicas + replica); }

  // The configuration of every agent of `shard`: the same for all but the index and the shard
  // external label, identical for the two replicas.
  std::string agent_config(int shard) const {
    std::string text =
        "global:\n"
        "  scrape_interval: 1s\n"
        "  evaluation_interval: 1s\n"
        "  external_labels: {shard: \"" +
        std::to_string(shard) + "\"}\nservices:\n";
    for (const Target& s : kServices) {
      text += "  - {name: " + std::string(s.name) +
              ", health_url: " + quoted(services.at(s.name).url("/health")) + "}\n";
    }
    text += "probes:\n";
    for (const Probe& p : kProbes) {
      const ExampleService& target = services.at(p.service);
      text += "  - {name: " + std::string(p.target.name) + ", " +
              (*p.path != '\0' ? "http: {url: " + quoted(target.url(p.path)) + "}}\n"
                               : "tcp: {address: " + quoted(loopback(target.port)) + "}}\n");
    }
    text += "rule_files: [agent-rules.yml]\nalerting:\n  alertmanagers: [";
    for (const Alertmanager& am : alertmanagers) {
      text += (&am == &alertmanagers.front() ? "" : ", ") + std::string("{url: ") +
              quoted(am.url()) + "}";
    }
    text +=
        "]\n"
        "status_page:\n"
        "  title: Fleet\n"
        "  components:\n"
        "    - {name: Card payments, services: [cards], probes: [cards-api]}\n"
        "sharding: {total: " +
        std::to_string(kShards) + ", index: " + std::to_string(shard) + "}\n";
    return dir.write_file("shard-" + std::to_string(shard) + ".yml", text);
  }

  // Prometheus scrapes every agent, keeping the agents' labels (none of their series has an
  // `instance`, so each gets its agent's), each target labelled with its shard.
  std::string prometheus_config() const {
    dir.write_file("prometheus-rules.yml", kPrometheusRules);
    std::string text =
        "global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}\n"
        "rule_files: [prometheus-rules.yml]\n"
        "scrape_configs:\n"
        "  - job_name: vitals-agent\n"
        "    honor_labels: true\n"
        "    static_configs:\n";
    for (int shard = 0; shard < kShards; ++shard) {
      text += "      - {labels: {shard: \"" + std::to_string(shard) + "\"}, targets: [";
      for (int replica = 0; replica < kReplicas; ++replica) {
        text += (replica == 0 ? "" : ", ") +
                quoted(loopback(agents.at(shard * kReplicas + replica).port));
      }
      text += "]}\n";
    }
    return dir.write_file("prometheus.yml", text);
  }
};

void start_fleet(Fleet& fleet) {
  const std::string prometheus_bin = require_tool("prometheus");
  const std::string alertmanager_bin = require_tool("prometheus-alertmanager");
  for (const Target& s : kServices) fleet.services.emplace(s.name, start_example({}));
  auto [a, b] = start_alertmanager_pair(alertmanager_bin, fleet.dir,
                                        alertmanager_config(fleet.dir, fleet.hook.url("/hook")),
                                        kPeerTimeout);
  fleet.alertmanagers.push_back(std::move(a));
  fleet.alertmanagers.push_back(std::move(b));
  for (const Alertmanager& am : fleet.alertmanagers) wait_until_clustered(am, 2, kFleetTimeout);
  fleet.dir.write_file("agent-rules.yml", kAgentRules);
  for (int shard = 0; shard < kShards; ++shard) {
    const std::string config = fleet.agent_config(shard);
    for (int replica = 0; replica < kReplicas; ++replica) {
      const std::string name = "shard" + std::to_string(shard) + "-" + std::to_string(replica);
      fleet.agents.push_back(start_agent(config, fleet.dir.file(name + ".db")));
    }
  }
  fleet.prometheus = start_prometheus(prometheus_bin, fleet.dir, fleet.prometheus_config());
}

// The names in an agent's /api/v1/services or /api/v1/probes list whose `reported` field is set.
std::set<std::string> reported_names(const json& list, const char* reported) {
  std::set<std::string> names;
  for (const json& item : list) {
    if (item.is_object() && !item.value(reported, json()).is_null()) {
      names.insert(item.value("name", ""));
    }
  }
  return names;
}

// What one agent watches, once all of it has reported: the names on `path` (`list`).
std::set<std::string> watched(const Agent& agent, const std::string& path, const char* list,
                              const char* reported, const std::set<std::string>& expected) {
  json body = poll_json(
      agent.port, path,
      [&](json b) { return reported_names(b["data"][list], reported) == expected; }, kFleetTimeout);
  std::set<std::string> all;
  for (const json& item : body["data"][list]) all.insert(item.value("name", ""));
  CHECK_MESSAGE(reported_names(body["data"][list], reported) == all,
                path << " lists targets that never reported: " << body.dump());
  return all;
}

std::string joined(const std::set<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ",") + name;
  return text;
}

// The values of `label` among an agent's `metric` series on /metrics.
std::set<std::string> exported(const std::vector<Sample>& samples, const std::string& metric,
                               const std::string& label) {
  std::set<std::string> values;
  for (const Sample& sample : samples) {
    if (sample.name != metric) continue;
    auto value = sample.labels.find(label);
    values.insert(value == sample.labels.end() ? "" : value->second);
  }
  return values;
}

// An agent's /metrics speaks of its shard's targets only: their series and its counters of
// scrapes and probes.
void check_exported(const Agent& agent, int shard) {
  const std::vector<Sample> samples = get_metrics(agent.port);
  const std::pair<const char*, const char*> series[] = {{"vitals_service_health", "service"},
                                                        {"vitals_scrapes_total", "service"},
                                                        {"probe_success", "probe"},
                                                        {"vitals_probes_total", "probe"}};
  for (const auto& [metric, label] : series) {
    const std::set<std::string> expected = names_in_shard(shard, std::string(label) == "probe");
    const std::set<std::string> got = exported(samples, metric, label);
    CHECK_MESSAGE(got == expected, "shard " << shard << " exports " << metric << " for "
                                            << joined(got) << ", not " << joined(expected));
  }
}

// a) Each agent lists exactly its shard's services and probes, all of them reporting, and over
//    the fleet each target is watched by two agents, both of its shard.
void check_split(Fleet& fleet) {
  std::map<std::string, std::vector<int>> watchers;  // target -> shards of the agents watching it
  for (int shard = 0; shard < kShards; ++shard) {
    for (int replica = 0; replica < kReplicas; ++replica) {
      const Agent& agent = fleet.agent(shard, replica);
      for (bool probes : {false, true}) {
        const std::set<std::string> expected = names_in_shard(shard, probes);
        const std::set<std::string> got =
            probes ? watched(agent, "/api/v1/probes", "probes", "last_run", expected)
                   : watched(agent, "/api/v1/services", "services", "last_scrape", expected);
        CHECK_MESSAGE(got == expected, "shard " << shard << " replica " << replica << " watches "
                                                << joined(got) << ", not " << joined(expected)
                                                << agent.said());
        for (const std::string& name : got) watchers[name].push_back(shard);
      }
      check_exported(agent, shard);
    }
  }
  for (const Target& t : kServices) {
    CHECK_MESSAGE(watchers[t.name] == std::vector<int>(kReplicas, t.shard), t.name);
  }
  for (const Probe& p : kProbes) {
    CHECK_MESSAGE(watchers[p.target.name] == std::vector<int>(kReplicas, p.target.shard),
                  p.target.name);
  }
}

// The status page of each agent shows a component from what that agent watches: "Card payments"
// has its service on shard 2 and its probe on shard 0, so shard 1's agents have no data for it.
void check_status_pages(Fleet& fleet) {
  auto state_of = [](json body) { return body["data"]["components"][0].value("state", ""); };
  for (int shard = 0; shard < kShards; ++shard) {
    const std::string expected = shard == 1 ? "no_data" : "operational";
    for (int replica = 0; replica < kReplicas; ++replica) {
      json body = poll_json(
          fleet.agent(shard, replica).port, "/api/v1/status",
          [&](const json& b) { return state_of(b) == expected; }, kFleetTimeout);
      CHECK_MESSAGE(state_of(body) == expected, "shard " << shard << ": " << body.dump());
    }
  }
}

// Prometheus' instant vector for `query`, once `done` holds for it (its last answer otherwise).
template <class Done>
json prometheus_query(const Fleet& fleet, const std::string& query, Done done) {
  json body = poll_json(
      fleet.prometheus->port, httplib::append_query_params("/api/v1/query", {{"query", query}}),
      [&](json b) { return done(b["data"]["result"]); }, kFleetTimeout);
  REQUIRE_MESSAGE(body.value("status", "") == "success", query << ": " << body.dump());
  return body["data"]["result"];
}

// For each value of `label` in Prometheus' `result`, the instances (agents) it has series from.
std::map<std::string, std::set<std::string>> sources(const json& result, const std::string& label) {
  std::map<std::string, std::set<std::string>> out;
  for (const json& series : result) {
    const json metric = series.value("metric", json::object());
    out[metric.value(label, "")].insert(metric.value("instance", ""));
  }
  return out;
}

// What Prometheus should see: each target's series from both agents of its shard.
std::map<std::string, std::set<std::string>> expected_sources(Fleet& fleet, bool probes) {
  std::map<std::string, std::set<std::string>> out;
  for (int shard = 0; shard < kShards; ++shard) {
    for (const std::string& name : names_in_shard(shard, probes)) {
      for (int replica = 0; replica < kReplicas; ++replica) {
        out[name].insert(loopback(fleet.agent(shard, replica).port));
      }
    }
  }
  return out;
}

// b) Prometheus, scraping all six agents, has every service's vitals_service_health and every
//    probe's probe_success from exactly the two agents of the target's shard.
void check_prometheus(Fleet& fleet) {
  const auto services = expected_sources(fleet, false);
  json health = prometheus_query(fleet, "vitals_service_health",
                                 [&](const json& r) { return sources(r, "service") == services; });
  CHECK_MESSAGE(sources(health, "service") == services, health.dump());
  const auto probes = expected_sources(fleet, true);
  json success = prometheus_query(fleet, "probe_success",
                                  [&](const json& r) { return sources(r, "probe") == probes; });
  CHECK_MESSAGE(sources(success, "probe") == probes, success.dump());

  // As an operator would ask it: every service twice, and from the shard its name says.
  json counted = prometheus_query(fleet, "count by (service, shard) (vitals_service_health) == 2",
                                  [](const json& r) { return r.size() == std::size(kServices); });
  REQUIRE_MESSAGE(counted.size() == std::size(kServices), counted.dump());
  for (const json& series : counted) {
    const std::string service = series["metric"].value("service", "");
    CHECK_MESSAGE(
        series["metric"].value("shard", "") == std::to_string(shard_of_name(service, kShards)),
        series.dump());
  }
}

// The labels every copy of the fault's alert carries: the pair's external label, no replica.
json fault_labels() {
  return {{"alertname", "ServiceUnhealthy"},
          {"service", kFaulty},
          {"severity", "page"},
          {"shard", std::to_string(kFaultyShard)}};
}

// The agent's pending and firing alerts, as /api/v1/alerts lists them.
json agent_alerts(const Agent& agent) {
  return get_data(agent.port, "/api/v1/alerts")["alerts"];
}

// The fingerprint of the one firing fault alert on `agent`, once there is one.
std::string fault_fingerprint(const Agent& agent) {
  auto firing = [](json body) {
    const json alerts = body["data"]["alerts"];
    return alerts.size() == 1 && alerts[0].value("state", "") == "firing";
  };
  json body = poll_json(agent.port, "/api/v1/alerts", firing, kFleetTimeout);
  REQUIRE_MESSAGE(firing(body), body.dump() << agent.said());
  const json& alert = body["data"]["alerts"][0];
  CHECK(alert["labels"].value("service", "") == kFaulty);
  return alert.value("fingerprint", "");
}

// The Alertmanager's active alerts, once there are `count` of them.
json active_alerts(const Alertmanager& am, std::size_t count) {
  auto counted = [&](const json& alerts) { return alerts.is_array() && alerts.size() == count; };
  json alerts = poll_json(am.port, "/api/v2/alerts?active=true", counted, kFleetTimeout);
  REQUIRE_MESSAGE(counted(alerts), am.url() << ": " << alerts.dump());
  return alerts;
}

// The agent's successful pushes to `alertmanager`, by its /metrics.
double pushes(const std::vector<Sample>& samples, const std::string& alertmanager) {
  return sample_value(samples, "vitals_alertmanager_pushes_total",
                      {{"alertmanager", alertmanager}, {"result", "success"}})
      .value_or(0);
}

double webhooks_sent(const Fleet& fleet) {
  double sent = 0;
  for (const Alertmanager& am : fleet.alertmanagers) sent += webhooks_sent(am);
  return sent;
}

// The webhook's requests once kDuplicateWindow has passed since `since`: a duplicate has had
// its chance.
std::vector<RecordedRequest> after_window(const Fleet& fleet, SteadyTime since) {
  std::this_thread::sleep_until(since + kDuplicateWindow);
  return fleet.hook.requests();
}

// c) The fault pages once: both agents of its shard fire the alert with the same labels and
//    fingerprint and push it to both Alertmanagers, which hold one alert and send it once.
void check_fault_pages_once(Fleet& fleet) {
  std::vector<RecordedRequest> got = wait_requests(fleet.hook, 0, kFleetTimeout);
  const auto paged_at = std::chrono::steady_clock::now();
  json page = body_of(got[0]);
  CHECK_MESSAGE(page["status"] == "firing", got[0].body);
  REQUIRE_MESSAGE(page["alerts"].size() == 1, got[0].body);
  CHECK(page["alerts"][0]["labels"] == fault_labels());
  const std::string fingerprint = page["alerts"][0].value("fingerprint", "");

  for (int replica = 0; replica < kReplicas; ++replica) {
    Agent& agent = fleet.agent(kFaultyShard, replica);
    CHECK_MESSAGE(fault_fingerprint(agent) == fingerprint, "replica " << replica);
    for (const Alertmanager& am : fleet.alertmanagers) {
      auto samples = poll_metrics(
          agent.port, [&](const std::vector<Sample>& s) { return pushes(s, am.url()) > 0; },
          kFleetTimeout);
      CHECK_MESSAGE(pushes(samples, am.url()) > 0, "replica " << replica << " to " << am.url());
    }
  }
  for (const Alertmanager& am : fleet.alertmanagers) {
    json alerts = active_alerts(am, 1);
    CHECK(alerts[0]["labels"] == fault_labels());
    CHECK(alerts[0].value("fingerprint", "") == fingerprint);
  }
  // The other shards' agents have nothing to say: no alert, nothing pushed.
  for (int shard = 0; shard < kShards; ++shard) {
    for (int replica = 0; shard != kFaultyShard && replica < kReplicas; ++replica) {
      const Agent& agent = fleet.agent(shard, replica);
      CHECK_MESSAGE(agent_alerts(agent).empty(), "shard " << shard);
      const std::vector<Sample> samples = get_metrics(agent.port);
      for (const Alertmanager& am : fleet.alertmanagers) CHECK(pushes(samples, am.url()) == 0);
    }
  }
  got = after_window(fleet, paged_at);
  CHECK_MESSAGE(got.size() == 1, got.size() << " notifications; the last: " << got.back().body);
  CHECK(webhooks_sent(fleet) == 1);
}

// d) One replica of the fault's shard dies: Prometheus says which agent is down and that its
//    shard is still watched; the twin keeps the alert firing, and nobody is paged again.
void check_replica_loss(Fleet& fleet, int dead_replica) {
  Agent& dead = fleet.agent(kFaultyShard, dead_replica);
  Agent& twin = fleet.agent(kFaultyShard, 1 - dead_replica);
  const std::string dead_instance = loopback(dead.port);
  (void)dead.process.kill();
  const auto killed_at = std::chrono::steady_clock::now();

  json down = prometheus_query(fleet, "up{job=\"vitals-agent\"} == 0",
                               [](const json& r) { return r.size() == 1; });
  REQUIRE_MESSAGE(down.size() == 1, down.dump());
  CHECK(down[0]["metric"].value("instance", "") == dead_instance);
  // Its shard's services now have one source each: the twin's.
  json once = prometheus_query(
      fleet,
      "count by (service) (vitals_service_health{shard=\"" + std::to_string(kFaultyShard) +
          "\"}) == 1",
      [](const json& r) { return r.size() == names_in_shard(kFaultyShard, false).size(); });
  CHECK_MESSAGE(once.size() == names_in_shard(kFaultyShard, false).size(), once.dump());

  auto agent_down = [](json body) {
    for (const json& alert : body["data"]["alerts"]) {
      if (alert["labels"].value("alertname", "") == "VitalsAgentDown") return true;
    }
    return false;
  };
  json rules = poll_json(fleet.prometheus->port, "/api/v1/alerts", agent_down, kFleetTimeout);
  REQUIRE_MESSAGE(agent_down(rules), rules.dump());
  for (const json& alert : rules["data"]["alerts"]) {
    CHECK_MESSAGE(alert["labels"].value("alertname", "") == "VitalsAgentDown", alert.dump());
    CHECK(alert["labels"].value("instance", "") == dead_instance);
  }

  const std::string fingerprint =
      body_of(fleet.hook.requests().at(0))["alerts"][0].value("fingerprint", "");
  CHECK(fault_fingerprint(twin) == fingerprint);
  std::vector<RecordedRequest> got = after_window(fleet, killed_at);
  CHECK_MESSAGE(got.size() == 1, got.size() << " notifications; the last: " << got.back().body);
  for (const Alertmanager& am : fleet.alertmanagers) {
    CHECK(active_alerts(am, 1)[0].value("fingerprint", "") == fingerprint);
  }
}

// e) The service answers again: the surviving replica resolves the alert, which both
//    Alertmanagers hear, and on-call is told once.
void check_resolved_once(Fleet& fleet) {
  fleet.services.at(kFaulty).process.send_signal(SIGCONT);
  std::vector<RecordedRequest> got = wait_requests(fleet.hook, 1, kFleetTimeout);
  const auto resolved_at = std::chrono::steady_clock::now();
  json resolved = body_of(got[1]);
  CHECK_MESSAGE(resolved["status"] == "resolved", got[1].body);
  REQUIRE_MESSAGE(resolved["alerts"].size() == 1, got[1].body);
  CHECK(resolved["alerts"][0]["labels"] == fault_labels());
  for (const Alertmanager& am : fleet.alertmanagers) active_alerts(am, 0);
  got = after_window(fleet, resolved_at);
  CHECK_MESSAGE(got.size() == 2, got.size() << " notifications; the last: " << got.back().body);
  CHECK(webhooks_sent(fleet) == 2);
}

TEST_CASE("three shards of HA agent pairs watch every target twice and page once per fault") {
  for (const Target& s : kServices) REQUIRE(shard_of_name(s.name, kShards) == s.shard);
  for (const Probe& p : kProbes) REQUIRE(shard_of_name(p.target.name, kShards) == p.target.shard);
  Fleet fleet;
  start_fleet(fleet);

  check_split(fleet);
  check_status_pages(fleet);
  check_prometheus(fleet);
  // Everything is healthy: nobody has been paged.
  CHECK_MESSAGE(fleet.hook.count() == 0, "paged while all is well");

  // The fault: billing stops answering (a hung process; its scrapes time out, so both agents of
  // shard 1 see it unreachable). SIGCONT below brings it back on the same port.
  fleet.services.at(kFaulty).process.send_signal(SIGSTOP);
  check_fault_pages_once(fleet);
  check_replica_loss(fleet, /*dead_replica=*/1);
  check_resolved_once(fleet);
}

}  // namespace
}  // namespace vitals::testing
