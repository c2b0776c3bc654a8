// The Grafana dashboards of dashboards/grafana/: each is Grafana's dashboard JSON model (one
// schemaVersion, unique uids and panel ids, a ${datasource} variable instead of a hard-coded
// datasource), every query parses with the agent's own PromQL parser, and every metric a query
// selects is really exported: read from the live /metrics of a real vitals-agent and the real
// card-service and feed-service, plus the recording rules and ALERTS of alerts/rules.d as the
// agent loads them. Also the Grafana provisioning files beside them.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "alerts/promql/ast.h"
#include "alerts/promql/parser.h"
#include "tests/integration/agent_fixture.h"

namespace vitals::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr int kSchemaVersion = 39;
const std::vector<std::string> kDashboards = {"customer-overview", "service-health", "alerting",
                                              "agent-internals"};

// Plausible values for the Grafana variables the queries use, as Grafana substitutes them. A
// variable not listed here fails the test: a typo'd variable would reach Prometheus verbatim.
const std::map<std::string, std::string> kVariables = {
    {"datasource", "vitals-prometheus"},
    {"service", "card-service"},
    {"probe", "card-api"},
    {"instance", "127.0.0.1:9464"},
    {"__rate_interval", "1m"},
    {"__interval", "15s"},
    {"__range", "1h"},
};

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in, "cannot read " << path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

fs::path grafana_dir() {
  return fs::path(VITALS_SOURCE_DIR) / "dashboards" / "grafana";
}

json load_dashboard(const std::string& name) {
  fs::path path = grafana_dir() / (name + ".json");
  json dashboard = json::parse(read_text(path), nullptr, /*allow_exceptions=*/false);
  REQUIRE_MESSAGE(!dashboard.is_discarded(), path << " is not valid JSON");
  REQUIRE_MESSAGE(dashboard.is_object(), path << " is not a JSON object");
  return dashboard;
}

// Every panel, rows' nested (collapsed) panels included.
void collect_panels(const json& panels, std::vector<json>& out) {
  if (!panels.is_array()) return;
  for (const json& panel : panels) {
    out.push_back(panel);
    if (panel.contains("panels")) collect_panels(panel["panels"], out);
  }
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// `text` with Grafana's `$name`, `${name}` and `${name:format}` replaced from kVariables; the
// unknown variables' names in `unknown`.
std::string substitute(const std::string& text, std::vector<std::string>& unknown) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] != '$') {
      out += text[i++];
      continue;
    }
    std::string name;
    std::size_t next = i + 1;
    if (next < text.size() && text[next] == '{') {
      std::size_t close = text.find('}', next);
      if (close == std::string::npos) {
        out += text[i++];
        continue;
      }
      name = text.substr(next + 1, close - next - 1);
      name = name.substr(0, name.find(':'));  // ${service:regex}
      next = close + 1;
    } else {
      while (next < text.size() && is_name_char(text[next])) name += text[next++];
    }
    if (name.empty()) {
      out += text[i++];
      continue;
    }
    auto value = kVariables.find(name);
    if (value == kVariables.end()) {
      unknown.push_back(name);
      out += text.substr(i, next - i);
    } else {
      out += value->second;
    }
    i = next;
  }
  return out;
}

// The metric names `expr`'s selectors select; a selector that names no single metric goes to
// `unnamed` (the dashboards select every series by its name).
void metric_names(const promql::Expr& expr, std::set<std::string>& names,
                  std::vector<std::string>& unnamed) {
  auto add = [&](const promql::VectorSelector& selector) {
    if (!selector.name.empty()) {
      names.insert(selector.name);
      return;
    }
    for (const LabelMatcher& matcher : selector.matchers) {
      if (matcher.name() == "__name__" && matcher.op() == MatchOp::Equal) {
        names.insert(matcher.value());
        return;
      }
    }
    unnamed.push_back("a selector without a metric name");
  };
  auto recurse = [&](const promql::ExprPtr& child) {
    if (child) metric_names(*child, names, unnamed);
  };
  std::visit(
      [&](const auto& node) {
        using Node = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<Node, promql::VectorSelector>) {
          add(node);
        } else if constexpr (std::is_same_v<Node, promql::MatrixSelector>) {
          add(node.selector);
        } else if constexpr (std::is_same_v<Node, promql::Subquery> ||
                             std::is_same_v<Node, promql::Unary> ||
                             std::is_same_v<Node, promql::Paren>) {
          recurse(node.expr);
        } else if constexpr (std::is_same_v<Node, promql::Call>) {
          for (const promql::ExprPtr& arg : node.args) recurse(arg);
        } else if constexpr (std::is_same_v<Node, promql::Aggregate>) {
          recurse(node.expr);
          recurse(node.param);
        } else if constexpr (std::is_same_v<Node, promql::Binary>) {
          recurse(node.lhs);
          recurse(node.rhs);
        }
      },
      expr.node);
}

// One PromQL query of a dashboard and where it is.
struct Query {
  std::string where;  // "alerting.json panel 3 (Outbox) A"
  std::string expr;   // as written, variables unsubstituted
};

// The queries of a dashboard: every panel target's `expr`, and the metric selector of each
// `label_values(selector, label)` template variable.
std::vector<Query> queries_of(const std::string& name, const json& dashboard) {
  std::vector<Query> queries;
  std::vector<json> panels;
  collect_panels(dashboard["panels"], panels);
  for (const json& panel : panels) {
    if (!panel.contains("targets")) continue;
    for (const json& target : panel["targets"]) {
      std::string where = name + ".json panel " + panel["id"].dump() + " (" +
                          panel.value("title", "") + ") " + target.value("refId", "?");
      REQUIRE_MESSAGE(target.contains("expr"), where << " has no expr");
      queries.push_back({where, target["expr"].get<std::string>()});
    }
  }
  for (const json& variable : dashboard["templating"]["list"]) {
    if (variable.value("type", "") != "query") continue;
    const json& query = variable["query"];
    std::string text = query.is_object() ? query.value("query", "") : query.get<std::string>();
    constexpr std::string_view kLabelValues = "label_values(";
    if (!text.starts_with(kLabelValues)) continue;
    std::size_t comma = text.rfind(',');
    if (comma == std::string::npos) continue;  // label_values(label): no selector
    queries.push_back({name + ".json variable " + variable.value("name", ""),
                       text.substr(kLabelValues.size(), comma - kLabelValues.size())});
  }
  return queries;
}

struct Parsed {
  std::set<std::string> names;  // the metric names the queries select
  std::vector<std::string> problems;
};

// Parses every query of every dashboard with the agent's parser.
Parsed parse_all() {
  Parsed parsed;
  for (const std::string& name : kDashboards) {
    json dashboard = load_dashboard(name);
    std::vector<Query> queries = queries_of(name, dashboard);
    CHECK_MESSAGE(!queries.empty(), name << " has no queries");
    for (const Query& query : queries) {
      std::vector<std::string> unknown;
      std::string text = substitute(query.expr, unknown);
      for (const std::string& variable : unknown) {
        parsed.problems.push_back(query.where + ": unknown variable $" + variable);
      }
      auto expr = promql::parse(text);
      if (!expr) {
        parsed.problems.push_back(query.where + ": " + to_string(expr.error()) + " in " + text);
        continue;
      }
      std::vector<std::string> unnamed;
      metric_names(**expr, parsed.names, unnamed);
      for (const std::string& problem : unnamed) {
        parsed.problems.push_back(query.where + ": " + problem + " in " + text);
      }
    }
  }
  return parsed;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += "\n  " + line;
  return text;
}

TEST_CASE(
    "each dashboard is Grafana's JSON model with unique uids, panel ids and a datasource "
    "variable") {
  std::set<std::string> uids;
  for (const std::string& name : kDashboards) {
    CAPTURE(name);
    json dashboard = load_dashboard(name);
    CHECK(dashboard.value("schemaVersion", 0) == kSchemaVersion);
    CHECK(!dashboard.value("title", "").empty());
    std::string uid = dashboard.value("uid", "");
    CHECK(!uid.empty());
    CHECK(uid.size() <= 40);  // Grafana's limit
    CHECK_MESSAGE(uids.insert(uid).second, "uid " << uid << " is used twice");
    CHECK((dashboard.contains("id") && dashboard["id"].is_null()));  // provisioning assigns it

    // One `datasource` variable of type prometheus, and every panel and target uses it.
    bool datasource_variable = false;
    for (const json& variable : dashboard["templating"]["list"]) {
      if (variable.value("type", "") == "datasource" &&
          variable.value("name", "") == "datasource" &&
          variable.value("query", "") == "prometheus") {
        datasource_variable = true;
      }
    }
    CHECK(datasource_variable);

    std::vector<json> panels;
    collect_panels(dashboard["panels"], panels);
    REQUIRE(!panels.empty());
    std::set<int> ids;
    int queried = 0;
    for (const json& panel : panels) {
      std::string title = panel.value("title", "");
      CAPTURE(title);
      REQUIRE(panel.contains("id"));
      CHECK_MESSAGE(ids.insert(panel["id"].get<int>()).second, "panel id " << panel["id"]);
      CHECK(!title.empty());
      CHECK(panel.contains("gridPos"));
      if (panel.value("type", "") == "row") continue;
      const json datasource = {{"type", "prometheus"}, {"uid", "${datasource}"}};
      CHECK(panel["datasource"] == datasource);
      REQUIRE(panel.contains("targets"));
      CHECK(!panel["targets"].empty());
      for (const json& target : panel["targets"]) {
        CHECK(target["datasource"] == datasource);
        ++queried;
      }
    }
    CHECK(queried > 0);
  }
}

TEST_CASE("every dashboard query parses with the agent's PromQL parser") {
  Parsed parsed = parse_all();
  CHECK_MESSAGE(parsed.problems.empty(), joined(parsed.problems));
  CHECK(parsed.names.size() > 20);
}

// Metric names a text exposition declares or samples: a histogram's family stands for its
// _bucket, _sum and _count series, a summary's for its _sum and _count.
void exposed_names(const std::string& text, std::set<std::string>& names) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("# TYPE ")) {
      std::istringstream words(line.substr(7));
      std::string name;
      std::string type;
      words >> name >> type;
      names.insert(name);
      if (type == "histogram") names.insert(name + "_bucket");
      if (type == "histogram" || type == "summary") {
        names.insert(name + "_sum");
        names.insert(name + "_count");
      }
    } else if (!line.empty() && line[0] != '#') {
      names.insert(line.substr(0, line.find_first_of("{ ")));
    }
  }
}

using Service = ServiceProcess;

Service start_service(const char* binary, std::vector<std::string> args) {
  args.insert(args.end(), {"--port", "0", "--check-interval", "200ms", "--drain-grace", "0s"});
  return start_service_process(binary, args, kStartTimeout);
}

bool has_sample(const std::vector<Sample>& samples, const std::string& name,
                const std::string& label, const std::string& value) {
  return std::any_of(samples.begin(), samples.end(), [&](const Sample& sample) {
    auto found = sample.labels.find(label);
    return sample.name == name && found != sample.labels.end() && found->second == value;
  });
}

// The agent's config: both services with health_url and metrics_url, a probe, the shipped rules.
std::string agent_config(const TempDir& dir, const Service& card, const Service& feed) {
  auto service = [](const std::string& name, const Service& at) {
    return "  - name: " + name + "\n    health_url: " + at.url("/health") +
           "\n    metrics_url: " + at.url("/metrics") + "\n";
  };
  return dir.write_file("vitals.yml",
                        "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
                        "services:\n" +
                            service("card-service", card) + "    depends_on: [feed-service]\n" +
                            service("feed-service", feed) +
                            "probes:\n"
                            "  - name: card-api\n"
                            "    http: {url: '" +
                            card.url("/livez") +
                            "', expect_status: [200]}\n"
                            "rule_files: ['" VITALS_SOURCE_DIR "/alerts/rules.d/*.yml']\n");
}

// Whether the agent has scraped both services, run the probe and evaluated its rule groups
// (their vitals_rule_group_* families appear with the first evaluation).
bool scraped_all(const std::vector<Sample>& samples) {
  return has_sample(samples, "vitals_service_health", "service", "card-service") &&
         has_sample(samples, "vitals_service_health", "service", "feed-service") &&
         has_sample(samples, "probe_success", "probe", "card-api") &&
         has_sample(samples, "vitals_check_up", "service", "card-service") &&
         std::any_of(samples.begin(), samples.end(), [](const Sample& sample) {
           return sample.name == "vitals_rule_group_last_evaluation_timestamp_seconds" &&
                  sample.value > 0;
         });
}

// The series the rules make, as the agent loaded them: recording rules' names, and ALERTS.
std::set<std::string> rule_outputs(int agent_port) {
  json groups = poll_data(agent_port, "/api/v1/rules", [](const json& data) {
    return data["groups"].is_array() && data["groups"].size() >= 4;
  })["groups"];
  std::set<std::string> names;
  for (const json& group : groups) {
    for (const json& rule : group["rules"]) {
      if (rule.value("type", "") == "recording") names.insert(rule.value("name", ""));
      if (rule.value("type", "") == "alerting") names.insert("ALERTS");
    }
  }
  CHECK(names.count("feed:latency_slo_errors:ratio_rate5m") == 1);
  CHECK(names.count("ALERTS") == 1);
  return names;
}

TEST_CASE(
    "every metric the dashboards select is exported by the agent, the example services "
    "or the rules") {
  Parsed parsed = parse_all();  // the queries that parse: the case above reports the others
  REQUIRE(!parsed.names.empty());

  TempDir dir;
  Service feed = start_service(FEED_SERVICE_BIN, {});
  Service card = start_service(
      CARD_SERVICE_BIN, {"--feed-url", feed.url(""), "--db", dir.file("card.db"), "--rate", "20"});
  Agent agent = start_agent(agent_config(dir, card, feed), dir.file("vitals.db"));
  REQUIRE_MESSAGE(scraped_all(poll_metrics(agent.port, scraped_all, kEventTimeout)), agent.said());

  std::set<std::string> exported = rule_outputs(agent.port);
  std::map<std::string, std::set<std::string>> by_source;
  for (const auto& [source, port] : {std::pair<std::string, int>{"vitals-agent", agent.port},
                                     {"card-service", card.port},
                                     {"feed-service", feed.port}}) {
    HttpReply reply = get(port, "/metrics");
    REQUIRE_MESSAGE(reply.status == 200, source << " /metrics: " << reply.status);
    exposed_names(reply.body, by_source[source]);
    exported.insert(by_source[source].begin(), by_source[source].end());
  }
  // The business metrics come from the services themselves, not through the agent's /metrics.
  CHECK(by_source["card-service"].count("card_authorisations_total") == 1);
  CHECK(by_source["feed-service"].count("feed_event_latency_seconds_bucket") == 1);

  std::vector<std::string> missing;
  for (const std::string& name : parsed.names) {
    if (exported.count(name) == 0) missing.push_back(name);
  }
  CHECK_MESSAGE(missing.empty(), "selected by a dashboard, exported by nobody:" << joined(missing));
}

TEST_CASE("the provisioning files load the dashboards folder and a Prometheus datasource") {
  fs::path dashboards_file = grafana_dir() / "provisioning" / "dashboards" / "vitals.yml";
  fs::path datasources_file = grafana_dir() / "provisioning" / "datasources" / "prometheus.yml";
  REQUIRE(fs::exists(dashboards_file));
  REQUIRE(fs::exists(datasources_file));

  YAML::Node dashboards = YAML::LoadFile(dashboards_file.string());
  CHECK(dashboards["apiVersion"].as<int>() == 1);
  REQUIRE(dashboards["providers"].size() == 1);
  YAML::Node provider = dashboards["providers"][0];
  CHECK(provider["type"].as<std::string>() == "file");
  std::string path = provider["options"]["path"].as<std::string>();
  CHECK(path.starts_with("/"));
  // The README says to put dashboards/grafana there (a copy or a mount).
  std::string readme = read_text(fs::path(VITALS_SOURCE_DIR) / "dashboards" / "README.md");
  CHECK_MESSAGE(readme.find("dashboards/grafana:" + path) != std::string::npos,
                "dashboards/README.md does not mount dashboards/grafana at " << path);

  YAML::Node datasources = YAML::LoadFile(datasources_file.string());
  CHECK(datasources["apiVersion"].as<int>() == 1);
  REQUIRE(datasources["datasources"].size() == 1);
  YAML::Node prometheus = datasources["datasources"][0];
  CHECK(prometheus["type"].as<std::string>() == "prometheus");
  CHECK(prometheus["url"].as<std::string>() == "http://127.0.0.1:9090");

  // Every dashboard JSON sits directly in the folder the provider reads.
  for (const std::string& name : kDashboards) {
    CHECK(fs::exists(grafana_dir() / (name + ".json")));
  }
}

}  // namespace
}  // namespace vitals::testing
