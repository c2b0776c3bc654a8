// depends_on at alert time: an alert about a service or probe (its `service` or `probe` label)
// is suppressed while a target it depends on is down, and for a short settle time after that
// target comes back, so a dependent that failed because of it can recover before anyone is
// paged for it; a probe's alerts also while the vantage check suspects the agent's network.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/config/config.h"
#include "agent/state/views.h"
#include "agent/store/label_set.h"

namespace vitals {

struct DependsOn {
  std::vector<std::string> targets{};
  // How long a target that came back still suppresses: two of the dependent's intervals, time
  // for its next scrape to land (its rules evaluate as it lands).
  Duration settle{};
};
using Dependencies = std::map<std::string, DependsOn>;  // by dependent

std::shared_ptr<const Dependencies> dependencies_of(const Config& config);

// Why an alert with `labels` is suppressed at `now`; none when it is not.
std::optional<std::string> suppression_reason(const AgentSnapshot& snapshot,
                                              const Dependencies& dependencies,
                                              const LabelPairs& labels, WallTime now);

}  // namespace vitals
