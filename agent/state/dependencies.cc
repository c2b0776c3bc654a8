#include "agent/state/dependencies.h"

namespace vitals {
namespace {

enum class Standing : std::uint8_t { Up, Down, JustBack };

template <class View>
Standing standing_of(const View& view, Duration settle, WallTime now) {
  if (view.down()) return Standing::Down;
  return view.back_since && now - *view.back_since < settle ? Standing::JustBack : Standing::Up;
}

Standing standing_of(const AgentSnapshot& snapshot, const std::string& name, Duration settle,
                     WallTime now) {
  if (const ServiceView* service = snapshot.service(name))
    return standing_of(*service, settle, now);
  if (const ProbeView* probe = snapshot.probe(name)) return standing_of(*probe, settle, now);
  return Standing::Up;
}

}  // namespace

std::shared_ptr<const Dependencies> dependencies_of(const Config& config) {
  auto out = std::make_shared<Dependencies>();
  for (const ServiceConfig& s : config.services) {
    (*out)[s.name] = {.targets = s.depends_on, .settle = 2 * s.interval};
  }
  for (const ProbeConfig& p : config.probes) {
    (*out)[p.name] = {.targets = p.depends_on, .settle = 2 * p.interval};
  }
  return out;
}

std::optional<std::string> suppression_reason(const AgentSnapshot& snapshot,
                                              const Dependencies& dependencies,
                                              const LabelPairs& labels, WallTime now) {
  for (const LabelPair& label : labels) {
    if (label.name != "service" && label.name != "probe") continue;
    if (label.name == "probe" && snapshot.vantage_degraded && snapshot.probe(label.value)) {
      return "most probes fail at once: the agent's own network is suspect";
    }
    auto found = dependencies.find(label.value);
    if (found == dependencies.end()) continue;
    for (const std::string& dependency : found->second.targets) {
      switch (standing_of(snapshot, dependency, found->second.settle, now)) {
        case Standing::Down:
          return label.value + " depends on " + dependency + ", which is down";
        case Standing::JustBack:
          return label.value + " depends on " + dependency + ", which has just come back";
        case Standing::Up:
          break;
      }
    }
  }
  return std::nullopt;
}

}  // namespace vitals
