// Reads `services:` and `probes:`, the things the agent checks.
#include <algorithm>

#include "agent/config/sections.h"
#include "agent/config/value_syntax.h"
#include "vitals/common/duration.h"

namespace vitals::detail {
namespace {

struct Schedule {
  Duration interval{};
  Duration timeout{};
  Duration interval_when_failing{};
};

bool require_positive(const MapReader& m, std::string_view key, Duration value) {
  if (value > Duration::zero()) return true;
  m.fail(key, "must be greater than 0");
  return false;
}

void require_within(const MapReader& m, std::string_view key, Duration value, Duration interval) {
  if (!require_positive(m, key, value) || value <= interval) return;
  m.fail(key, format_duration(value) + " is longer than the interval " + format_duration(interval));
}

// interval, timeout and interval_when_failing, shared by services and probes. An unset timeout
// is global.scrape_timeout capped at the interval, as Prometheus does for scrape jobs, so
// `interval: 5s` alone does not make the global 10s timeout an error.
Schedule read_schedule(const MapReader& m, const GlobalConfig& global) {
  Schedule s{global.scrape_interval, {}, {}};
  if (m.read("interval", s.interval)) require_positive(m, "interval", s.interval);
  std::optional<Duration> timeout;
  std::optional<Duration> when_failing;
  if (m.read("timeout", timeout)) require_within(m, "timeout", *timeout, s.interval);
  if (m.read("interval_when_failing", when_failing)) {
    require_within(m, "interval_when_failing", *when_failing, s.interval);
  }
  s.timeout = timeout.value_or(std::min(global.scrape_timeout, s.interval));
  s.interval_when_failing = when_failing.value_or(s.interval);
  return s;
}

void read_name(const MapReader& m, std::string& out) {
  if (!m.require("name") || !m.read("name", out)) return;
  if (out.empty()) m.fail("name", "must not be empty");
}

std::optional<ServiceAuthorization> read_authorization(const MapReader& service,
                                                       const std::string& base_dir) {
  if (!service.has("authorization")) return std::nullopt;
  MapReader m = service.map("authorization", {"type", "credentials", "credentials_file"});
  std::string type = "Bearer";
  if (m.read("type", type) && type != "Bearer") {
    m.fail("type", "only Bearer is supported, got \"" + type + "\"");
  }
  ServiceAuthorization auth;
  m.read("credentials", auth.credentials);
  if (m.read("credentials_file", auth.credentials_file)) {
    auth.credentials_file = resolve_path(base_dir, *auth.credentials_file);
  }
  if (service.reader().ok() && auth.credentials.has_value() == auth.credentials_file.has_value()) {
    m.reader().fail(m.where(), m.path() + ": needs exactly one of credentials, credentials_file");
  }
  return auth;
}

ServiceConfig read_service(YamlReader& reader, const YamlItem& item, const GlobalConfig& global,
                           const std::string& base_dir) {
  MapReader m(reader, item,
              {"name", "health_url", "metrics_url", "interval", "timeout", "interval_when_failing",
               "sample_limit", "body_size_limit", "depends_on", "labels", "authorization"});
  ServiceConfig s;
  s.where = item.where;
  read_name(m, s.name);
  std::string url;
  if (m.read_url("health_url", url)) s.health_url = url;
  if (m.read_url("metrics_url", url)) s.metrics_url = url;
  if (reader.ok() && !s.health_url && !s.metrics_url) {
    reader.fail(m.where(), item.path + ": needs health_url, metrics_url or both");
  }
  Schedule schedule = read_schedule(m, global);
  s.interval = schedule.interval;
  s.timeout = schedule.timeout;
  s.interval_when_failing = schedule.interval_when_failing;
  m.read_count("sample_limit", s.sample_limit);
  m.read_byte_size("body_size_limit", s.body_size_limit);
  m.read("depends_on", s.depends_on);
  m.read_labels("labels", s.labels);
  s.authorization = read_authorization(m, base_dir);
  return s;
}

bool is_http_method(const std::string& method) {
  return !method.empty() &&
         std::all_of(method.begin(), method.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

void read_status_codes(const MapReader& m, std::vector<int>& out) {
  for (const YamlItem& item : m.items("expect_status")) {
    auto code = item.node.IsScalar() ? parse_int(item.node.Scalar()) : std::nullopt;
    if (!code || *code < 100 || *code > 599) {
      m.reader().fail(item.where, item.path + ": expected an HTTP status code (100-599), got " +
                                      describe(item.node));
      return;
    }
    out.push_back(static_cast<int>(*code));
  }
}

HttpProbe read_http(const MapReader& probe) {
  MapReader m =
      probe.map("http", {"url", "method", "headers", "body", "expect_status", "expect_body_regex",
                         "max_latency", "follow_redirects", "tls_verify"});
  HttpProbe p;
  if (m.require("url")) m.read_url("url", p.url);
  if (m.read("method", p.method) && !is_http_method(p.method)) {
    m.fail("method", "expected an HTTP method like GET, got \"" + p.method + "\"");
  }
  m.read("headers", p.headers);
  m.read("body", p.body);
  read_status_codes(m, p.expect_status);
  m.read_regex("expect_body_regex", p.expect_body_regex);
  if (m.read("max_latency", p.max_latency)) require_positive(m, "max_latency", *p.max_latency);
  m.read("follow_redirects", p.follow_redirects);
  m.read("tls_verify", p.tls_verify);
  return p;
}

TcpProbe read_tcp(const MapReader& probe) {
  MapReader m = probe.map("tcp", {"address", "send", "expect_regex"});
  TcpProbe p;
  if (m.require("address")) m.read_host_port("address", p.address);
  m.read("send", p.send);
  m.read_regex("expect_regex", p.expect_regex);
  return p;
}

TlsProbe read_tls(const MapReader& probe) {
  MapReader m = probe.map("tls", {"address", "server_name", "min_days_left"});
  TlsProbe p;
  if (m.require("address") && m.read_host_port("address", p.address)) {
    p.server_name = parse_host_port(p.address)->host;
  }
  m.read("server_name", p.server_name);
  m.read_count("min_days_left", p.min_days_left);
  return p;
}

DnsProbe read_dns(const MapReader& probe) {
  MapReader m = probe.map("dns", {"name", "server", "record", "expect_regex"});
  DnsProbe p;
  if (m.require("name") && m.read("name", p.name) && p.name.empty()) {
    m.fail("name", "must not be empty");
  }
  m.read_host_port("server", p.server);
  std::string record;
  if (m.read("record", record)) {
    auto type = parse_dns_record_type(record);
    if (type) p.record = *type;
    if (!type) {
      m.fail("record",
             "expected one of A, AAAA, CNAME, MX, TXT, NS, SRV, PTR, got \"" + record + "\"");
    }
  }
  m.read_regex("expect_regex", p.expect_regex);
  return p;
}

// Exactly one kind per probe, as the blackbox exporter has one prober per module.
void read_probe_kind(const MapReader& m, const std::string& path, ProbeKind& out) {
  std::vector<std::string> kinds;
  for (const std::string& key : m.keys()) {
    if (key == "http" || key == "tcp" || key == "tls" || key == "dns") kinds.push_back(key);
  }
  if (kinds.empty()) {
    m.reader().fail(m.where(), path + ": needs one of http, tcp, tls, dns");
    return;
  }
  if (kinds.size() > 1) {
    m.reader().fail(m.where(kinds[1]), path + ": takes one of http, tcp, tls, dns, not both " +
                                           kinds[0] + " and " + kinds[1]);
    return;
  }
  if (kinds[0] == "http") out = read_http(m);
  if (kinds[0] == "tcp") out = read_tcp(m);
  if (kinds[0] == "tls") out = read_tls(m);
  if (kinds[0] == "dns") out = read_dns(m);
}

ProbeConfig read_probe(YamlReader& reader, const YamlItem& item, const GlobalConfig& global) {
  MapReader m(reader, item,
              {"name", "interval", "timeout", "interval_when_failing", "depends_on", "labels",
               "http", "tcp", "tls", "dns"});
  ProbeConfig p;
  p.where = item.where;
  read_name(m, p.name);
  Schedule schedule = read_schedule(m, global);
  p.interval = schedule.interval;
  p.timeout = schedule.timeout;
  p.interval_when_failing = schedule.interval_when_failing;
  m.read("depends_on", p.depends_on);
  m.read_labels("labels", p.labels);
  read_probe_kind(m, item.path, p.kind);
  return p;
}

}  // namespace

void read_services(const MapReader& top, const GlobalConfig& global, const std::string& base_dir,
                   std::vector<ServiceConfig>& out) {
  for (const YamlItem& item : top.items("services")) {
    out.push_back(read_service(top.reader(), item, global, base_dir));
  }
}

void read_probes(const MapReader& top, const GlobalConfig& global, std::vector<ProbeConfig>& out) {
  for (const YamlItem& item : top.items("probes")) {
    out.push_back(read_probe(top.reader(), item, global));
  }
}

}  // namespace vitals::detail
