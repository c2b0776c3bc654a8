#include "agent/expose/target_series.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace vitals {
namespace {

constexpr TargetFamily kServiceHealth{
    "vitals_service_health",
    "Health of the service from its health_url: 1 healthy, 0.5 degraded, 0 unhealthy or "
    "unreachable."};
constexpr TargetFamily kCheckUp{
    "vitals_check_up",
    "Whether the check is healthy (1) or not (0: degraded, unhealthy or unknown), as the "
    "service's health_url reports it."};
constexpr TargetFamily kCheckCritical{
    "vitals_check_critical",
    "Whether the check is critical (1: its failure makes the service unhealthy) or not (0: it "
    "only degrades), as the service's health_url reports it."};
constexpr TargetFamily kCheckDuration{
    "vitals_check_duration_seconds",
    "How long the check's last run took, as the service reports it."};
constexpr TargetFamily kProbeSuccess{"probe_success", "Whether the probe's last run succeeded."};
constexpr TargetFamily kProbeDuration{
    "probe_duration_seconds",
    "Time the probe's last run spent in each phase: resolve, connect, tls, processing, "
    "transfer."};
constexpr TargetFamily kHttpStatus{
    "probe_http_status_code",
    "HTTP status code of the probe's last response, 0 when none arrived."};
constexpr TargetFamily kCertExpiry{
    "probe_ssl_earliest_cert_expiry",
    "Earliest notAfter of the certificate chain the probe last saw, in Unix seconds."};
constexpr TargetFamily kFailureReason{
    "probe_failure_reason",
    "1 for the reason of the probe's current failure, 0 for the other reasons; all 0 while it "
    "succeeds."};
constexpr TargetFamily kSuppressed{
    "vitals_target_suppressed",
    "Whether the target's alerts are suppressed: a dependency is down or, for probes, the agent "
    "suspects its own network."};
constexpr TargetFamily kVantage{
    "vitals_vantage_degraded",
    "Whether most probes fail at once, so the agent suspects its own network."};

// The order /metrics writes the families in.
constexpr std::array<const TargetFamily*, 11> kFamilies{
    &kServiceHealth, &kCheckUp,       &kCheckCritical, &kCheckDuration,
    &kProbeSuccess,  &kProbeDuration, &kHttpStatus,    &kCertExpiry,
    &kFailureReason, &kSuppressed,    &kVantage,
};

// The label names each kind of target's series set themselves. A configured label with one of
// these names is dropped from every series of that target, not only from the series it would
// clash with, so joins on a target's extra labels see the same set everywhere.
constexpr std::array<std::string_view, 2> kServiceOwn{"service", "check"};
constexpr std::array<std::string_view, 3> kProbeOwn{"probe", "phase", "reason"};

constexpr std::array kFailureReasons{
    FailureReason::Resolve,     FailureReason::Connect,     FailureReason::Tls,
    FailureReason::Timeout,     FailureReason::Status,      FailureReason::Body,
    FailureReason::Expectation, FailureReason::Certificate,
};

SeriesLabels extra_labels(const LabelMap& configured, std::span<const std::string_view> own) {
  SeriesLabels extra;
  for (const auto& [name, value] : configured) {
    bool reserved = name.starts_with("__");
    for (std::string_view taken : own) reserved = reserved || name == taken;
    if (!reserved) extra.emplace_back(name, value);
  }
  return extra;
}

SeriesLabels join(SeriesLabels own, const SeriesLabels& extra) {
  own.insert(own.end(), extra.begin(), extra.end());
  return own;
}

double seconds(Duration duration) {
  return std::chrono::duration<double>(duration).count();
}

double unix_seconds(WallTime at) {
  return std::chrono::duration<double>(at.time_since_epoch()).count();
}

bool answered(const ServiceView& service) {
  return service.status == "healthy" || service.status == "degraded" ||
         service.status == "unhealthy";
}

void add_phases(const ProbeView& probe, const SeriesLabels& extra, const TargetSampleSink& sink) {
  const PhaseTimings& phases = probe.last->phases;
  const std::pair<std::string_view, Duration> by_phase[] = {
      {"resolve", phases.resolve},       {"connect", phases.connect},   {"tls", phases.tls},
      {"processing", phases.processing}, {"transfer", phases.transfer},
  };
  for (const auto& [phase, spent] : by_phase) {
    sink(kProbeDuration, join({{"probe", probe.name}, {"phase", std::string(phase)}}, extra),
         seconds(spent));
  }
}

}  // namespace

void for_each_service_series(const ServiceView& service, const TargetSampleSink& sink) {
  const SeriesLabels extra = extra_labels(service.labels, kServiceOwn);
  const SeriesLabels own = join({{"service", service.name}}, extra);
  if (auto value = service.health_value()) sink(kServiceHealth, own, *value);
  if (answered(service)) {
    for (const CheckView& check : service.checks) {
      SeriesLabels labels = join({{"service", service.name}, {"check", check.name}}, extra);
      sink(kCheckUp, labels, check.status == "healthy" ? 1 : 0);
      sink(kCheckCritical, labels, check.critical ? 1 : 0);
      sink(kCheckDuration, std::move(labels), check.duration_seconds);
    }
  }
  sink(kSuppressed, own, service.suppressed ? 1 : 0);
}

void for_each_probe_series(const ProbeView& probe, const TargetSampleSink& sink) {
  const SeriesLabels extra = extra_labels(probe.labels, kProbeOwn);
  const SeriesLabels own = join({{"probe", probe.name}}, extra);
  if (probe.last) {
    const ProbeResult& result = *probe.last;
    sink(kProbeSuccess, own, result.success ? 1 : 0);
    add_phases(probe, extra, sink);
    if (probe.kind == "http") sink(kHttpStatus, own, result.http_status.value_or(0));
    if (result.cert_expiry) sink(kCertExpiry, own, unix_seconds(*result.cert_expiry));
    for (FailureReason reason : kFailureReasons) {
      bool current = !result.success && result.reason == reason;
      sink(kFailureReason,
           join({{"probe", probe.name}, {"reason", std::string(to_string(reason))}}, extra),
           current ? 1 : 0);
    }
  }
  sink(kSuppressed, own, probe.suppressed ? 1 : 0);
}

void for_each_agent_series(const AgentSnapshot& snapshot, const TargetSampleSink& sink) {
  sink(kVantage, {}, snapshot.vantage_degraded ? 1 : 0);
}

std::vector<std::string> target_family_names() {
  std::vector<std::string> names;
  for (const TargetFamily* family : kFamilies) names.emplace_back(family->name);
  std::sort(names.begin(), names.end());
  return names;
}

void write_target_series(Exposition& out, const AgentSnapshot& snapshot) {
  // Gathered per family first: the text format wants each family's samples together.
  std::array<std::vector<std::pair<SeriesLabels, double>>, kFamilies.size()> samples;
  const TargetSampleSink gather = [&](const TargetFamily& family, SeriesLabels labels,
                                      double value) {
    for (std::size_t i = 0; i < kFamilies.size(); ++i) {
      if (kFamilies[i] == &family) samples[i].emplace_back(std::move(labels), value);
    }
  };
  for (const auto& service : snapshot.services) for_each_service_series(*service, gather);
  for (const auto& probe : snapshot.probes) for_each_probe_series(*probe, gather);
  for_each_agent_series(snapshot, gather);
  for (std::size_t i = 0; i < kFamilies.size(); ++i) {
    if (samples[i].empty()) continue;
    out.family(kFamilies[i]->name, "gauge", kFamilies[i]->help);
    for (const auto& [labels, value] : samples[i]) out.sample(kFamilies[i]->name, labels, value);
  }
}

}  // namespace vitals
