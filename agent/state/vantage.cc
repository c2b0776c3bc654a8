#include "agent/state/vantage.h"

namespace vitals {

bool vantage_degraded(const std::vector<std::shared_ptr<const ProbeView>>& probes,
                      const VantageRule& rule) {
  std::size_t with_result = 0;
  std::size_t failing = 0;
  for (const auto& probe : probes) {
    if (!probe->last) continue;
    ++with_result;
    if (!probe->last->success) ++failing;
  }
  if (with_result < rule.min_probes || with_result == 0) return false;
  return static_cast<double>(failing) >= rule.failing_fraction * static_cast<double>(with_result);
}

}  // namespace vitals
