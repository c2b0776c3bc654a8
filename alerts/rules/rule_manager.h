// Runs the configured rule groups on an event loop: each group at its interval, at times
// aligned to that interval plus a stable offset from its name (as Prometheus spreads groups),
// alerts due for sending handed to a sink after each evaluation, alert state saved to the
// store and put back at start (with the for-state grace period), and carried over when a
// reload keeps a group.
//
// A group also evaluates as soon as a scrape feeding it lands (data_landed()), so an alert does
// not wait up to an interval for the next tick. Such an early evaluation is an ordinary one at
// the time it runs: it sees exactly the samples up to that time, as promtool's would at that
// time, so rule semantics (for, keep_firing_for, staleness, recorded series) are Prometheus'.
// Bounds keep it cheap: early evaluations of a group are kMinEarlyGapMs apart (a
// kEarlyPerInterval-th of its interval when that is shorter), and never closer than its last
// evaluation's duration over kEarlyCostShare, so a costly group spends at most that share of
// the rules thread on them: a fleet-wide group that takes seconds gets none between its ticks.
// None when a group has a query_offset (whose point is to wait for late samples).
// A tick whose time an early evaluation already passed is skipped: it would see nothing new.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "agent/store/sample_window.h"
#include "alerts/rules/alert_state_store.h"
#include "alerts/rules/rule_group.h"
#include "vitals/common/event_loop.h"
#include "vitals/common/mutex.h"

namespace vitals::rules {

struct RuleManagerOptions {
  std::int64_t default_interval_ms = 60'000;  // global.evaluation_interval
  std::int64_t resend_delay_ms = 60'000;      // Prometheus' --rules.alert.resend-delay
  std::int64_t grace_ms = 10 * 60'000;        // Prometheus' --rules.alert.for-grace-period
  TemplateContext context{};
};

// Receives the alerts due after one group's evaluation.
using AlertSink = std::function<void(const std::string& group, std::vector<DueAlert> alerts)>;

class RuleManager {
 public:
  static constexpr std::int64_t kEarlyPerInterval = 4;
  static constexpr std::int64_t kMinEarlyGapMs = 1000;
  static constexpr double kEarlyCostShare = 0.01;

  // `store` may be null (nothing kept across restarts). Everything but status() runs on the
  // loop's thread; the loop, window and store must outlive the manager.
  RuleManager(EventLoop& loop, SampleWindow& window, AlertStateStore* store, AlertSink sink);
  ~RuleManager();
  RuleManager(const RuleManager&) = delete;
  RuleManager& operator=(const RuleManager&) = delete;

  // Makes the running groups these: a group whose file and name stay keeps its alerts (by rule
  // name) and its schedule; a new one takes its alerts from the store.
  void apply(std::vector<GroupSpec> groups, RuleManagerOptions options);
  // Stops every group.
  void clear();
  // Samples of `names` (sorted) were just appended to the window.
  void data_landed(std::span<const std::string> names);

  // Thread-safe: every group's last status, in file and group order.
  GroupStatuses status() const EXCLUDES(mu_);
  // Thread-safe: the names whose landing data_landed() acts on (null: none).
  std::shared_ptr<const promql::MetricNames> early_reads() const EXCLUDES(mu_);

 private:
  struct Running {
    std::unique_ptr<RuleGroup> group;
    EventLoop::TimerId timer = 0;
    std::int64_t next_ms = 0;            // the next tick
    std::int64_t last_ms = 0;            // the last evaluation's time, tick or early
    EventLoop::TimerId early_timer = 0;  // an early evaluation waiting to run
    std::int64_t last_early_ms = 0;
    bool saving_failed = false;  // the last save of its alert state failed; see evaluate()
  };

  std::int64_t now_ms() const;
  std::int64_t next_evaluation(const RuleGroup& group, std::int64_t after_ms) const;
  void arm(Running& running);
  void tick(Running& running);
  void evaluate_early(Running& running);
  void evaluate(Running& running, std::int64_t t);
  void cancel_timers(Running& running);
  static std::int64_t early_gap_ms(const RuleGroup& group);
  void restore_from_store(RuleGroup& group);

  EventLoop& loop_;
  SampleWindow& window_;
  AlertStateStore* store_;
  AlertSink sink_;
  RuleManagerOptions options_{};
  std::vector<std::unique_ptr<Running>> running_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);

  mutable Mutex mu_;
  std::vector<const RuleGroup*> groups_ GUARDED_BY(mu_);  // for status()
  std::shared_ptr<const promql::MetricNames> early_reads_ GUARDED_BY(mu_);
};

}  // namespace vitals::rules
