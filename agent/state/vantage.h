// The agent's suspicion of itself: when most probes fail at once, the likelier story is that
// the agent's own network is broken, not that the whole world went down together.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "agent/state/views.h"

namespace vitals {

struct VantageRule {
  double failing_fraction = 0.8;  // global.vantage_failing_fraction
  // Fewer probes than this say nothing about the vantage point: with two probes, both failing
  // is as likely two outages as a broken network.
  std::size_t min_probes = 3;
};

// True when at least `min_probes` probes have a result and the failing ones make up at least
// `failing_fraction` of them.
bool vantage_degraded(const std::vector<std::shared_ptr<const ProbeView>>& probes,
                      const VantageRule& rule);

}  // namespace vitals
