// The bodies of /health, /livez and /readyz, rendered from a snapshot, apart from HTTP so they
// are tested on their own.
#pragma once

#include <string>

#include "vitals/checkers/health_registry.h"

namespace vitals::detail {

// SPEC's /health JSON. Without details, each check's "error" and "metadata" are left out.
std::string render_health_json(const HealthSnapshot& snapshot, bool show_details);
// 200 while healthy or degraded, 503 when unhealthy.
int health_http_status(const HealthSnapshot& snapshot);

enum class ProbeKind { Live, Ready };

struct ProbeResponse {
  int status = 200;
  std::string body;
};

// Kubernetes-style: "ok", or with verbose one "[+]name ok" / "[-]name failed: reason" line per
// check carrying the probe's tag, then "livez check passed" / "readyz check failed".
ProbeResponse render_probe(const HealthSnapshot& snapshot, ProbeKind kind, bool verbose,
                           bool show_details);

}  // namespace vitals::detail
