// The agent's configuration (vitals.yml) as plain, validated structs with every default filled
// in. Made by parse_config()/load_config() in load_config.h; read-only after that.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "agent/config/alerting_config.h"
#include "vitals/common/clock.h"
#include "vitals/common/error.h"

namespace vitals {

using LabelMap = std::map<std::string, std::string>;

// Where each value came from, keyed by its path in the file ("services[0].depends_on[1]",
// "web.admin_token_file"), so errors found after loading can point at the line.
using SourceMap = std::map<std::string, SourceLocation, std::less<>>;

struct GlobalConfig {
  Duration scrape_interval{std::chrono::seconds(15)};
  // When unset: 10s capped at scrape_interval, as Prometheus does.
  Duration scrape_timeout{std::chrono::seconds(10)};
  Duration evaluation_interval{std::chrono::seconds(15)};
  LabelMap external_labels{};
  double vantage_failing_fraction{0.8};  // in (0, 1]
};

struct StorageConfig {
  std::string path{"data/vitals.db"};  // relative to the working directory, like the flag
  Duration retention{std::chrono::hours(30 * 24)};  // of the history (health, probes)
  // How far back the sample window (scraped metrics, what PromQL reads) keeps samples: the
  // longest range a rule reads. Memory grows with it, about 1-4 bytes a sample.
  Duration window_retention{std::chrono::hours(1)};
};

struct WebConfig {
  std::string listen_address{"127.0.0.1:9464"};
  std::optional<std::string> admin_token_file{};  // resolved against the config's directory
  // Requests under /api/ per client address (a token bucket); 0 turns the limit off.
  double api_requests_per_second{100};
  double api_burst{200};
};

// Prometheus' `authorization:` block, Bearer type only: sent with the health and metrics
// requests, it lets the agent see the checkers' errors and metadata. One of the two is set.
struct ServiceAuthorization {
  std::optional<std::string> credentials{};
  std::optional<std::string> credentials_file{};  // resolved against the config's directory
  bool operator==(const ServiceAuthorization&) const = default;
};

// A service that embeds the checkers library. At least one of the two URLs is set.
struct ServiceConfig {
  std::string name{};
  std::optional<std::string> health_url{};
  std::optional<std::string> metrics_url{};
  Duration interval{};               // default: global.scrape_interval
  Duration timeout{};                // default: min(global.scrape_timeout, interval)
  Duration interval_when_failing{};  // default: interval; never longer
  std::uint64_t sample_limit{0};     // 0 = unlimited
  std::uint64_t body_size_limit{0};  // bytes; 0 = unlimited
  std::vector<std::string> depends_on{};
  LabelMap labels{};
  std::optional<ServiceAuthorization> authorization{};
  SourceLocation where{};  // the entry in the file
};

struct HttpProbe {
  std::string url{};
  std::string method{"GET"};
  LabelMap headers{};
  std::string body{};
  std::vector<int> expect_status{};  // empty = any 2xx
  std::string expect_body_regex{};   // RE2 syntax, unanchored; empty = no expectation
  std::optional<Duration> max_latency{};
  bool follow_redirects{true};
  bool tls_verify{true};
  bool operator==(const HttpProbe&) const = default;
};

struct TcpProbe {
  std::string address{};  // host:port
  std::string send{};
  std::string expect_regex{};  // RE2; empty = connecting is enough
  bool operator==(const TcpProbe&) const = default;
};

struct TlsProbe {
  std::string address{};      // host:port
  std::string server_name{};  // default: the host of address
  int min_days_left{14};
  bool operator==(const TlsProbe&) const = default;
};

enum class DnsRecordType : std::uint8_t { A, Aaaa, Cname, Mx, Txt, Ns, Srv, Ptr };

// "A", "AAAA", "CNAME" … as written in the file and on the wire.
std::string_view to_string(DnsRecordType type);
// The inverse of to_string; names are upper case, as in the blackbox exporter.
std::optional<DnsRecordType> parse_dns_record_type(std::string_view text);

struct DnsProbe {
  std::string name{};
  std::string server{};  // host:port; empty = the system resolver
  DnsRecordType record{DnsRecordType::A};
  std::string expect_regex{};  // RE2, matched against each answer; empty = any answer
  bool operator==(const DnsProbe&) const = default;
};

using ProbeKind = std::variant<HttpProbe, TcpProbe, TlsProbe, DnsProbe>;

// An out-of-band check the agent runs itself.
struct ProbeConfig {
  std::string name{};
  Duration interval{};               // default: global.scrape_interval
  Duration timeout{};                // default: min(global.scrape_timeout, interval)
  Duration interval_when_failing{};  // default: interval; never longer
  std::vector<std::string> depends_on{};
  LabelMap labels{};
  ProbeKind kind{};
  SourceLocation where{};
};

// One `rule_files` entry: the pattern as written and resolved against the config's directory.
struct RuleFilePattern {
  std::string pattern{};
  std::string path{};
  SourceLocation where{};
};

struct StatusComponentConfig {
  std::string name{};
  std::string description{};
  std::vector<std::string> services{};
  std::vector<std::string> probes{};
  std::vector<std::string> alert_matchers{};
  std::optional<double> slo{};  // percent, in (0, 100)
};

struct StatusPageConfig {
  std::string title{"Status"};
  std::vector<StatusComponentConfig> components{};
};

// This agent runs the services and probes whose name hashes to `index` modulo `total`.
struct ShardingConfig {
  int total{1};
  int index{0};
};

struct Config {
  GlobalConfig global{};
  StorageConfig storage{};
  WebConfig web{};
  std::vector<ServiceConfig> services{};
  std::vector<ProbeConfig> probes{};
  std::vector<RuleFilePattern> rule_files{};
  AlertingConfig alerting{};
  StatusPageConfig status_page{};
  ShardingConfig sharding{};
  std::string source_file{};  // as given to parse_config/load_config
  SourceMap locations{};
};

// True when two entries would be run the same way: every field but the source location is
// equal. A reload keeps the schedule and state of a target that stays the same.
bool same_target(const ServiceConfig& a, const ServiceConfig& b);
bool same_target(const ProbeConfig& a, const ProbeConfig& b);

// The location of the value at `path` ("web.admin_token_file"), when the file had it.
std::optional<SourceLocation> location_of(const Config& config, std::string_view path);

// The routing tree with unset fields taken from the parent; the root takes Alertmanager's
// defaults (group_wait 30s, group_interval 5m, repeat_interval 4h, no grouping).
ResolvedRoute resolve_route_tree(const RouteConfig& root);

// The files one pattern names, sorted, via glob(3). A pattern without wildcards names its file
// even when it does not exist, so the caller can report "not found" at pattern.where; a
// wildcard matching nothing names nothing, as in Prometheus.
std::vector<std::string> expand_rule_pattern(const RuleFilePattern& pattern);

// Every rule file of the configuration, in pattern order, each once.
std::vector<std::string> expand_rule_files(const Config& config);

}  // namespace vitals
