// The series /metrics exports about the agent's targets (SPEC.md, "Series the agent keeps"):
// service health from each health_url, the blackbox-style probe_* series, suppression and the
// vantage self-check, written from one consistent AgentSnapshot. The list is in docs/metrics.md.
#pragma once

#include "agent/expose/exposition.h"
#include "agent/state/views.h"

namespace vitals {

// Appends every target family to `out`, each once with HELP and TYPE gauge (a family with no
// samples is left out), samples in config order. Each sample carries the target's configured
// `labels` after its own; a configured label whose name the target's series use themselves
// (service, check / probe, phase, reason) or that starts with "__" is dropped, so every series
// of one target carries the same extra labels. External labels are not added: Prometheus adds
// its own target labels when it scrapes.
//
// What is left out, rather than guessed:
// - vitals_service_health while the service is unknown (not scraped yet);
// - vitals_check_* while the service has no valid answer (unknown or unreachable), as a failed
//   scrape's series go stale in Prometheus; vitals_service_health 0 covers it;
// - every probe_* series of a probe that has not finished its first run;
// - probe_ssl_earliest_cert_expiry while no certificate was seen.
// probe_failure_reason has all eight reasons per probe that ran, 1 for the current failure's
// and 0 for the rest (all 0 on success), so `== 1` alerts never meet an absent series.
// probe_duration_seconds has all five phases per probe, 0 where a phase does not apply.
// Pure: reads only its arguments.
void write_target_series(Exposition& out, const AgentSnapshot& snapshot);

}  // namespace vitals
