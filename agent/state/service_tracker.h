// Follows one service from scrape to scrape: turns each observation of its /health into the
// service's current view and the state changes worth keeping in history.
#pragma once

#include <memory>
#include <vector>

#include "agent/config/config.h"
#include "agent/scrape/health_scraper.h"
#include "agent/state/views.h"
#include "agent/store/history_store.h"

namespace vitals {

// Lives on the network loop's thread; view() hands out immutable snapshots.
class ServiceTracker {
 public:
  explicit ServiceTracker(const ServiceConfig& config);

  // Applies one scrape. The first observation, every status change of the service and of each
  // check are returned as changes; an unchanged status returns nothing.
  std::vector<StateChange> observe(const HealthObservation& seen, WallTime at);
  void set_suppressed(bool suppressed);

  std::shared_ptr<const ServiceView> view() const { return view_; }
  // Unreachable or unhealthy: what makes its dependents' alerts suppressed.
  bool down() const;

 private:
  std::vector<StateChange> observe_checks(ServiceView& next, const ServiceHealthReport& report,
                                          WallTime at) const;

  std::shared_ptr<const ServiceView> view_;
};

}  // namespace vitals
