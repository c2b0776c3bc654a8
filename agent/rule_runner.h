// The rule engine as the daemon runs it: on a thread and event loop of its own (PromQL can take
// a while; the network loop must not wait for it), with alert state in its own SQLite file, and
// a warm-up: after a start, rules begin only once every target has reported once (or the
// warm-up limit passed), so the first evaluation after a restart does not resolve alerts for
// want of samples the agent has not taken yet.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "agent/state/views.h"
#include "agent/store/sample_window.h"
#include "alerts/rules/rule_manager.h"
#include "vitals/common/event_loop.h"

namespace vitals {

class RuleRunner {
 public:
  static constexpr Duration kLandingBatch = std::chrono::milliseconds(10);

  // Opens the state file (creating it) and starts the thread; no rule runs before apply().
  static Result<std::unique_ptr<RuleRunner>> start(SampleWindow& window,
                                                   const std::string& state_path,
                                                   rules::AlertSink sink, Duration warmup_limit);
  ~RuleRunner();
  RuleRunner(const RuleRunner&) = delete;
  RuleRunner& operator=(const RuleRunner&) = delete;

  // The groups to run: at once after the warm-up, else kept until it ends. Thread-safe.
  void apply(std::vector<rules::GroupSpec> groups, rules::RuleManagerOptions options);
  // Ends the warm-up when every service and probe of `snapshot` has reported. Thread-safe.
  void observe(const AgentSnapshot& snapshot);
  // Samples of `names` (sorted) landed in the window: the groups reading them evaluate early
  // (RuleManager::data_landed). Thread-safe and cheap for the caller: landings in a burst reach
  // the rules thread as one task.
  void data_landed(std::shared_ptr<const std::vector<std::string>> names);
  rules::GroupStatuses status() const { return manager_->status(); }
  // True once the groups are in place, with the alerts restored from the state file: before,
  // status() cannot say which alerts fire. Thread-safe.
  bool started() const { return started_.load(); }
  // Stops every group and the thread; idempotent.
  void stop();

 private:
  RuleRunner() = default;
  void hand_over(std::vector<rules::GroupSpec> groups, rules::RuleManagerOptions options);
  void end_warmup();
  void deliver_landed();

  std::unique_ptr<rules::AlertStateStore> store_;
  EventLoop loop_{real_clock()};
  std::unique_ptr<rules::RuleManager> manager_;
  std::atomic<bool> started_{false};  // set on the rules thread
  std::thread thread_;

  std::mutex mu_;
  bool warm_ = false;
  std::optional<std::pair<std::vector<rules::GroupSpec>, rules::RuleManagerOptions>> waiting_;
  std::vector<std::shared_ptr<const std::vector<std::string>>> landed_;  // not yet delivered
};

}  // namespace vitals
