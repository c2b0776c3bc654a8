#include "agent/state/probe_tracker.h"

namespace vitals {

std::string probe_kind_name(const ProbeKind& kind) {
  static constexpr const char* kNames[] = {"http", "tcp", "tls", "dns"};
  return kNames[kind.index()];
}

std::string probe_target_text(const ProbeKind& kind) {
  struct Target {
    std::string operator()(const HttpProbe& p) const { return p.url; }
    std::string operator()(const TcpProbe& p) const { return p.address; }
    std::string operator()(const TlsProbe& p) const { return p.address; }
    std::string operator()(const DnsProbe& p) const { return p.name; }
  };
  return std::visit(Target{}, kind);
}

ProbeTracker::ProbeTracker(const ProbeConfig& config) {
  auto view = std::make_shared<ProbeView>();
  view->name = config.name;
  view->kind = probe_kind_name(config.kind);
  view->target = probe_target_text(config.kind);
  view->labels = config.labels;
  view_ = std::move(view);
}

std::vector<StateChange> ProbeTracker::observe(const ProbeResult& result, WallTime at) {
  auto next = std::make_shared<ProbeView>(*view_);
  const bool flipped = !view_->last || view_->last->success != result.success ||
                       view_->last->reason != result.reason;
  next->last = result;
  next->last_run = at;
  std::vector<StateChange> changes;
  if (flipped) {
    if (!view_->last || view_->last->success != result.success) next->since = at;
    if (view_->down() && result.success) next->back_since = at;
    changes.push_back(StateChange{.target = next->name,
                                  .kind = "probe",
                                  .at = at,
                                  .status = result.success ? "up" : "down",
                                  .error = result.error,
                                  .reason = std::string(to_string(result.reason))});
  }
  view_ = std::move(next);
  return changes;
}

void ProbeTracker::set_suppressed(bool suppressed) {
  if (view_->suppressed == suppressed) return;
  auto next = std::make_shared<ProbeView>(*view_);
  next->suppressed = suppressed;
  view_ = std::move(next);
}

}  // namespace vitals
