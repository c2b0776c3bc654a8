// On-call notifications as the daemon runs them: the rule engine's due alerts go to the
// dispatcher (routing, grouping, silences, inhibition, acks, dependencies) on a thread and event
// loop of its own, which hands each notification to the durable outbox; the outbox's sender and
// the Alertmanager pusher run on the network loop. Silences, the notification log and the
// outbox each keep a SQLite file of their own beside the agent's.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "agent/config/alerting_config.h"
#include "agent/net/net_loop.h"
#include "alerts/notify/delivery/alertmanager_pusher.h"
#include "alerts/notify/delivery/delivery_secrets.h"
#include "alerts/notify/delivery/outbox.h"
#include "alerts/notify/delivery/outbox_sender.h"
#include "alerts/notify/dispatcher.h"
#include "alerts/notify/notification_log.h"
#include "alerts/notify/rule_alerts.h"
#include "alerts/notify/silence_store.h"
#include "alerts/rules/rule_group.h"
#include "vitals/common/event_loop.h"

namespace vitals {

struct NotifierFiles {
  std::string silences{};
  std::string log{};
  std::string outbox{};
};

// Thread-safe. Every method may be called from any thread except where noted.
class Notifier {
 public:
  // Opens the files and starts the dispatcher's thread. `net` must outlive the notifier and be
  // running: the sender and the pusher start on it. `dependency` is called on the dispatcher's
  // thread and should read a snapshot.
  static Result<std::unique_ptr<Notifier>> start(NetLoop& net, const AlertingConfig& alerting,
                                                 std::string external_url,
                                                 const NotifierFiles& files,
                                                 notify::DependencyCheck dependency);
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // The rule engine's alert sink: hands the alerts to the dispatcher's thread and returns.
  void alerts_due(std::vector<rules::DueAlert> alerts);
  // global.external_labels, added to every alert from now on (notify/rule_alerts.h).
  void set_external_labels(notify::ExternalLabels labels);
  // The fingerprint the notifier knows a rule alert by (its labels and the external ones): what
  // status() reports and ack() takes.
  std::string fingerprint_of(const LabelPairs& rule_labels) const;
  // A reloaded configuration; in effect when this returns.
  Result<void> apply(const AlertingConfig& alerting);
  // Mute status changed outside the dispatcher (a silence, a dependency): refresh the API's view.
  void refresh();

  Result<void> ack(const std::string& fingerprint);
  notify::SilenceStore& silences() { return *silences_; }
  std::shared_ptr<const notify::DispatchStatus> status() const;
  Result<std::vector<notify::OutboxEntry>> recent(std::size_t limit) const;
  notify::OutboxStats outbox_stats() const { return outbox_->stats(); }
  std::map<std::string, notify::PushCounts> push_stats() const;

  // Stops the sender and the pusher; on the network loop's thread, before it stops.
  void stop_delivery();
  // Stops the dispatcher's thread; after the rule engine stopped. Idempotent.
  void stop();

 private:
  Notifier(NetLoop& net, std::string external_url);
  // On the dispatcher's thread.
  Result<void> configure(const AlertingConfig& alerting);
  Result<void> to_outbox(const notify::Notification& notification);
  void track(const std::vector<notify::AlertUpdate>& updates);
  // Anywhere: runs `work` on the dispatcher's thread and waits for it.
  Result<void> on_dispatch_thread(std::function<Result<void>()> work);
  // On the network loop's thread.
  void start_pusher(std::vector<AlertmanagerTarget> targets);

  NetLoop& net_;
  const std::string external_url_;
  std::unique_ptr<notify::SilenceStore> silences_;
  std::unique_ptr<notify::NotificationLog> log_;
  std::unique_ptr<notify::Outbox> outbox_;
  notify::DeliverySecrets secrets_;
  notify::DependencyCheck dependency_;

  EventLoop loop_{real_clock()};
  std::thread thread_;
  // Changed on the dispatcher's thread, under dispatcher_mu_ (status() reads it elsewhere).
  mutable std::mutex dispatcher_mu_;
  std::unique_ptr<notify::Dispatcher> dispatcher_;
  // On the dispatcher's thread.
  std::vector<ReceiverConfig> receivers_;
  std::map<std::string, notify::AlertUpdate> active_;  // by fingerprint, for Alertmanagers

  // On the network loop's thread; pusher_ is swapped under pusher_mu_ (push_stats() reads it).
  std::unique_ptr<notify::OutboxSender> sender_;
  mutable std::mutex pusher_mu_;
  std::unique_ptr<notify::AlertmanagerPusher> pusher_;

  mutable std::mutex external_mu_;
  notify::ExternalLabels external_labels_;  // guarded by external_mu_

  mutable std::mutex active_mu_;
  std::shared_ptr<const std::vector<notify::NotifiedAlert>> active_snapshot_;  // guarded
};

}  // namespace vitals
