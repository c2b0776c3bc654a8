// Pushes the agent's active alerts to real Alertmanagers (`POST /api/v2/alerts`), as
// Prometheus does: the whole list every resend interval (and on push_now()), so an
// Alertmanager that missed a push, or restarted, is current again at the next one. Pushes are
// state, not messages: they skip the outbox, and a failed one is simply superseded.
//
// Lives on the NetLoop's thread: start(), stop(), push_now() and destruction happen there;
// stats() is thread-safe.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/config/alerting_config.h"
#include "agent/net/net_loop.h"
#include "alerts/notify/notification.h"
#include "vitals/common/mutex.h"

namespace vitals::notify {

struct PusherOptions {
  Duration resend_interval{std::chrono::minutes(1)};
  Duration timeout{std::chrono::seconds(10)};
  std::string user_agent{"vitals-agent"};
};

struct PushCounts {
  std::uint64_t sent{0};    // pushes answered 2xx
  std::uint64_t failed{0};  // pushes that were not
  std::string last_error{};
};

class AlertmanagerPusher {
 public:
  // The alerts to push now (firing ones, and resolved ones with their endsAt while they are
  // kept); called on the loop thread.
  using AlertsProvider = std::function<std::vector<NotifiedAlert>()>;

  AlertmanagerPusher(NetLoop& loop, std::vector<AlertmanagerTarget> targets,
                     AlertsProvider provider, PusherOptions options = {});
  ~AlertmanagerPusher();
  AlertmanagerPusher(const AlertmanagerPusher&) = delete;
  AlertmanagerPusher& operator=(const AlertmanagerPusher&) = delete;

  // Pushes now and then every resend interval.
  void start();
  void stop();
  // Pushes at once (e.g. right after a rule evaluation changed something). A target whose
  // previous push is still in flight is skipped this time.
  void push_now();

  // Per target URL.
  std::map<std::string, PushCounts> stats() const;

 private:
  void schedule();

  NetLoop& loop_;
  const std::vector<AlertmanagerTarget> targets_;
  AlertsProvider provider_;
  const PusherOptions options_;
  std::optional<EventLoop::TimerId> timer_{};
  std::map<std::string, NetLoop::TransferId> in_flight_{};
  std::shared_ptr<AlertmanagerPusher*> self_{};

  mutable Mutex mu_;
  std::map<std::string, PushCounts> counts_ GUARDED_BY(mu_);
};

// `base` (an Alertmanager's URL, maybe with a path prefix) joined with "/api/v2/alerts".
std::string alerts_endpoint(const std::string& base);

}  // namespace vitals::notify
