// Runs the configured rule groups on an event loop: each group at its interval, at times
// aligned to that interval plus a stable offset from its name (as Prometheus spreads groups),
// alerts due for sending handed to a sink after each evaluation, alert state saved to the
// store and put back at start (with the for-state grace period), and carried over when a
// reload keeps a group.
#pragma once

#include <functional>
#include <map>
#include <memory>
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

  // Thread-safe: every group's last status, in file and group order.
  GroupStatuses status() const EXCLUDES(mu_);

 private:
  struct Running {
    std::unique_ptr<RuleGroup> group;
    EventLoop::TimerId timer = 0;
    std::int64_t next_ms = 0;
  };

  std::int64_t now_ms() const;
  std::int64_t next_evaluation(const RuleGroup& group, std::int64_t after_ms) const;
  void arm(Running& running);
  void evaluate(Running& running);
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
};

}  // namespace vitals::rules
