#include "agent/expose/target_series.h"

#include <array>
#include <chrono>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace vitals {
namespace {

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

// One gauge family's samples, gathered first so a family without samples prints nothing.
struct Family {
  std::string_view name{};
  std::string_view help{};
  std::vector<std::pair<SeriesLabels, double>> samples{};

  void add(SeriesLabels labels, double value) { samples.emplace_back(std::move(labels), value); }

  void write(Exposition& out) const {
    if (samples.empty()) return;
    out.family(name, "gauge", help);
    for (const auto& [labels, value] : samples) out.sample(name, labels, value);
  }
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

struct ServiceFamilies {
  Family health{"vitals_service_health",
                "Health of the service from its health_url: 1 healthy, 0.5 degraded, 0 "
                "unhealthy or unreachable."};
  Family check_up{"vitals_check_up",
                  "Whether the check is healthy (1) or not (0: degraded, unhealthy or unknown), "
                  "as the service's health_url reports it."};
  Family check_duration{"vitals_check_duration_seconds",
                        "How long the check's last run took, as the service reports it."};

  void add(const ServiceView& service, const SeriesLabels& extra) {
    if (auto value = service.health_value()) {
      health.add(join({{"service", service.name}}, extra), *value);
    }
    if (!answered(service)) return;
    for (const CheckView& check : service.checks) {
      SeriesLabels labels = join({{"service", service.name}, {"check", check.name}}, extra);
      check_up.add(labels, check.status == "healthy" ? 1 : 0);
      check_duration.add(std::move(labels), check.duration_seconds);
    }
  }

  void write(Exposition& out) const {
    health.write(out);
    check_up.write(out);
    check_duration.write(out);
  }
};

struct ProbeFamilies {
  Family success{"probe_success", "Whether the probe's last run succeeded."};
  Family duration{"probe_duration_seconds",
                  "Time the probe's last run spent in each phase: resolve, connect, tls, "
                  "processing, transfer."};
  Family http_status{"probe_http_status_code",
                     "HTTP status code of the probe's last response, 0 when none arrived."};
  Family cert_expiry{"probe_ssl_earliest_cert_expiry",
                     "Earliest notAfter of the certificate chain the probe last saw, in Unix "
                     "seconds."};
  Family failure_reason{"probe_failure_reason",
                        "1 for the reason of the probe's current failure, 0 for the other "
                        "reasons; all 0 while it succeeds."};

  void add(const ProbeView& probe, const SeriesLabels& extra) {
    if (!probe.last) return;
    const ProbeResult& result = *probe.last;
    SeriesLabels labels = join({{"probe", probe.name}}, extra);
    success.add(labels, result.success ? 1 : 0);
    add_phases(probe.name, result.phases, extra);
    if (probe.kind == "http") http_status.add(labels, result.http_status.value_or(0));
    if (result.cert_expiry) cert_expiry.add(labels, unix_seconds(*result.cert_expiry));
    for (FailureReason reason : kFailureReasons) {
      bool current = !result.success && result.reason == reason;
      failure_reason.add(
          join({{"probe", probe.name}, {"reason", std::string(to_string(reason))}}, extra),
          current ? 1 : 0);
    }
  }

  void add_phases(const std::string& probe, const PhaseTimings& phases, const SeriesLabels& extra) {
    const std::pair<std::string_view, Duration> by_phase[] = {
        {"resolve", phases.resolve},       {"connect", phases.connect},   {"tls", phases.tls},
        {"processing", phases.processing}, {"transfer", phases.transfer},
    };
    for (const auto& [phase, spent] : by_phase) {
      duration.add(join({{"probe", probe}, {"phase", std::string(phase)}}, extra), seconds(spent));
    }
  }

  void write(Exposition& out) const {
    success.write(out);
    duration.write(out);
    http_status.write(out);
    cert_expiry.write(out);
    failure_reason.write(out);
  }
};

}  // namespace

void write_target_series(Exposition& out, const AgentSnapshot& snapshot) {
  ServiceFamilies services;
  ProbeFamilies probes;
  Family suppressed{"vitals_target_suppressed",
                    "Whether the target's alerts are suppressed: a dependency is down or, for "
                    "probes, the agent suspects its own network."};
  for (const auto& service : snapshot.services) {
    SeriesLabels extra = extra_labels(service->labels, kServiceOwn);
    services.add(*service, extra);
    suppressed.add(join({{"service", service->name}}, extra), service->suppressed ? 1 : 0);
  }
  for (const auto& probe : snapshot.probes) {
    SeriesLabels extra = extra_labels(probe->labels, kProbeOwn);
    probes.add(*probe, extra);
    suppressed.add(join({{"probe", probe->name}}, extra), probe->suppressed ? 1 : 0);
  }
  services.write(out);
  probes.write(out);
  suppressed.write(out);
  Family vantage{"vitals_vantage_degraded",
                 "Whether most probes fail at once, so the agent suspects its own network."};
  vantage.add({}, snapshot.vantage_degraded ? 1 : 0);
  vantage.write(out);
}

}  // namespace vitals
