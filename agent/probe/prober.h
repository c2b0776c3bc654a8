// One interface for every kind of out-of-band probe (Envoy's extension shape): one file per
// kind implements it, and make_prober picks the kind from the configuration.
#pragma once

#include <functional>
#include <memory>

#include "agent/config/config.h"
#include "agent/net/net_loop.h"
#include "agent/probe/probe_result.h"

namespace vitals {

// Lives on the network loop's thread.
class Prober {
 public:
  using Done = std::function<void(ProbeResult)>;
  virtual ~Prober() = default;
  // Starts one probe. `done` runs exactly once on the loop thread, no later than `deadline`
  // (a probe still running then reports FailureReason::Timeout). At most one probe of a given
  // Prober runs at a time; the scheduler guarantees it.
  virtual void start(SteadyTime deadline, Done done) = 0;
  // Abandons a running probe without calling `done` (reload, shutdown). Idempotent.
  virtual void cancel() = 0;
};

std::unique_ptr<Prober> make_prober(const ProbeConfig& config, NetLoop& loop);

}  // namespace vitals
