#include "agent/state/views.h"

namespace vitals {

std::optional<double> ServiceView::health_value() const {
  if (status == "healthy") return 1.0;
  if (status == "degraded") return 0.5;
  if (down()) return 0.0;
  return std::nullopt;
}

const ServiceView* AgentSnapshot::service(std::string_view name) const {
  for (const auto& s : services) {
    if (s->name == name) return s.get();
  }
  return nullptr;
}

const ProbeView* AgentSnapshot::probe(std::string_view name) const {
  for (const auto& p : probes) {
    if (p->name == name) return p.get();
  }
  return nullptr;
}

}  // namespace vitals
