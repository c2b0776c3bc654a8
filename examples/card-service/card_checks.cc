#include "examples/card-service/card_checks.h"

#include <random>
#include <thread>

#include "examples/card-service/card_faults.h"
#include "vitals/checkers/builtin/http_checker.h"
#include "vitals/checkers/builtin/sqlite_checker.h"

namespace vitals::examples {
namespace {

using namespace std::chrono_literals;

// Every check's timeout. The database check gives SQLite three quarters of it to wait for a
// lock, so a locked file is reported with SQLite's own reason ("database is locked") rather than
// as the runner's bare "timeout after 1s".
constexpr Duration kTimeout = 1s;
constexpr int kLockWaitPercent = 75;

Checker database_checker(std::string path) {
  Checker sqlite =
      sqlite_checker(std::move(path), {.query = "SELECT 1 FROM authorisations LIMIT 1"});
  return [sqlite](const CheckContext& ctx) {
    CheckContext shorter = ctx;
    shorter.deadline = ctx.clock->now() + ctx.remaining() * kLockWaitPercent / 100;
    return sqlite(shorter);
  };
}

// Stands for a fraud-scoring service: a few milliseconds per call, some facts about the model in
// use. Under hang-checker it stops answering until the fault is cleared.
Checker risk_engine_checker(const FaultSwitchboard& faults) {
  return [&faults](const CheckContext&) {
    faults.wait_while_on(card_fault::kHangChecker, 10min);
    thread_local std::minstd_rand rng(std::random_device{}());
    auto latency = std::chrono::milliseconds(std::uniform_int_distribution<int>(1, 8)(rng));
    std::this_thread::sleep_for(latency);
    return CheckResult::ok({{"model", "fraud-gbm-2024.11"},
                            {"decline_threshold", "0.92"},
                            {"latency_ms", std::to_string(latency.count())}});
  };
}

}  // namespace

const std::vector<std::string>& card_check_names() {
  static const std::vector<std::string> kNames = {"authorisations", "database", "feed",
                                                  "risk-engine"};
  return kNames;
}

Result<void> add_card_checks(HealthRegistry& registry, const CardChecks& checks) {
  CheckOptions critical;
  critical.interval = checks.interval;
  critical.timeout = kTimeout;
  CheckOptions ready = critical;
  ready.tags = {"ready"};
  CheckOptions degrading = critical;
  degrading.critical = false;

  Result<void> added = registry.add("database", database_checker(checks.db_path), ready);
  if (added) {
    added = registry.add("feed", http_checker({.url = checks.feed_url + "/readyz"}), degrading);
  }
  if (added) {
    added =
        registry.add("authorisations",
                     heartbeat_checker(checks.authorisations, checks.heartbeat_window), critical);
  }
  if (added) added = registry.add("risk-engine", risk_engine_checker(*checks.faults), ready);
  return added;
}

}  // namespace vitals::examples
