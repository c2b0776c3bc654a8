// Everything the agent watches: one slot per service and probe with its tracker and its
// scraper or prober, the schedule that drives them, what their results become (history,
// metrics, dependency suppression, the vantage check), and the snapshot readers see.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "agent/config/config.h"
#include "agent/ingest/metrics_scraper.h"
#include "agent/net/net_loop.h"
#include "agent/probe/prober.h"
#include "agent/schedule/scheduler.h"
#include "agent/scrape/health_scraper.h"
#include "agent/state/probe_tracker.h"
#include "agent/state/service_tracker.h"
#include "agent/state/views.h"
#include "agent/store/history_store.h"
#include "vitals/common/mutex.h"

namespace vitals {

// What happens to each finished run besides the tracker; e.g. the agent's self-metrics.
struct RunObserver {
  std::function<void(const std::string& service, bool success, Duration took)> scrape_finished{};
  std::function<void(const std::string& probe, bool success, Duration took)> probe_finished{};
  std::function<void(const std::string& service, const IngestOutcome&)> metrics_scraped{};
  // Each new snapshot, as readers will see it; on the network thread.
  std::function<void(std::shared_ptr<const AgentSnapshot>)> published{};
};

// Lives on the network loop's thread, except snapshot(), which is thread-safe.
class TargetSet {
 public:
  // `window` and `cpu` may be null: then metrics_url is not scraped.
  TargetSet(NetLoop& loop, Scheduler& scheduler, HistoryStore* history, RunObserver observer,
            SampleWindow* window = nullptr, Executor* cpu = nullptr);
  ~TargetSet();
  TargetSet(const TargetSet&) = delete;
  TargetSet& operator=(const TargetSet&) = delete;

  // Makes the set match `config`: targets that stayed the same keep their state and schedule,
  // new and changed ones start afresh, removed ones stop. Only this agent's shard is watched.
  // `bearer_tokens` holds each service's credentials, read by the caller (file I/O stays off
  // the loop).
  void apply(const Config& config, const std::map<std::string, std::string>& bearer_tokens);
  // Stops every target; nothing runs afterwards.
  void clear();

  std::shared_ptr<const AgentSnapshot> snapshot() const EXCLUDES(mu_);

 private:
  struct ServiceSlot;
  struct ProbeSlot;

  void on_scraped(ServiceSlot& slot, const HealthObservation& seen);
  void on_probed(ProbeSlot& slot, const ProbeResult& result);
  void on_metrics_scraped(ServiceSlot& slot, const IngestOutcome& outcome);
  void record(const std::vector<StateChange>& changes);
  void mark_dirty();
  void publish() EXCLUDES(mu_);
  bool target_down(const std::string& name) const;
  std::vector<Scheduler::Target> schedule_targets();

  NetLoop& loop_;
  Scheduler& scheduler_;
  HistoryStore* history_;
  RunObserver observer_;
  SampleWindow* window_;
  Executor* cpu_;
  std::map<std::string, std::unique_ptr<ServiceSlot>> services_;
  std::map<std::string, std::unique_ptr<ProbeSlot>> probes_;
  std::vector<std::string> order_;  // config order of services, then probes
  double vantage_fraction_ = 0.8;
  bool vantage_degraded_ = false;
  std::uint64_t next_fingerprint_ = 1;
  bool publish_pending_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);

  mutable Mutex mu_;
  std::shared_ptr<const AgentSnapshot> snapshot_ GUARDED_BY(mu_);
};

// The shard a target belongs to: a stable hash of its name modulo `total`, like Prometheus'
// hashmod relabelling.
int shard_of(std::string_view name, int total);

}  // namespace vitals
