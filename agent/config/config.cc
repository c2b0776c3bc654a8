// Small helpers over the config structs: locations, DNS record names and route inheritance.
#include "agent/config/config.h"

#include <tuple>

#include <array>
#include <utility>

namespace vitals {
namespace {

constexpr std::array<std::pair<DnsRecordType, std::string_view>, 8> kDnsRecordNames{{
    {DnsRecordType::A, "A"},
    {DnsRecordType::Aaaa, "AAAA"},
    {DnsRecordType::Cname, "CNAME"},
    {DnsRecordType::Mx, "MX"},
    {DnsRecordType::Txt, "TXT"},
    {DnsRecordType::Ns, "NS"},
    {DnsRecordType::Srv, "SRV"},
    {DnsRecordType::Ptr, "PTR"},
}};

ResolvedRoute resolve(const RouteConfig& route, const ResolvedRoute& parent) {
  ResolvedRoute out;
  out.receiver = route.receiver.value_or(parent.receiver);
  out.group_by = route.group_by.value_or(parent.group_by);
  out.group_wait = route.group_wait.value_or(parent.group_wait);
  out.group_interval = route.group_interval.value_or(parent.group_interval);
  out.repeat_interval = route.repeat_interval.value_or(parent.repeat_interval);
  out.matchers = route.matchers;  // matchers narrow one level; they are not inherited
  out.continue_matching = route.continue_matching;
  for (const RouteConfig& child : route.routes) out.routes.push_back(resolve(child, out));
  return out;
}

}  // namespace

std::optional<SourceLocation> location_of(const Config& config, std::string_view path) {
  auto found = config.locations.find(path);
  if (found == config.locations.end()) return std::nullopt;
  return found->second;
}

std::string_view to_string(DnsRecordType type) {
  for (const auto& [value, name] : kDnsRecordNames) {
    if (value == type) return name;
  }
  return "A";
}

std::optional<DnsRecordType> parse_dns_record_type(std::string_view text) {
  for (const auto& [value, name] : kDnsRecordNames) {
    if (name == text) return value;
  }
  return std::nullopt;
}

ResolvedRoute resolve_route_tree(const RouteConfig& root) {
  // Alertmanager's defaults stand in for the root's parent.
  ResolvedRoute defaults;
  defaults.group_wait = std::chrono::seconds(30);
  defaults.group_interval = std::chrono::minutes(5);
  defaults.repeat_interval = std::chrono::hours(4);
  return resolve(root, defaults);
}

bool same_target(const ServiceConfig& a, const ServiceConfig& b) {
  auto fields = [](const ServiceConfig& s) {
    return std::tie(s.name, s.health_url, s.metrics_url, s.interval, s.timeout,
                    s.interval_when_failing, s.sample_limit, s.body_size_limit, s.depends_on,
                    s.labels, s.authorization);
  };
  return fields(a) == fields(b);
}

bool same_target(const ProbeConfig& a, const ProbeConfig& b) {
  auto fields = [](const ProbeConfig& p) {
    return std::tie(p.name, p.interval, p.timeout, p.interval_when_failing, p.depends_on, p.labels,
                    p.kind);
  };
  return fields(a) == fields(b);
}

}  // namespace vitals
