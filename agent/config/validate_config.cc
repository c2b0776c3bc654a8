// Cross-reference checks over a whole Config: each error points at the entry that refers to
// something missing, or at the second of two entries with one name.
#include <map>
#include <set>

#include "agent/config/load_config.h"

namespace vitals {
namespace {

using Names = std::map<std::string, std::string, std::less<>>;  // name -> path of its entry

tl::unexpected<Error> error_at(const Config& config, const std::string& path,
                               const std::string& message) {
  return make_error(ErrorCode::InvalidArgument, path + ": " + message, location_of(config, path));
}

std::string indexed(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

// A service or probe as a node of the dependency graph.
struct Target {
  const std::string* name;
  const std::vector<std::string>* depends_on;
  std::string path;  // "services[0]"
};

std::vector<Target> targets_of(const Config& config) {
  std::vector<Target> targets;
  for (std::size_t i = 0; i < config.services.size(); ++i) {
    const ServiceConfig& s = config.services[i];
    targets.push_back(Target{&s.name, &s.depends_on, indexed("services", i)});
  }
  for (std::size_t i = 0; i < config.probes.size(); ++i) {
    const ProbeConfig& p = config.probes[i];
    targets.push_back(Target{&p.name, &p.depends_on, indexed("probes", i)});
  }
  return targets;
}

Result<void> check_target_names(const Config& config, const std::vector<Target>& targets,
                                Names& names) {
  for (const Target& t : targets) {
    auto [first, added] = names.emplace(*t.name, t.path);
    if (!added) {
      return error_at(config, t.path + ".name",
                      "\"" + *t.name + "\" is already the name of " + first->second);
    }
  }
  for (const Target& t : targets) {
    for (std::size_t j = 0; j < t.depends_on->size(); ++j) {
      const std::string& dep = (*t.depends_on)[j];
      if (names.count(dep) == 0) {
        return error_at(config, indexed(t.path + ".depends_on", j),
                        "no service or probe named \"" + dep + "\"");
      }
    }
  }
  return {};
}

// Depth-first search; a dependency on a target still on the stack closes a cycle, reported at
// the depends_on entry that closes it.
class CycleFinder {
 public:
  CycleFinder(const Config& config, const std::vector<Target>& targets)
      : config_(config), targets_(targets), state_(targets.size(), State::New) {
    for (std::size_t i = 0; i < targets.size(); ++i) index_.emplace(*targets[i].name, i);
  }

  Result<void> run() {
    for (std::size_t i = 0; i < targets_.size(); ++i) {
      if (state_[i] != State::New) continue;
      if (auto ok = visit(i); !ok) return ok;
    }
    return {};
  }

 private:
  enum class State { New, OnStack, Done };

  Result<void> visit(std::size_t i) {
    state_[i] = State::OnStack;
    stack_.push_back(i);
    const std::vector<std::string>& deps = *targets_[i].depends_on;
    for (std::size_t j = 0; j < deps.size(); ++j) {
      std::size_t next = index_.at(deps[j]);
      if (state_[next] == State::OnStack) {
        return error_at(config_, indexed(targets_[i].path + ".depends_on", j),
                        "dependency cycle: " + describe_cycle(next));
      }
      if (state_[next] == State::New) {
        if (auto ok = visit(next); !ok) return ok;
      }
    }
    stack_.pop_back();
    state_[i] = State::Done;
    return {};
  }

  // "a -> b -> a" from `start` on the stack to its top and back.
  std::string describe_cycle(std::size_t start) const {
    std::string text;
    bool on = false;
    for (std::size_t i : stack_) {
      on = on || i == start;
      if (on) text += *targets_[i].name + " -> ";
    }
    return text + *targets_[start].name;
  }

  const Config& config_;
  const std::vector<Target>& targets_;
  std::vector<State> state_;
  std::vector<std::size_t> stack_;
  std::map<std::string, std::size_t, std::less<>> index_;
};

Result<void> check_route(const Config& config, const RouteConfig& route, const std::string& path,
                         const Names& receivers) {
  if (route.receiver && receivers.count(*route.receiver) == 0) {
    return error_at(config, path + ".receiver", "no receiver named \"" + *route.receiver + "\"");
  }
  for (std::size_t i = 0; i < route.routes.size(); ++i) {
    auto ok = check_route(config, route.routes[i], indexed(path + ".routes", i), receivers);
    if (!ok) return ok;
  }
  return {};
}

Result<void> check_alerting(const Config& config) {
  Names receivers;
  const std::vector<ReceiverConfig>& list = config.alerting.receivers;
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::string path = indexed("alerting.receivers", i);
    if (!receivers.emplace(list[i].name, path).second) {
      return error_at(config, path + ".name", "duplicate receiver name \"" + list[i].name + "\"");
    }
  }
  if (!config.alerting.route) return {};
  return check_route(config, *config.alerting.route, "alerting.route", receivers);
}

// A component's services must be services and its probes probes: the status page reads their
// results from different places.
Result<void> check_status_page(const Config& config) {
  std::set<std::string, std::less<>> services, probes, components;
  for (const ServiceConfig& s : config.services) services.insert(s.name);
  for (const ProbeConfig& p : config.probes) probes.insert(p.name);
  const auto& list = config.status_page.components;
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::string path = indexed("status_page.components", i);
    if (!components.insert(list[i].name).second) {
      return error_at(config, path + ".name", "duplicate component name \"" + list[i].name + "\"");
    }
    for (std::size_t j = 0; j < list[i].services.size(); ++j) {
      if (services.count(list[i].services[j]) > 0) continue;
      return error_at(config, indexed(path + ".services", j),
                      "no service named \"" + list[i].services[j] + "\"");
    }
    for (std::size_t j = 0; j < list[i].probes.size(); ++j) {
      if (probes.count(list[i].probes[j]) > 0) continue;
      return error_at(config, indexed(path + ".probes", j),
                      "no probe named \"" + list[i].probes[j] + "\"");
    }
  }
  return {};
}

}  // namespace

Result<void> validate_config(const Config& config) {
  std::vector<Target> targets = targets_of(config);
  Names names;
  if (auto ok = check_target_names(config, targets, names); !ok) return ok;
  if (auto ok = CycleFinder(config, targets).run(); !ok) return ok;
  if (auto ok = check_alerting(config); !ok) return ok;
  return check_status_page(config);
}

}  // namespace vitals
