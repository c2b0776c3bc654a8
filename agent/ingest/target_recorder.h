// Records the agent's own target series (service health, checks, probe_*, suppression, the
// vantage check; agent/expose/target_series.h) into the sample window, so rules read them
// exactly as they read scraped metrics, with the same staleness.
//
// A target's series are written when it has news (a new run finished, its suppression flipped)
// and otherwise every `refresh`, which keeps a target probed every ten minutes visible to
// PromQL's five-minute lookback. A series a target stops having (the checks of a service that
// became unreachable) and every series of a target that left the configuration get a stale
// marker at once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "agent/expose/target_series.h"
#include "agent/state/views.h"
#include "agent/store/sample_window.h"
#include "vitals/common/clock.h"
#include "vitals/common/mutex.h"
#include "vitals/common/thread_pool.h"

namespace vitals {

class TargetRecorder {
 public:
  explicit TargetRecorder(SampleWindow& window, Duration refresh = std::chrono::seconds(60));

  // Not thread-safe: one call at a time, with snapshots in the order they were taken and
  // non-decreasing times.
  void record(const AgentSnapshot& snapshot, std::int64_t t_ms);

 private:
  using Emit = std::function<void(const TargetSampleSink&)>;
  // What was last written for one target.
  struct Written {
    std::shared_ptr<const void> view{};  // views are immutable: a new pointer is news
    bool vantage_degraded = false;       // the agent's own "target" has no view
    std::int64_t at_ms = 0;
    std::unordered_map<std::string, SeriesRef> refs{};  // series key -> ref
    bool present = false;                               // in the snapshot being recorded
  };

  void update(Written& written, bool news, const Emit& emit, std::int64_t t_ms);
  SeriesRef series_for(const Written& written, const std::string& key, const TargetFamily& family,
                       const SeriesLabels& labels);
  void end(const Written& written, std::int64_t t_ms);

  SampleWindow& window_;
  const std::int64_t refresh_ms_;
  std::unordered_map<std::string, Written> targets_;  // "service/…", "probe/…", "agent"
};

// Hands snapshots to a TargetRecorder on an executor, one record() at a time, so the network
// thread never appends, each at the wall clock's time when it is recorded. A snapshot offered
// while another is being recorded waits; a newer one replaces it (its views carry the same news
// or later). Thread-safe; the executor must finish its tasks before this is destroyed.
class RecordingQueue {
 public:
  // `recorded` (may be empty) runs after each snapshot is in the window, on the executor.
  RecordingQueue(TargetRecorder& recorder, Executor& executor, const Clock& clock,
                 std::function<void()> recorded = {});
  void offer(std::shared_ptr<const AgentSnapshot> snapshot) EXCLUDES(mu_);

 private:
  void record_pending() EXCLUDES(mu_);

  TargetRecorder& recorder_;
  Executor& executor_;
  const Clock& clock_;
  const std::function<void()> recorded_;
  Mutex mu_;
  std::shared_ptr<const AgentSnapshot> pending_ GUARDED_BY(mu_);
  bool running_ GUARDED_BY(mu_) = false;  // a task is queued or running
  std::int64_t last_ms_ = 0;              // only the running task touches it
};

}  // namespace vitals
