// The demo world of scripts/run, started for the end-to-end test with short intervals: the
// feed and card services, the webhook sink standing in for on-call, a real Alertmanager, the
// agent watching the services in band and out of band, and a real Prometheus scraping the agent
// (honor_labels) and both services, with the shipped rules loaded into both, time-scaled
// (time_scaled_rules.h). Alerts reach the sink through the agent's own notifier (path /agent)
// and through Alertmanager (path /alertmanager), which both the agent and Prometheus push to;
// the external label `source` (agent, prometheus) tells their copies apart there.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/integration/real_servers.h"

namespace vitals::testing {

// Every duration in the shipped rules runs this many times faster: 5m becomes 10s.
constexpr int kTimeFactor = 30;

// An alert as both systems should agree on it: its name and its identifying labels.
using Labels = std::map<std::string, std::string>;

struct AlertKey {
  std::string alertname;
  Labels labels;  // the rest, the external label `source` left out

  auto operator<=>(const AlertKey&) const = default;
};
std::string to_string(const std::set<AlertKey>& alerts);

// An alert's labels as its JSON object has them (an API's alert, a notification's alert).
Labels labels_of(const nlohmann::json& labels);

// A child whose output goes to a file in the world's directory, not a pipe: a long test must
// not stall a chatty child on a full pipe nobody reads.
struct LoggedProcess {
  Process process;
  std::string log_file;
  int port = 0;

  std::string url(const std::string& path = "") const {
    return "http://127.0.0.1:" + std::to_string(port) + path;
  }
  std::string log_tail(std::size_t lines = 40) const;
};

class DemoWorld {
 public:
  DemoWorld();

  // Alerts firing now, by each system's alerts API.
  std::set<AlertKey> agent_firing();
  std::set<AlertKey> prometheus_firing();

  void inject(const LoggedProcess& service, const std::string& fault);
  void clear(const LoggedProcess& service, const std::string& fault);

  // Notifications the sink received on `path` ("/agent", "/alertmanager") from index `since`.
  nlohmann::json received(const std::string& path, std::size_t since);
  std::size_t received_count();

  // The end of every child's log, for a failure message.
  std::string logs() const;

  TempDir dir;
  LoggedProcess feed;
  LoggedProcess card;
  LoggedProcess sink;
  Alertmanager alertmanager;
  LoggedProcess agent;
  Prometheus prometheus;

 private:
  std::string rule_glob_;
};

}  // namespace vitals::testing
