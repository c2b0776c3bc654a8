#include "alerts/notify/dispatcher.h"

#include <algorithm>

#include "alerts/notify/fingerprint.h"

namespace vitals::notify {
namespace {

std::int64_t to_ms(Duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

LabelPairs sorted(LabelPairs labels) {
  std::sort(labels.begin(), labels.end());
  return labels;
}

}  // namespace

Dispatcher::Dispatcher(EventLoop& loop, NotificationSink sink, NotificationLog& log,
                       const SilenceStore* silences, DependencyCheck dependency)
    : loop_(loop),
      sink_(std::move(sink)),
      log_(log),
      silences_(silences),
      dependency_(std::move(dependency)),
      status_(std::make_shared<const DispatchStatus>()) {}

Dispatcher::~Dispatcher() {
  for (auto& [id, group] : groups_) loop_.cancel(group.timer);
}

Result<std::unique_ptr<Dispatcher>> Dispatcher::create(EventLoop& loop,
                                                       const DispatcherConfig& config,
                                                       NotificationSink sink, NotificationLog& log,
                                                       const SilenceStore* silences,
                                                       DependencyCheck dependency) {
  std::unique_ptr<Dispatcher> dispatcher(
      new Dispatcher(loop, std::move(sink), log, silences, std::move(dependency)));
  if (auto configured = dispatcher->configure(config); !configured) {
    return tl::unexpected(configured.error());
  }
  return dispatcher;
}

Result<void> Dispatcher::configure(const DispatcherConfig& config) {
  auto root = Route::create(config.route);
  if (!root) return tl::unexpected(root.error());
  auto inhibitor = Inhibitor::create(config.inhibit_rules);
  if (!inhibitor) return tl::unexpected(inhibitor.error());
  root_ = std::move(*root);
  inhibitor_ = std::move(*inhibitor);
  send_resolved_.clear();
  for (const ReceiverConfig& receiver : config.receivers) {
    bool wants = false;
    for (const auto& c : receiver.webhook_configs) wants = wants || c.send_resolved;
    for (const auto& c : receiver.pagerduty_configs) wants = wants || c.send_resolved;
    for (const auto& c : receiver.slack_configs) wants = wants || c.send_resolved;
    send_resolved_[receiver.name] = wants;
  }
  return {};
}

Result<void> Dispatcher::apply(const DispatcherConfig& config) {
  if (auto configured = configure(config); !configured) return configured;
  // The old groups point into the old tree: drop them all and route every alert afresh.
  for (auto& [id, group] : groups_) loop_.cancel(group.timer);
  groups_.clear();
  const std::int64_t now = now_ms();
  for (auto& [fingerprint, alert] : alerts_) alert.groups = 0;
  for (auto& [fingerprint, alert] : alerts_) route(alert, now);
  publish();
  return {};
}

std::int64_t Dispatcher::now_ms() const {
  return to_ms(loop_.clock().wall_now().time_since_epoch());
}

bool Dispatcher::is_resolved(const TrackedAlert& alert, std::int64_t now_ms) const {
  return alert.update.resolved ||
         (alert.update.ends_at_ms != 0 && alert.update.ends_at_ms <= now_ms);
}

void Dispatcher::receive(const std::vector<AlertUpdate>& alerts) {
  const std::int64_t now = now_ms();
  for (const AlertUpdate& update : alerts) {
    if (update.labels.empty()) continue;  // no identity: nothing to route or fingerprint
    TrackedAlert& alert = merge(update, now);
    route(alert, now);
    forget_if_done(alert.fingerprint, now);
  }
  publish();
}

// Alertmanager's merge, simplified for one sender: the newest update wins, but a spell that is
// still going keeps its earliest start. A firing update for a resolved alert starts a new spell,
// which drops the old one's acknowledgement and dependency mark.
Dispatcher::TrackedAlert& Dispatcher::merge(const AlertUpdate& update, std::int64_t now_ms) {
  AlertUpdate incoming = update;
  incoming.labels = sorted(std::move(incoming.labels));
  incoming.annotations = sorted(std::move(incoming.annotations));
  const std::string fingerprint = notify::fingerprint(incoming.labels);
  auto [it, inserted] = alerts_.try_emplace(fingerprint);
  TrackedAlert& alert = it->second;
  if (inserted) {
    alert.fingerprint = fingerprint;
  } else if (is_resolved(alert, now_ms)) {
    const bool fires =
        !incoming.resolved && (incoming.ends_at_ms == 0 || incoming.ends_at_ms > now_ms);
    if (fires) alert.dependency_suppressed = false;
  } else if (alert.update.starts_at_ms != 0) {
    incoming.starts_at_ms = std::min(incoming.starts_at_ms, alert.update.starts_at_ms);
  }
  alert.update = std::move(incoming);
  const auto acked = log_.acked_spell(fingerprint);
  if (acked && (is_resolved(alert, now_ms) || *acked != alert.update.starts_at_ms)) {
    (void)log_.clear_ack(fingerprint);  // best effort: a stale ack never matches a new spell
  }
  return alert;
}

void Dispatcher::route(TrackedAlert& alert, std::int64_t now_ms) {
  for (const Route* route : root_->match(alert.update.labels)) {
    LabelPairs labels = route->group_labels(alert.update.labels);
    GroupId id{route, label_set_text(labels)};
    auto [it, created] = groups_.try_emplace(id);
    Group& group = it->second;
    if (created) {
      group.route = route;
      group.key = route->key() + ":" + id.second;
      group.labels = std::move(labels);
      schedule(id, group, loop_.clock().now() + route->config().group_wait);
    }
    if (group.fingerprints.insert(alert.fingerprint).second) ++alert.groups;
    // As Alertmanager: an alert older than group_wait flushes a group that has not flushed yet at
    // once (after a restart, the notification log then keeps it from paging again).
    const std::int64_t wait_ms = to_ms(route->config().group_wait);
    if (!group.flushed && alert.update.starts_at_ms + wait_ms <= now_ms) {
      schedule(id, group, loop_.clock().now());
    }
  }
}

void Dispatcher::schedule(const GroupId& id, Group& group, SteadyTime deadline) {
  if (group.timer != 0) loop_.cancel(group.timer);
  group.timer = loop_.add_timer(deadline, [this, id] { flush(id); });
}

void Dispatcher::drop_group(const GroupId& id) {
  auto found = groups_.find(id);
  if (found == groups_.end()) return;
  loop_.cancel(found->second.timer);
  groups_.erase(found);
}

// A resolved alert no group holds any more has been dealt with; a firing one stays (it may
// inhibit others even when no route takes it).
void Dispatcher::forget_if_done(const std::string& fingerprint, std::int64_t now_ms) {
  auto found = alerts_.find(fingerprint);
  if (found == alerts_.end()) return;
  if (found->second.groups > 0 || !is_resolved(found->second, now_ms)) return;
  (void)log_.clear_ack(fingerprint);
  alerts_.erase(found);
}

}  // namespace vitals::notify
