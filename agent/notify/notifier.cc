#include "agent/notify/notifier.h"

#include <future>
#include <random>

#include "agent/config/config.h"
#include "alerts/notify/fingerprint.h"
#include "alerts/notify/rule_alerts.h"
#include "vitals/common/duration.h"
#include "vitals/common/log.h"

namespace vitals {
namespace {

// Prometheus keeps telling Alertmanager about a resolved alert for 15 minutes, so one that
// missed a push still learns of the resolution.
constexpr std::int64_t kResolvedKeptMs = 15 * 60 * 1000;

notify::NotifiedAlert as_notified(const notify::AlertUpdate& update, std::int64_t now_ms) {
  const bool firing = !update.resolved && (update.ends_at_ms == 0 || update.ends_at_ms > now_ms);
  return {.labels = update.labels,
          .annotations = update.annotations,
          .firing = firing,
          .starts_at_ms = update.starts_at_ms,
          .ends_at_ms = update.ends_at_ms,
          .generator_url = update.generator_url,
          .fingerprint = notify::fingerprint(update.labels)};
}

}  // namespace

Notifier::Notifier(NetLoop& net, std::string external_url)
    : net_(net), external_url_(std::move(external_url)) {}

Result<std::unique_ptr<Notifier>> Notifier::start(NetLoop& net, const AlertingConfig& alerting,
                                                  std::string external_url,
                                                  const NotifierFiles& files,
                                                  notify::DependencyCheck dependency) {
  std::unique_ptr<Notifier> notifier(new Notifier(net, std::move(external_url)));
  auto silences = notify::SilenceStore::open(files.silences, real_clock());
  if (!silences) return tl::unexpected(silences.error());
  notifier->silences_ = std::move(*silences);
  auto log =
      notify::NotificationLog::open(files.log, to_ms(real_clock().wall_now().time_since_epoch()));
  if (!log) return tl::unexpected(log.error());
  notifier->log_ = std::move(*log);
  auto outbox = notify::Outbox::open(files.outbox, real_clock(),
                                     {.payload = {.external_url = notifier->external_url_}});
  if (!outbox) return tl::unexpected(outbox.error());
  notifier->outbox_ = std::move(*outbox);
  notifier->dependency_ = std::move(dependency);
  notifier->active_snapshot_ = std::make_shared<const std::vector<notify::NotifiedAlert>>();
  // Before the thread starts, so this thread may stand in for it.
  if (auto configured = notifier->configure(alerting); !configured) {
    return tl::unexpected(configured.error());
  }
  Notifier* raw = notifier.get();
  raw->thread_ = std::thread([raw] { raw->loop_.run(); });
  net.events().post([raw, targets = alerting.alertmanagers] {
    auto random = [engine = std::mt19937_64(std::random_device{}())]() mutable {
      return std::uniform_real_distribution<double>(0, 1)(engine);
    };
    raw->sender_ = std::make_unique<notify::OutboxSender>(raw->net_, *raw->outbox_, raw->secrets_,
                                                          notify::SenderOptions{}, random);
    raw->sender_->start();
    raw->start_pusher(targets);
  });
  return notifier;
}

Notifier::~Notifier() {
  stop();
}

Result<void> Notifier::configure(const AlertingConfig& alerting) {
  receivers_ = alerting.receivers;
  secrets_.set_receivers(alerting.receivers);
  if (!alerting.route) {
    std::lock_guard<std::mutex> lock(dispatcher_mu_);
    dispatcher_.reset();
    return {};
  }
  notify::DispatcherConfig config{.route = resolve_route_tree(*alerting.route),
                                  .inhibit_rules = alerting.inhibit_rules,
                                  .receivers = alerting.receivers};
  if (dispatcher_) return dispatcher_->apply(config);
  auto made = notify::Dispatcher::create(
      loop_, config, [this](notify::Notification n) { return to_outbox(n); }, *log_,
      silences_.get(), dependency_);
  if (!made) return tl::unexpected(made.error());
  std::vector<notify::AlertUpdate> known;
  for (const auto& [fingerprint, update] : active_) known.push_back(update);
  std::lock_guard<std::mutex> lock(dispatcher_mu_);
  dispatcher_ = std::move(*made);
  if (!known.empty()) dispatcher_->receive(known);
  return {};
}

Result<void> Notifier::to_outbox(const notify::Notification& notification) {
  for (const ReceiverConfig& receiver : receivers_) {
    if (receiver.name != notification.receiver) continue;
    auto rows = outbox_->enqueue(notification, receiver);
    if (!rows) return tl::unexpected(rows.error());
    return {};
  }
  return make_error(ErrorCode::NotFound, "no receiver named " + notification.receiver);
}

void Notifier::alerts_due(std::vector<rules::DueAlert> alerts) {
  if (alerts.empty()) return;
  notify::ExternalLabels external_labels;
  {
    std::lock_guard<std::mutex> lock(external_mu_);
    external_labels = external_labels_;
  }
  loop_.post([this, updates = notify::updates_from(alerts, external_url_, external_labels)] {
    track(updates);
    if (dispatcher_) dispatcher_->receive(updates);
    net_.events().post([this] {
      std::lock_guard<std::mutex> lock(pusher_mu_);
      if (pusher_) pusher_->push_now();
    });
  });
}

void Notifier::set_external_labels(notify::ExternalLabels labels) {
  std::lock_guard<std::mutex> lock(external_mu_);
  external_labels_ = std::move(labels);
}

std::string Notifier::fingerprint_of(const LabelPairs& rule_labels) const {
  std::lock_guard<std::mutex> lock(external_mu_);
  return notify::fingerprint(notify::with_external_labels(rule_labels, external_labels_));
}

// What the Alertmanagers get: every firing alert, and resolved ones for a while.
void Notifier::track(const std::vector<notify::AlertUpdate>& updates) {
  const std::int64_t now = to_ms(real_clock().wall_now().time_since_epoch());
  for (const notify::AlertUpdate& update : updates) {
    active_[notify::fingerprint(update.labels)] = update;
  }
  std::erase_if(active_, [now](const auto& entry) {
    const notify::AlertUpdate& update = entry.second;
    const bool ended = update.resolved || (update.ends_at_ms != 0 && update.ends_at_ms <= now);
    return ended && update.ends_at_ms != 0 && update.ends_at_ms + kResolvedKeptMs < now;
  });
  auto snapshot = std::make_shared<std::vector<notify::NotifiedAlert>>();
  for (const auto& [fingerprint, update] : active_) snapshot->push_back(as_notified(update, now));
  std::lock_guard<std::mutex> lock(active_mu_);
  active_snapshot_ = std::move(snapshot);
}

Result<void> Notifier::apply(const AlertingConfig& alerting) {
  auto applied = on_dispatch_thread([&] { return configure(alerting); });
  if (!applied) return applied;
  std::promise<void> restarted;
  net_.events().post([&] {
    start_pusher(alerting.alertmanagers);
    restarted.set_value();
  });
  restarted.get_future().wait();
  return {};
}

void Notifier::refresh() {
  loop_.post([this] {
    if (dispatcher_) dispatcher_->refresh();
  });
}

Result<void> Notifier::ack(const std::string& fingerprint) {
  return on_dispatch_thread([&]() -> Result<void> {
    if (!dispatcher_) {
      return make_error(ErrorCode::NotFound,
                        "no alert " + fingerprint + ": notifications are off (no alerting.route)");
    }
    return dispatcher_->ack(fingerprint);
  });
}

std::shared_ptr<const notify::DispatchStatus> Notifier::status() const {
  std::lock_guard<std::mutex> lock(dispatcher_mu_);
  if (!dispatcher_) return std::make_shared<const notify::DispatchStatus>();
  return dispatcher_->status();
}

Result<std::vector<notify::OutboxEntry>> Notifier::recent(std::size_t limit) const {
  return outbox_->recent(limit);
}

std::map<std::string, notify::PushCounts> Notifier::push_stats() const {
  std::lock_guard<std::mutex> lock(pusher_mu_);
  return pusher_ ? pusher_->stats() : std::map<std::string, notify::PushCounts>{};
}

Result<void> Notifier::on_dispatch_thread(std::function<Result<void>()> work) {
  if (!thread_.joinable()) return make_error(ErrorCode::Unavailable, "the notifier has stopped");
  std::promise<Result<void>> done;
  loop_.post([&] { done.set_value(work()); });
  return done.get_future().get();
}

void Notifier::start_pusher(std::vector<AlertmanagerTarget> targets) {
  std::lock_guard<std::mutex> lock(pusher_mu_);
  if (pusher_) pusher_->stop();
  pusher_.reset();
  if (targets.empty()) return;
  pusher_ = std::make_unique<notify::AlertmanagerPusher>(net_, std::move(targets), [this] {
    std::lock_guard<std::mutex> active_lock(active_mu_);
    return *active_snapshot_;
  });
  pusher_->start();
}

void Notifier::stop_delivery() {
  if (sender_) sender_->stop();
  sender_.reset();
  start_pusher({});
}

void Notifier::stop() {
  if (!thread_.joinable()) return;
  (void)on_dispatch_thread([this]() -> Result<void> {
    std::lock_guard<std::mutex> lock(dispatcher_mu_);
    dispatcher_.reset();  // cancels its timers on its own thread
    return {};
  });
  loop_.stop();
  thread_.join();
}

}  // namespace vitals
