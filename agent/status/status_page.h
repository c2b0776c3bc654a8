// The status page's data: each component's state assessed live from the targets' snapshot and
// the rule engine's firing alerts, the tracker's uptime days and incidents, and the history's
// probe rollups, shaped as GET /api/v1/status answers (docs/status-page.md). The daemon calls
// observe() about once a second so incidents and uptime follow the states; web threads call
// render(). Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/state/views.h"
#include "agent/status/component_state.h"
#include "agent/status/status_store.h"
#include "agent/status/status_tracker.h"
#include "agent/store/history_store.h"
#include "alerts/rules/rule_group.h"
#include "vitals/common/clock.h"
#include "vitals/common/error.h"
#include "vitals/common/mutex.h"

namespace vitals::status {

// The fingerprint /api/v1/alerts gives an alert with these (rule) labels.
using Fingerprinter = std::function<std::string(const LabelPairs&)>;

// What the page reads besides the configuration; each call gives one consistent instant.
struct StatusInputs {
  WallTime now{};
  std::shared_ptr<const AgentSnapshot> snapshot{};
  rules::GroupStatuses rules{};
};

class StatusPage {
 public:
  // Opens (or creates) the status database at `path`. `history` (may be null) gives the probes'
  // response times and must outlive the page.
  static Result<std::unique_ptr<StatusPage>> open(const std::string& path, HistoryStore* history,
                                                  Fingerprinter fingerprint,
                                                  TrackerOptions options = {});

  // The components and how often the page refreshes; at start and on every reload.
  Result<void> configure(const StatusPageConfig& page, Duration refresh) EXCLUDES(mu_);

  // Follows every component's state at inputs.now: uptime time and incidents.
  Result<void> observe(const StatusInputs& inputs) EXCLUDES(mu_);
  // The `data` of GET /api/v1/status.
  nlohmann::json render(const StatusInputs& inputs) EXCLUDES(mu_);
  // Writes what the tracker has not written yet (at shutdown).
  Result<void> flush();

 private:
  struct Settings {
    Components components;
    Duration refresh{};
  };
  StatusPage(std::unique_ptr<StatusStore> store, std::unique_ptr<StatusTracker> tracker,
             HistoryStore* history, Fingerprinter fingerprint)
      : store_(std::move(store)),
        tracker_(std::move(tracker)),
        history_(history),
        fingerprint_(std::move(fingerprint)) {}
  std::shared_ptr<const Settings> settings() EXCLUDES(mu_);

  const std::unique_ptr<StatusStore> store_;
  const std::unique_ptr<StatusTracker> tracker_;  // uses *store_
  HistoryStore* const history_;
  const Fingerprinter fingerprint_;
  Mutex mu_;
  std::shared_ptr<const Settings> settings_ GUARDED_BY(mu_);
};

// The firing alerts of every rule, as /api/v1/alerts lists them.
std::vector<FiringAlert> firing_alerts(const rules::GroupStatuses& groups,
                                       const Fingerprinter& fingerprint);

}  // namespace vitals::status
