#include "agent/probe/probe_run.h"

#include "vitals/common/duration.h"

namespace vitals::detail {

void ProbeRun::begin(SteadyTime deadline, Prober::Done done, std::function<void()> on_deadline) {
  cancel();
  done_ = std::move(done);
  started_ = loop_.events().clock().now();
  timer_ = loop_.events().add_timer(deadline, [this, on_deadline = std::move(on_deadline)] {
    timer_ = 0;
    on_deadline();
  });
}

void ProbeRun::finish(ProbeResult result) {
  if (!done_) return;
  if (timer_ != 0) loop_.events().cancel(timer_);
  timer_ = 0;
  result.duration = elapsed();
  // The weak pointer also covers a prober destroyed before the task runs.
  std::weak_ptr<std::uint64_t> alive = generation_;
  loop_.events().post([alive, generation = *generation_, done = std::move(done_),
                       result = std::move(result)]() mutable {
    auto current = alive.lock();
    if (current && *current == generation) done(std::move(result));
  });
  done_ = nullptr;
}

void ProbeRun::fail(FailureReason reason, std::string error, const PhaseTimings& phases) {
  finish(
      ProbeResult{.success = false, .reason = reason, .error = std::move(error), .phases = phases});
}

void ProbeRun::time_out(const PhaseTimings& phases) {
  fail(FailureReason::Timeout, "timeout after " + format_duration(elapsed()), phases);
}

void ProbeRun::cancel() {
  ++*generation_;
  if (timer_ != 0) loop_.events().cancel(timer_);
  timer_ = 0;
  done_ = nullptr;
}

}  // namespace vitals::detail
