#include "alerts/notify/route.h"

#include <algorithm>

namespace vitals::notify {

Result<std::unique_ptr<Route>> Route::create(const ResolvedRoute& config) {
  return build(config, nullptr);
}

Result<std::unique_ptr<Route>> Route::build(const ResolvedRoute& config, const Route* parent) {
  std::unique_ptr<Route> route(new Route());
  auto matchers = parse_matchers(config.matchers);
  if (!matchers) return tl::unexpected(matchers.error());
  route->matchers_ = std::move(*matchers);
  route->config_ = config;
  route->config_.routes.clear();
  route->key_ = (parent ? parent->key_ + "/" : std::string()) + matchers_text(route->matchers_);
  route->group_by_all_ =
      std::find(config.group_by.begin(), config.group_by.end(), "...") != config.group_by.end();
  for (const ResolvedRoute& child : config.routes) {
    auto built = build(child, route.get());
    if (!built) return tl::unexpected(built.error());
    route->routes_.push_back(std::move(*built));
  }
  return route;
}

std::vector<const Route*> Route::match(const LabelPairs& labels) const {
  if (!matches_all(matchers_, labels)) return {};
  std::vector<const Route*> all;
  for (const auto& child : routes_) {
    std::vector<const Route*> matched = child->match(labels);
    all.insert(all.end(), matched.begin(), matched.end());
    if (!matched.empty() && !child->config_.continue_matching) break;
  }
  if (all.empty()) all.push_back(this);
  return all;
}

LabelPairs Route::group_labels(const LabelPairs& labels) const {
  LabelPairs out;
  for (const LabelPair& pair : labels) {
    const bool wanted = group_by_all_ || std::find(config_.group_by.begin(), config_.group_by.end(),
                                                   pair.name) != config_.group_by.end();
    if (wanted) out.push_back(pair);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace vitals::notify
