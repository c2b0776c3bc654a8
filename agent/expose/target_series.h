// The series the agent keeps about its targets (SPEC.md, "Series the agent keeps"): service
// health from each health_url, the blackbox-style probe_* series, suppression and the vantage
// self-check. /metrics writes them from one consistent AgentSnapshot; the window records them
// target by target (agent/ingest/target_recorder.h). The list is in docs/metrics.md.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/expose/exposition.h"
#include "agent/state/views.h"

namespace vitals {

// One gauge family: its name and its HELP text.
struct TargetFamily {
  std::string_view name{};
  std::string_view help{};
};

// Receives one sample of a target's series; `labels` lack __name__ (the family's name is it).
using TargetSampleSink =
    std::function<void(const TargetFamily& family, SeriesLabels labels, double value)>;

// What is left out, rather than guessed:
// - vitals_service_health while the service is unknown (not scraped yet);
// - vitals_check_* while the service has no valid answer (unknown or unreachable), as a failed
//   scrape's series go stale in Prometheus; vitals_service_health 0 covers it;
// - every probe_* series of a probe that has not finished its first run;
// - probe_ssl_earliest_cert_expiry while no certificate was seen.
// probe_failure_reason has all eight reasons per probe that ran, 1 for the current failure's
// and 0 for the rest (all 0 on success), so `== 1` alerts never meet an absent series.
// probe_duration_seconds has all five phases per probe, 0 where a phase does not apply.
//
// Each sample carries the target's configured `labels` after its own; a configured label whose
// name the target's series use themselves (service, check / probe, phase, reason) or that
// starts with "__" is dropped, so every series of one target carries the same extra labels.
// External labels are not added: Prometheus adds its own target labels when it scrapes.
void for_each_service_series(const ServiceView& service, const TargetSampleSink& sink);
void for_each_probe_series(const ProbeView& probe, const TargetSampleSink& sink);
// vitals_vantage_degraded: the agent's own, not a target's.
void for_each_agent_series(const AgentSnapshot& snapshot, const TargetSampleSink& sink);

// Every family's name, sorted.
std::vector<std::string> target_family_names();

// Appends every target family to `out`, each once with HELP and TYPE gauge (a family with no
// samples is left out), samples in config order. Pure: reads only its arguments.
void write_target_series(Exposition& out, const AgentSnapshot& snapshot);

}  // namespace vitals
