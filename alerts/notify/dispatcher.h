// The notifier's core, with Alertmanager's semantics: alerts go through the routing tree into
// aggregation groups (per route, by the route's group_by labels); each group flushes group_wait
// after it appears and every group_interval after that; the notification log decides whether a
// flush tells a receiver anything (new firing alerts, new resolutions, or a repeat). Inhibited,
// silenced and dependency-suppressed alerts are not notified; resolutions are sent only for
// alerts the receiver was told were firing, and for those a dependency suppressed. Output is one
// Notification per (group, receiver) to the sink (the outbox).
// Lives on one EventLoop's thread: every method but status() must be called there; status() is
// thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "agent/config/alerting_config.h"
#include "alerts/notify/alert_update.h"
#include "alerts/notify/dispatch_status.h"
#include "alerts/notify/flush_decision.h"
#include "alerts/notify/inhibitor.h"
#include "alerts/notify/notification.h"
#include "alerts/notify/notification_log.h"
#include "alerts/notify/route.h"
#include "alerts/notify/silence_store.h"
#include "vitals/common/error.h"
#include "vitals/common/event_loop.h"
#include "vitals/common/mutex.h"

namespace vitals::notify {

struct DispatcherConfig {
  ResolvedRoute route{};  // resolve_route_tree(config.alerting.route)
  std::vector<InhibitRuleConfig> inhibit_rules{};
  // For send_resolved: a receiver wants resolutions when any of its integrations does (each
  // integration then drops what it does not want). Unknown receivers want them.
  std::vector<ReceiverConfig> receivers{};
};

// Where notifications go; called on the loop thread during a flush. It must not call back into
// the dispatcher (hand the notification to the outbox and return). An error means the
// notification was not taken: nothing is logged as sent and the next flush tries again.
using NotificationSink = std::function<Result<void>(Notification)>;
// Why an alert's dependency suppresses it ("depends on feed-service, which is down"), or nullopt.
// Called on the loop thread, often: it should read a snapshot.
using DependencyCheck = std::function<std::optional<std::string>(const LabelPairs&)>;

class Dispatcher {
 public:
  // `loop` and `log` must outlive the dispatcher; `silences` (may be null) too. InvalidArgument
  // when a matcher of the config does not parse.
  static Result<std::unique_ptr<Dispatcher>> create(EventLoop& loop, const DispatcherConfig& config,
                                                    NotificationSink sink, NotificationLog& log,
                                                    const SilenceStore* silences = nullptr,
                                                    DependencyCheck dependency = {});
  ~Dispatcher();  // cancels its timers
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Takes alert updates (firing or resolved) and routes them into their groups.
  void receive(const std::vector<AlertUpdate>& alerts);
  // Stops repeats for the firing alert `fingerprint` until it resolves or fires again (a new
  // starts_at). NotFound for an unknown fingerprint, InvalidArgument when it is not firing.
  Result<void> ack(const std::string& fingerprint);
  // A new configuration (reload): groups are rebuilt and every known alert routed again; as in
  // Alertmanager the notification log keeps receivers from being told twice.
  Result<void> apply(const DispatcherConfig& config);
  // Recomputes status() now, e.g. after a silence was created or a dependency changed (flushes,
  // receives and acks recompute it anyway).
  void refresh();

  // The latest snapshot. Thread-safe.
  std::shared_ptr<const DispatchStatus> status() const EXCLUDES(status_mu_);

 private:
  struct TrackedAlert {
    AlertUpdate update{};
    std::string fingerprint{};
    // Was dependency-suppressed while firing: its resolution is sent though it never paged.
    bool dependency_suppressed{false};
    int groups{0};  // how many groups hold it
  };
  using GroupId = std::pair<const Route*, std::string>;  // route, label_set_text(group labels)
  struct Group {
    const Route* route{nullptr};
    LabelPairs labels{};
    std::string key{};  // Alertmanager's group key: route key ":" group labels
    std::set<std::string> fingerprints{};
    EventLoop::TimerId timer{0};
    bool flushed{false};
  };
  // What one flush found in its group.
  struct FlushContents {
    std::vector<NotifiedAlert> firing{};    // not muted
    std::vector<NotifiedAlert> resolved{};  // not muted, and worth telling the receiver
    std::vector<std::string> done{};        // every resolved alert: they leave after the flush
    bool any_unacked{false};
  };
  // Why an alert is not notified right now (empty vectors and nullopt when it is).
  struct Mutes {
    std::vector<std::string> silenced_by{};
    std::vector<std::string> inhibited_by{};
    std::optional<std::string> dependency{};
  };

  Dispatcher(EventLoop& loop, NotificationSink sink, NotificationLog& log,
             const SilenceStore* silences, DependencyCheck dependency);
  Result<void> configure(const DispatcherConfig& config);

  // dispatcher.cc: alerts in, groups and their timers.
  std::int64_t now_ms() const;
  bool is_resolved(const TrackedAlert& alert, std::int64_t now_ms) const;
  TrackedAlert& merge(const AlertUpdate& update, std::int64_t now_ms);
  void route(TrackedAlert& alert, std::int64_t now_ms);
  void schedule(const GroupId& id, Group& group, SteadyTime deadline);
  void drop_group(const GroupId& id);
  void forget_if_done(const std::string& fingerprint, std::int64_t now_ms);

  // dispatcher_flush.cc: a group's flush.
  void flush(const GroupId& id);
  FlushContents collect(const Group& group, const LogEntry* last, std::int64_t now_ms,
                        const std::vector<InhibitSource>& sources);
  // Hands the notification to the sink and logs it; false when the sink refused it.
  bool send(const Group& group, const FlushContents& contents, const FlushState& state);
  Mutes mutes_of(TrackedAlert& alert, std::int64_t now_ms,
                 const std::vector<InhibitSource>& sources) const;
  std::vector<InhibitSource> firing_sources(std::int64_t now_ms) const;
  NotifiedAlert notified(const TrackedAlert& alert, bool resolved) const;
  bool is_acked(const TrackedAlert& alert) const;
  bool send_resolved(const std::string& receiver) const;

  // dispatcher_status.cc: the snapshot for readers.
  void publish();

  EventLoop& loop_;
  NotificationSink sink_;
  NotificationLog& log_;
  const SilenceStore* silences_;
  DependencyCheck dependency_;
  std::unique_ptr<Route> root_{};
  Inhibitor inhibitor_{};
  std::map<std::string, bool> send_resolved_{};   // by receiver
  std::map<std::string, TrackedAlert> alerts_{};  // by fingerprint
  std::map<GroupId, Group> groups_{};

  mutable Mutex status_mu_;
  std::shared_ptr<const DispatchStatus> status_ GUARDED_BY(status_mu_);
};

}  // namespace vitals::notify
