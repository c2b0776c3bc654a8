// The engine behind HealthRegistry: schedules each checker on its interval, runs it on the
// executor with a deadline, applies the thresholds and publishes an immutable snapshot.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <thread>
#include <vector>

#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "vitals/checkers/health_registry.h"
#include "vitals/common/event_loop.h"
#include "vitals/common/mutex.h"
#include "vitals/common/thread_pool.h"

namespace vitals::detail {

// The status a check moves to after one more run, given its counters after that run.
// Pure, so the threshold rules are tested without running anything.
CheckStatus next_status(CheckStatus current, bool passed, const CheckState& counters,
                        const CheckOptions& options);

// Thread-safe. Timer and completion callbacks run on the loop thread and hold only a weak
// reference, so they are harmless after the registry is gone; a checker still stuck then finishes
// on its own thread unobserved.
class CheckRunner : public std::enable_shared_from_this<CheckRunner> {
 public:
  explicit CheckRunner(const RegistryOptions& options);
  ~CheckRunner();

  Result<void> add(std::string name, Checker checker, CheckOptions options) EXCLUDES(mu_);
  std::shared_ptr<const HealthSnapshot> snapshot() const EXCLUDES(mu_);
  void drain() EXCLUDES(mu_);
  HealthRegistry::ListenerId on_change(std::string check_name, HealthRegistry::Listener listener)
      EXCLUDES(mu_);
  void remove_listener(HealthRegistry::ListenerId id) EXCLUDES(mu_);
  std::shared_ptr<prometheus::Registry> metrics() const { return metrics_; }
  void cap_timeouts(Duration limit);
  // Stops the loop thread the runner owns, if any. Idempotent.
  void shutdown();

 private:
  struct Entry {
    Checker checker;
    CheckOptions options;
    CheckState state;
    std::uint64_t run = 0;   // numbers the runs; the current one while in_flight
    bool in_flight = false;  // a run was handed to the executor and has not returned
    bool timed_out = false;  // ...and it passed its deadline: its thread is stuck
    EventLoop::TimerId deadline_timer = 0;
    Duration run_timeout{0};  // the current run's, after any cap
    prometheus::Gauge* up = nullptr;
    prometheus::Gauge* duration = nullptr;
    prometheus::Gauge* failures = nullptr;
  };
  struct Listener {
    HealthRegistry::ListenerId id;
    std::string check_name;
    HealthRegistry::Listener callback;
  };

  void schedule(const std::string& name, SteadyTime at);
  void dispatch(const std::string& name, SteadyTime scheduled_at) EXCLUDES(mu_);
  void on_deadline(const std::string& name, std::uint64_t run) EXCLUDES(mu_);
  void on_finished(const std::string& name, std::uint64_t run, CheckResult result, Duration took)
      EXCLUDES(mu_);
  // Applies one run's outcome; returns the status changes to announce.
  std::vector<StatusChange> record(const std::string& name, Entry& entry, CheckResult result,
                                   Duration took) REQUIRES(mu_);
  void publish() REQUIRES(mu_);
  void notify(const std::vector<StatusChange>& changes) EXCLUDES(mu_);
  Duration effective_timeout(Duration configured) const;

  const Clock& clock_;
  std::unique_ptr<EventLoop> own_loop_;
  EventLoop* loop_;
  std::unique_ptr<ThreadPool> own_pool_;
  Executor* executor_;
  std::thread loop_thread_;

  std::shared_ptr<prometheus::Registry> metrics_;
  prometheus::Family<prometheus::Gauge>* up_family_;
  prometheus::Family<prometheus::Gauge>* duration_family_;
  prometheus::Family<prometheus::Gauge>* failures_family_;
  prometheus::Gauge* stuck_threads_;

  mutable Mutex mu_;
  std::string service_;
  std::map<std::string, std::unique_ptr<Entry>> entries_ GUARDED_BY(mu_);
  std::shared_ptr<const HealthSnapshot> snapshot_ GUARDED_BY(mu_);
  bool draining_ GUARDED_BY(mu_) = false;
  std::vector<Listener> listeners_ GUARDED_BY(mu_);
  HealthRegistry::ListenerId next_listener_id_ GUARDED_BY(mu_) = 1;
  int stuck_ GUARDED_BY(mu_) = 0;
  std::atomic<Duration::rep> timeout_cap_ns_{0};  // 0: no cap
};

}  // namespace vitals::detail
