// The bookkeeping every prober shares: when a run started, its deadline timer, and handing the
// result to `done` exactly once. Internal to the probers; lives on the network loop's thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "agent/net/net_loop.h"
#include "agent/probe/prober.h"

namespace vitals::detail {

class ProbeRun {
 public:
  explicit ProbeRun(NetLoop& loop) : loop_(loop) {}
  ~ProbeRun() { cancel(); }
  ProbeRun(const ProbeRun&) = delete;
  ProbeRun& operator=(const ProbeRun&) = delete;

  // Starts a run: `on_deadline` runs at `deadline` unless the run has ended by then. It must
  // release the prober's resources and call finish() (usually through fail()).
  void begin(SteadyTime deadline, Prober::Done done, std::function<void()> on_deadline);
  bool running() const { return static_cast<bool>(done_); }
  Duration elapsed() const { return loop_.events().clock().now() - started_; }

  // Ends the run: sets result.duration and hands the result to `done` on the loop's next turn,
  // never inside the caller (start() may fail at once; `done` must not run inside it).
  // Ignored when no run is going.
  void finish(ProbeResult result);
  void fail(FailureReason reason, std::string error, const PhaseTimings& phases = {});
  // The deadline passed: a Timeout naming how long the probe ran.
  void time_out(const PhaseTimings& phases = {});
  // Ends the run without calling `done`, also after finish() when `done` has not run yet.
  void cancel();

 private:
  NetLoop& loop_;
  Prober::Done done_{};
  SteadyTime started_{};
  EventLoop::TimerId timer_ = 0;
  // Bumped by cancel(); a result posted under an older generation is dropped.
  std::shared_ptr<std::uint64_t> generation_ = std::make_shared<std::uint64_t>(0);
};

}  // namespace vitals::detail
