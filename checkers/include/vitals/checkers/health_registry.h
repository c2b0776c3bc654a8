// The registry a service keeps its checkers in. It runs them in the background, each on its own
// interval on a small bounded pool, and keeps their latest results as an immutable snapshot
// that HTTP handlers read without ever waiting on a checker.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "vitals/checkers/check.h"
#include "vitals/common/clock.h"
#include "vitals/common/error.h"

namespace prometheus {
class Registry;
}

namespace vitals {

class EventLoop;
class Executor;

namespace detail {
class CheckRunner;
}

// One check as of its latest run.
struct CheckState {
  std::string name{};
  CheckStatus status = CheckStatus::Unknown;
  std::optional<std::string> error{};  // the latest run's, even while below the failure threshold
  std::map<std::string, std::string> metadata{};
  Duration duration{0};
  std::optional<WallTime> last_run{};
  std::optional<WallTime> last_success{};
  int consecutive_failures = 0;
  int consecutive_successes = 0;
  bool critical = true;
  std::set<std::string> tags{};
};

struct HealthSnapshot {
  std::string service{};
  std::vector<CheckState> checks{};  // ordered by name
  bool draining = false;

  // Worst of the checks: unhealthy > degraded > healthy. Unknown checks do not count here, and
  // a service with no known check is healthy.
  CheckStatus status() const;
  // /livez: no check tagged "live" is unhealthy.
  bool live() const;
  // /readyz: not draining, and every check tagged "ready" is known and not unhealthy.
  bool ready() const;
};

struct RegistryOptions {
  std::string service{};
  // Errors and metadata are served to callers presenting `Authorization: Bearer <token>`, or to
  // everyone when show_details_always is set. Names and statuses are always served.
  std::string details_token{};
  bool show_details_always = false;
  // Where vitals_check_* series go; pass the registry holding the service's business metrics so
  // /metrics serves both. Null: the health registry makes one of its own.
  std::shared_ptr<prometheus::Registry> metrics{};
  // Checker threads kept, and the cap the pool may grow to while some checkers are stuck.
  std::size_t checker_threads = 2;
  std::size_t max_checker_threads = 16;
  // For tests: a clock, a loop the caller drives and an executor. Null: the real clock, a loop
  // thread owned by the registry and a ThreadPool.
  const Clock* clock = nullptr;
  EventLoop* loop = nullptr;
  Executor* executor = nullptr;
};

// A change of one check's status, or of the whole service's (check_name empty).
struct StatusChange {
  std::string check_name{};
  CheckStatus from = CheckStatus::Unknown;
  CheckStatus to = CheckStatus::Unknown;
  std::optional<std::string> error{};
};

// Thread-safe. Listeners run on the registry's loop thread and must not block.
class HealthRegistry {
 public:
  using ListenerId = std::uint64_t;
  using Listener = std::function<void(const StatusChange&)>;

  explicit HealthRegistry(RegistryOptions options = {});
  // Stops scheduling; checkers still running finish on their own threads unobserved.
  ~HealthRegistry();
  HealthRegistry(const HealthRegistry&) = delete;
  HealthRegistry& operator=(const HealthRegistry&) = delete;

  // Registers and schedules a checker; its first run comes after options.initial_delay.
  // InvalidArgument for an empty or duplicate name, a non-positive interval or timeout, or
  // thresholds below 1.
  Result<void> add(std::string name, Checker checker, CheckOptions options = {});

  std::shared_ptr<const HealthSnapshot> snapshot() const;

  // Turns /readyz to 503 at once; /livez and /health are unchanged. There is no undrain.
  void drain();
  bool draining() const;

  // Caps every checker's timeout at `limit` from the next run on. The HTTP routes call it with
  // a scraper's X-Prometheus-Scrape-Timeout-Seconds, so no checker is allowed longer than the
  // scraper waits for an answer. Thread-safe.
  void cap_timeouts(Duration limit) const;

  // `check_name` empty: the whole service's status changes. Otherwise that check's.
  ListenerId on_change(std::string check_name, Listener listener);
  void remove_listener(ListenerId id);

  // True when `authorization` (the header's value) grants errors and metadata.
  bool details_allowed(std::string_view authorization) const;
  const RegistryOptions& options() const { return options_; }

  std::shared_ptr<prometheus::Registry> metrics() const;
  // Everything in metrics() in the Prometheus text format 0.0.4.
  std::string render_metrics() const;

 private:
  RegistryOptions options_;
  std::shared_ptr<detail::CheckRunner> runner_;
};

}  // namespace vitals
