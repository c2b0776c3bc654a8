// One node of the notifier's routing tree, built from the resolved config with its matchers
// compiled once: Alertmanager's dispatch.Route. match() picks the routes an alert goes to; each
// route's key() is the stable prefix of its groups' keys. Immutable after create(); thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "agent/config/alerting_config.h"
#include "agent/store/label_set.h"
#include "alerts/notify/matcher.h"
#include "vitals/common/error.h"

namespace vitals::notify {

class Route {
 public:
  // The tree under `config`; InvalidArgument when a matcher does not parse (the config loader
  // has already checked them, so this only fails for hand-made configs).
  static Result<std::unique_ptr<Route>> create(const ResolvedRoute& config);

  // The routes an alert with `labels` goes to, as Alertmanager's Route.Match: none when this
  // route's matchers fail; else, depth first, each matching child's matches, stopping after the
  // first child that matched unless it has `continue`; this route itself when no child matched.
  std::vector<const Route*> match(const LabelPairs& labels) const;

  // Alertmanager's Route.Key(): the parent's key, "/", then this route's sorted matchers, e.g.
  // `{}/{severity="page"}`. Siblings with equal matchers share a key, as in Alertmanager.
  const std::string& key() const { return key_; }
  const ResolvedRoute& config() const { return config_; }
  // Whether grouping uses every label (`group_by: [...]`).
  bool group_by_all() const { return group_by_all_; }
  // The labels of `labels` named in group_by (all of them with `...`); absent ones are left out.
  LabelPairs group_labels(const LabelPairs& labels) const;
  const std::vector<std::unique_ptr<Route>>& routes() const { return routes_; }

 private:
  Route() = default;
  static Result<std::unique_ptr<Route>> build(const ResolvedRoute& config, const Route* parent);

  ResolvedRoute config_{};  // without its children (they live in routes_)
  std::vector<Matcher> matchers_{};
  std::string key_{};
  bool group_by_all_{false};
  std::vector<std::unique_ptr<Route>> routes_{};
};

}  // namespace vitals::notify
