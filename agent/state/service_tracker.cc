#include "agent/state/service_tracker.h"

namespace vitals {

ServiceTracker::ServiceTracker(const ServiceConfig& config) {
  auto view = std::make_shared<ServiceView>();
  view->name = config.name;
  view->labels = config.labels;
  view->health_url = config.health_url.value_or("");
  view_ = std::move(view);
}

std::vector<StateChange> ServiceTracker::observe(const HealthObservation& seen, WallTime at) {
  auto next = std::make_shared<ServiceView>(*view_);
  next->last_scrape = at;
  next->scrape_duration_seconds = std::chrono::duration<double>(seen.duration).count();
  next->reason = seen.reason;
  next->error = seen.error;
  std::vector<StateChange> changes;
  if (seen.reachable) {
    next->status = seen.report->status;
    changes = observe_checks(*next, *seen.report, at);
  } else {
    // Without an answer the checks' states are unknown; history keeps their last known ones.
    next->status = "unreachable";
    next->checks.clear();
  }
  if (next->status != view_->status) {
    next->since = at;
    if (view_->down() && !next->down()) next->back_since = at;
    changes.insert(changes.begin(), StateChange{.target = next->name,
                                                .kind = "service",
                                                .at = at,
                                                .status = next->status,
                                                .error = seen.error,
                                                .reason = std::string(to_string(seen.reason))});
  }
  view_ = std::move(next);
  return changes;
}

std::vector<StateChange> ServiceTracker::observe_checks(ServiceView& next,
                                                        const ServiceHealthReport& report,
                                                        WallTime at) const {
  std::vector<StateChange> changes;
  std::vector<CheckView> checks;
  checks.reserve(report.checks.size());
  for (const ScrapedCheck& scraped : report.checks) {
    CheckView check{.name = scraped.name,
                    .status = scraped.status,
                    .error = scraped.error,
                    .metadata = scraped.metadata,
                    .duration_seconds = scraped.duration_seconds,
                    .critical = scraped.critical,
                    .since = at};
    const CheckView* before = nullptr;
    for (const CheckView& old : view_->checks) {
      if (old.name == scraped.name) before = &old;
    }
    if (before != nullptr && before->status == check.status) {
      check.since = before->since;
    } else {
      changes.push_back(StateChange{.target = next.name,
                                    .kind = "check",
                                    .check = check.name,
                                    .at = at,
                                    .status = check.status,
                                    .error = check.error.value_or(""),
                                    .metadata = check.metadata});
    }
    checks.push_back(std::move(check));
  }
  next.checks = std::move(checks);
  return changes;
}

void ServiceTracker::set_suppressed(bool suppressed) {
  if (view_->suppressed == suppressed) return;
  auto next = std::make_shared<ServiceView>(*view_);
  next->suppressed = suppressed;
  view_ = std::move(next);
}

bool ServiceTracker::down() const {
  return view_->down();
}

}  // namespace vitals
