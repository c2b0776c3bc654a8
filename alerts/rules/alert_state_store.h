// Alert state across restarts: each group's alerts (pending since, firing since, resolved at,
// last sent) and the time of its last evaluation, in a SQLite file of their own. Saved after
// every evaluation that changed something, in one transaction per group, so kill -9 loses at
// most the evaluation in progress. Not thread-safe: the rule manager's thread owns it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "alerts/rules/alerting_rule.h"
#include "vitals/common/error.h"

namespace vitals::rules {

// Per alerting rule (by name), its alerts.
using RuleAlerts = std::vector<std::pair<std::string, std::vector<Alert>>>;

struct StoredGroup {
  std::int64_t evaluated_at_ms = 0;
  RuleAlerts rules{};
};

class AlertStateStore {
 public:
  // Creates the file when missing (its directory must exist) and migrates its schema.
  static Result<std::unique_ptr<AlertStateStore>> open(const std::string& path);
  ~AlertStateStore();

  // The group's alerts as they are now and when it was evaluated; the alerts are rewritten only
  // when they differ from what was saved last.
  Result<void> save(const std::string& group, std::int64_t evaluated_at_ms,
                    const RuleAlerts& rules);
  std::optional<StoredGroup> load(const std::string& group);
  // Drops groups that are no longer configured.
  Result<void> keep_only(const std::vector<std::string>& groups);

 private:
  struct Impl;
  explicit AlertStateStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Applies the for-state grace period to alerts loaded at `now_ms` that were saved when the
// agent went down at `down_at_ms`, as Prometheus' restore does: a pending alert keeps its
// pending-since, but one of a rule whose `for` exceeds `grace_ms` that was not yet due when the
// agent went down and would fire within `grace_ms` of the restart fires `grace_ms` after it
// instead, so a restart does not page on evidence gathered before it alone. Unlike Prometheus,
// the time the agent was down counts as pending time: the issue asks that pending-since be kept.
void apply_grace_period(std::vector<Alert>& alerts, std::int64_t for_ms, std::int64_t down_at_ms,
                        std::int64_t now_ms, std::int64_t grace_ms);

}  // namespace vitals::rules
