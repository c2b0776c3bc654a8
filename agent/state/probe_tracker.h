// Follows one probe from run to run: its current view, the flips worth keeping in history, and
// the per-run sample behind the uptime bars.
#pragma once

#include <memory>
#include <vector>

#include "agent/config/config.h"
#include "agent/probe/probe_result.h"
#include "agent/state/views.h"
#include "agent/store/history_store.h"

namespace vitals {

// Lives on the network loop's thread; view() hands out immutable snapshots.
class ProbeTracker {
 public:
  explicit ProbeTracker(const ProbeConfig& config);

  // Applies one run. The first result, a flip between up and down, and a change of failure
  // reason are returned as changes.
  std::vector<StateChange> observe(const ProbeResult& result, WallTime at);
  void set_suppressed(bool suppressed);

  std::shared_ptr<const ProbeView> view() const { return view_; }
  bool down() const { return view_->down(); }

 private:
  std::shared_ptr<const ProbeView> view_;
};

// "http", "tcp", "tls", "dns", and what each probes (URL, address or name).
std::string probe_kind_name(const ProbeKind& kind);
std::string probe_target_text(const ProbeKind& kind);

}  // namespace vitals
