#include "tests/e2e/demo_world.h"

#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/e2e/time_scaled_rules.h"

namespace vitals::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr auto kServiceStartTimeout = 20s;

// The shipped rule files (not their tests), time-scaled, as rules-<name>.yml in `dir`; returns
// the glob both configurations load them by.
std::string write_scaled_rules(const TempDir& dir) {
  std::size_t written = 0;
  for (const auto& entry : fs::directory_iterator(VITALS_RULES_DIR)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".yml" || name.ends_with("_test.yml")) continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    dir.write_file("rules-" + name, time_scaled_rules(text.str(), kTimeFactor));
    ++written;
  }
  REQUIRE_MESSAGE(written >= 3, "no shipped rule files in " << VITALS_RULES_DIR);
  return "rules-*.yml";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The port in the first line of `log` that says "listening on" and ends in a number.
std::optional<int> listening_port(const std::string& log) {
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("listening on") == std::string::npos) continue;
    std::size_t digits = line.find_last_not_of("0123456789");
    if (digits == std::string::npos || digits + 1 == line.size()) continue;
    return std::stoi(line.substr(digits + 1));
  }
  return std::nullopt;
}

// Starts `binary` with its stdout and stderr appended to `<dir>/<name>.log` and waits until it
// says it listens.
LoggedProcess start_logged(const TempDir& dir, const std::string& name, const std::string& binary,
                           const std::vector<std::string>& args) {
  const std::string log_file = dir.file(name + ".log");
  std::vector<std::string> argv = {"-c", "f=$1; shift; exec \"$@\" >>\"$f\" 2>&1 </dev/null", "sh",
                                   log_file, binary};
  argv.insert(argv.end(), args.begin(), args.end());
  auto process = Process::spawn("/bin/sh", argv);
  REQUIRE_MESSAGE(process, why(process));
  LoggedProcess started{std::move(*process), log_file, 0};
  const auto deadline = std::chrono::steady_clock::now() + kServiceStartTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto port = listening_port(read_file(log_file))) {
      started.port = *port;
      return started;
    }
    std::this_thread::sleep_for(50ms);
  }
  FAIL(name << " did not start listening:\n" << started.log_tail());
  return started;
}

using Named = std::array<std::pair<std::string, const LoggedProcess*>, 2>;

Named named(const LoggedProcess& card, const LoggedProcess& feed, std::string card_name,
            std::string feed_name) {
  return {{{std::move(card_name), &card}, {std::move(feed_name), &feed}}};
}

LoggedProcess start_feed(const TempDir& dir) {
  return start_logged(dir, "feed-service", FEED_SERVICE_BIN,
                      {"--port", "0", "--check-interval", "500ms", "--heartbeat-window", "5s",
                       "--drain-grace", "0s"});
}

LoggedProcess start_card(const TempDir& dir, const LoggedProcess& feed) {
  return start_logged(
      dir, "card-service", CARD_SERVICE_BIN,
      {"--port", "0", "--feed-url", feed.url(), "--db", dir.file("card.db"), "--rate", "30",
       "--check-interval", "500ms", "--heartbeat-window", "5s", "--drain-grace", "0s"});
}

// Everything to the sink, resolutions too; groups as the agent's route does, and flushed fast.
std::string alertmanager_config(const TempDir& dir, const LoggedProcess& sink) {
  return dir.write_file("alertmanager.yml",
                        "route:\n"
                        "  receiver: sink\n"
                        "  group_by: [alertname, service]\n"
                        "  group_wait: 1s\n"
                        "  group_interval: 2s\n"
                        "  repeat_interval: 1h\n"
                        "receivers:\n"
                        "  - name: sink\n"
                        "    webhook_configs: [{url: \"" +
                            sink.url("/alertmanager") + "\", send_resolved: true}]\n");
}

std::string agent_config(const TempDir& dir, const LoggedProcess& card, const LoggedProcess& feed,
                         const LoggedProcess& sink, const Alertmanager& alertmanager,
                         const std::string& rules) {
  std::ostringstream c;
  c << "global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s,\n"
       "         external_labels: {source: agent}}\n"
       "services:\n";
  for (const auto& [name, service] : named(card, feed, "card-service", "feed-service")) {
    c << "  - name: " << name << "\n    health_url: " << service->url("/health")
      << "\n    metrics_url: " << service->url("/metrics") << "\n";
  }
  c << "probes:\n";
  for (const auto& [name, service] : named(card, feed, "card-api", "feed-api")) {
    c << "  - name: " << name << "\n    http: {url: " << service->url("/livez") << "}\n";
  }
  c << "rule_files: [" << rules << "]\n"
    << "alerting:\n"
       "  route: {receiver: oncall, group_by: [alertname, service], group_wait: 1s,\n"
       "          group_interval: 2s, repeat_interval: 1h}\n"
       "  receivers:\n"
       "    - name: oncall\n"
       "      webhook_configs: [{url: "
    << sink.url("/agent") << "}]\n  alertmanagers: [{url: " << alertmanager.url() << "}]\n";
  return dir.write_file("vitals.yml", c.str());
}

LoggedProcess start_agent(const TempDir& dir, const std::string& config) {
  return start_logged(dir, "vitals-agent", VITALS_AGENT_BIN,
                      {"--config.file=" + config, "--web.listen-address=127.0.0.1:0",
                       "--storage.path=" + dir.file("vitals.db")});
}

// Scrapes the agent with honor_labels, so its series keep their service labels, and each
// service directly under a `service` target label, as a fleet's Prometheus would. What the
// agent's own rules made (recorded series, ALERTS) is dropped: Prometheus runs the same rules.
std::string prometheus_config(const TempDir& dir, const LoggedProcess& agent,
                              const LoggedProcess& card, const LoggedProcess& feed,
                              const Alertmanager& alertmanager, const std::string& rules) {
  std::ostringstream c;
  c << "global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s,\n"
       "         external_labels: {source: prometheus}}\n"
       "rule_files: ['"
    << rules
    << "']\n"
       "alerting:\n"
       "  alertmanagers: [{static_configs: [{targets: ['127.0.0.1:"
    << alertmanager.port
    << "']}]}]\n"
       "scrape_configs:\n"
       "  - job_name: vitals-agent\n"
       "    honor_labels: true\n"
       "    metric_relabel_configs:\n"
       "      - {source_labels: [__name__], regex: '.*:.*|ALERTS|ALERTS_FOR_STATE', action: drop}\n"
       "    static_configs: [{targets: ['127.0.0.1:"
    << agent.port << "']}]\n";
  for (const auto& [name, service] : named(card, feed, "card-service", "feed-service")) {
    c << "  - job_name: " << name
      << "\n    static_configs: [{targets: ['127.0.0.1:" << service->port
      << "'], labels: {service: " << name << "}}]\n";
  }
  return dir.write_file("prometheus.yml", c.str());
}

std::set<AlertKey> firing_of(const json& alerts) {
  std::set<AlertKey> firing;
  for (const json& alert : alerts) {
    if (alert.value("state", "") != "firing") continue;
    Labels labels = labels_of(alert["labels"]);
    AlertKey key{labels["alertname"], std::move(labels)};
    key.labels.erase("alertname");
    key.labels.erase("source");
    firing.insert(std::move(key));
  }
  return firing;
}

}  // namespace

std::string to_string(const std::set<AlertKey>& alerts) {
  std::string text = "{";
  for (const AlertKey& alert : alerts) {
    text += "\n  " + alert.alertname;
    for (const auto& [name, value] : alert.labels) text += " " + name + "=" + value;
  }
  return text + (alerts.empty() ? "}" : "\n}");
}

Labels labels_of(const json& labels) {
  Labels out;
  for (const auto& [name, value] : labels.items()) {
    if (value.is_string()) out[name] = value.get<std::string>();
  }
  return out;
}

std::string LoggedProcess::log_tail(std::size_t lines) const {
  std::vector<std::string> all;
  std::istringstream text(read_file(log_file));
  for (std::string line; std::getline(text, line);) all.push_back(std::move(line));
  std::string tail;
  for (std::size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) {
    tail += "  | " + all[i] + "\n";
  }
  return tail;
}

DemoWorld::DemoWorld()
    : feed(start_feed(dir)),
      card(start_card(dir, feed)),
      sink(start_logged(dir, "webhook-sink", WEBHOOK_SINK_BIN, {"--port", "0"})),
      alertmanager(start_alertmanager(require_tool("prometheus-alertmanager"), dir,
                                      alertmanager_config(dir, sink))),
      agent(start_agent(
          dir, agent_config(dir, card, feed, sink, alertmanager, write_scaled_rules(dir)))),
      prometheus(start_prometheus(
          require_tool("prometheus"), dir,
          prometheus_config(dir, agent, card, feed, alertmanager, "rules-*.yml"))) {}

std::set<AlertKey> DemoWorld::agent_firing() {
  return firing_of(get_data(agent.port, "/api/v1/alerts")["alerts"]);
}

std::set<AlertKey> DemoWorld::prometheus_firing() {
  return firing_of(get_data(prometheus.port, "/api/v1/alerts")["alerts"]);
}

void DemoWorld::inject(const LoggedProcess& service, const std::string& fault) {
  auto reply = http_post(service.port, "/fault/" + fault);
  REQUIRE_MESSAGE(reply, why(reply));
  REQUIRE_MESSAGE(reply->status / 100 == 2, "POST /fault/" << fault << ": " << reply->status);
}

void DemoWorld::clear(const LoggedProcess& service, const std::string& fault) {
  httplib::Client client("127.0.0.1", service.port);
  auto result = client.Delete("/fault/" + fault);
  REQUIRE_MESSAGE(result, "DELETE /fault/" << fault << ": " << httplib::to_string(result.error()));
  REQUIRE_MESSAGE(result->status / 100 == 2, "DELETE /fault/" << fault << ": " << result->status);
}

json DemoWorld::received(const std::string& path, std::size_t since) {
  HttpReply reply = get(sink.port, "/received?since=" + std::to_string(since));
  json all = json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
  json on_path = json::array();
  for (const json& one : all) {
    if (one.value("path", "") == path) on_path.push_back(one["body"]);
  }
  return on_path;
}

std::size_t DemoWorld::received_count() {
  HttpReply reply = get(sink.port, "/received");
  json all = json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
  return all.empty() ? 0 : all.back().value("index", std::size_t{0}) + 1;
}

std::string DemoWorld::logs() const {
  std::string text;
  for (const LoggedProcess* p : {&feed, &card, &sink, &agent}) {
    text += p->log_file + ":\n" + p->log_tail();
  }
  return text;
}

}  // namespace vitals::testing
