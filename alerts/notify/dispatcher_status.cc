// The readers' side: the status snapshot, and acknowledgements (which the API asks for).
#include <algorithm>

#include "alerts/notify/dispatcher.h"
#include "vitals/common/log.h"

namespace vitals::notify {

std::shared_ptr<const DispatchStatus> Dispatcher::status() const {
  MutexLock lock(status_mu_);
  return status_;
}

void Dispatcher::refresh() {
  publish();
}

// Rebuilt whole on every change: a few hundred alerts at most, and readers never wait on it.
void Dispatcher::publish() {
  const std::int64_t now = now_ms();
  const std::vector<InhibitSource> sources = firing_sources(now);
  auto status = std::make_shared<DispatchStatus>();
  status->updated_at_ms = now;
  for (auto& [fingerprint, alert] : alerts_) {
    Mutes mutes = mutes_of(alert, now, sources);
    AlertStatus entry{.alert = notified(alert, is_resolved(alert, now)),
                      .silenced_by = std::move(mutes.silenced_by),
                      .inhibited_by = std::move(mutes.inhibited_by),
                      .dependency = std::move(mutes.dependency),
                      .acked = is_acked(alert) && !is_resolved(alert, now)};
    for (const Route* route : root_->match(alert.update.labels)) {
      entry.receivers.push_back(route->config().receiver);
    }
    status->alerts.push_back(std::move(entry));
  }
  std::sort(
      status->alerts.begin(), status->alerts.end(),
      [](const AlertStatus& a, const AlertStatus& b) { return a.alert.labels < b.alert.labels; });
  for (const auto& [id, group] : groups_) {
    status->groups.push_back(
        GroupStatus{.group_key = group.key,
                    .receiver = group.route->config().receiver,
                    .labels = group.labels,
                    .fingerprints = {group.fingerprints.begin(), group.fingerprints.end()}});
  }
  std::sort(status->groups.begin(), status->groups.end(),
            [](const GroupStatus& a, const GroupStatus& b) {
              return std::tie(a.group_key, a.receiver) < std::tie(b.group_key, b.receiver);
            });
  MutexLock lock(status_mu_);
  status_ = std::move(status);
}

Result<void> Dispatcher::ack(const std::string& fingerprint) {
  auto found = alerts_.find(fingerprint);
  if (found == alerts_.end()) {
    return make_error(ErrorCode::NotFound, "no alert with fingerprint " + fingerprint);
  }
  const std::int64_t now = now_ms();
  if (is_resolved(found->second, now)) {
    return make_error(ErrorCode::InvalidArgument, "alert " + fingerprint + " is not firing");
  }
  // The ack is kept in memory even when the write fails; it then lasts until a restart.
  if (auto saved = log_.set_ack(fingerprint, found->second.update.starts_at_ms, now); !saved) {
    log::warn("saving an acknowledgement failed",
              {{"fingerprint", fingerprint}, {"err", to_string(saved.error())}});
  }
  publish();
  return {};
}

}  // namespace vitals::notify
