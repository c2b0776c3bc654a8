// A group's flush: which of its alerts a receiver hears about, and whether it hears now.
#include <algorithm>

#include "alerts/notify/dispatcher.h"
#include "vitals/common/log.h"

namespace vitals::notify {
namespace {

bool contains(const std::vector<std::string>& sorted, const std::string& value) {
  return std::binary_search(sorted.begin(), sorted.end(), value);
}

std::vector<std::string> fingerprints_of(const std::vector<NotifiedAlert>& alerts) {
  std::vector<std::string> out;
  for (const NotifiedAlert& alert : alerts) out.push_back(alert.fingerprint);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::vector<InhibitSource> Dispatcher::firing_sources(std::int64_t now_ms) const {
  std::vector<InhibitSource> sources;
  if (inhibitor_.empty()) return sources;
  for (const auto& [fingerprint, alert] : alerts_) {
    if (!is_resolved(alert, now_ms)) sources.push_back({fingerprint, &alert.update.labels});
  }
  return sources;
}

// The dependency is asked only about firing alerts: a resolution is news whatever caused it.
Dispatcher::Mutes Dispatcher::mutes_of(TrackedAlert& alert, std::int64_t now_ms,
                                       const std::vector<InhibitSource>& sources) const {
  Mutes mutes;
  const LabelPairs& labels = alert.update.labels;
  if (silences_ != nullptr) mutes.silenced_by = silences_->silenced_by(labels, now_ms);
  mutes.inhibited_by = inhibitor_.inhibited_by(labels, alert.fingerprint, sources);
  if (dependency_ && !is_resolved(alert, now_ms)) {
    mutes.dependency = dependency_(labels);
    if (mutes.dependency) alert.dependency_suppressed = true;
  }
  return mutes;
}

bool Dispatcher::is_acked(const TrackedAlert& alert) const {
  const auto spell = log_.acked_spell(alert.fingerprint);
  return spell && *spell == alert.update.starts_at_ms;
}

bool Dispatcher::send_resolved(const std::string& receiver) const {
  auto found = send_resolved_.find(receiver);
  return found == send_resolved_.end() || found->second;
}

NotifiedAlert Dispatcher::notified(const TrackedAlert& alert, bool resolved) const {
  return NotifiedAlert{.labels = alert.update.labels,
                       .annotations = alert.update.annotations,
                       .firing = !resolved,
                       .starts_at_ms = alert.update.starts_at_ms,
                       // As Alertmanager's flush: a firing alert's end is not news.
                       .ends_at_ms = resolved ? alert.update.ends_at_ms : 0,
                       .generator_url = alert.update.generator_url,
                       .fingerprint = alert.fingerprint};
}

void Dispatcher::flush(const GroupId& id) {
  auto found = groups_.find(id);
  if (found == groups_.end()) return;
  Group& group = found->second;
  const ResolvedRoute& route = group.route->config();
  // The next flush is due group_interval from this one whether or not this one sends.
  group.timer =
      loop_.add_timer(loop_.clock().now() + route.group_interval, [this, id] { flush(id); });
  group.flushed = true;

  const std::int64_t now = now_ms();
  const LogEntry* last = log_.find(group.key, route.receiver);
  FlushContents contents = collect(group, last, now, firing_sources(now));
  FlushState state{
      .last = last,
      .firing = fingerprints_of(contents.firing),
      .resolved = fingerprints_of(contents.resolved),
      .any_unacked = contents.any_unacked,
      .send_resolved = send_resolved(route.receiver),
      .now_ms = now,
      .repeat_interval_ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(route.repeat_interval).count()};
  const bool has_alerts = !contents.firing.empty() || !contents.resolved.empty();
  // Resolved alerts stay for the next flush when the sink could not take their resolution.
  if (needs_update(state) && has_alerts && !send(group, contents, state)) contents.done.clear();

  for (const std::string& fingerprint : contents.done) {
    group.fingerprints.erase(fingerprint);
    --alerts_.at(fingerprint).groups;
  }
  if (group.fingerprints.empty()) drop_group(id);  // `group` is gone after this
  for (const std::string& fingerprint : contents.done) forget_if_done(fingerprint, now);
  publish();
}

Dispatcher::FlushContents Dispatcher::collect(const Group& group, const LogEntry* last,
                                              std::int64_t now_ms,
                                              const std::vector<InhibitSource>& sources) {
  FlushContents contents;
  for (const std::string& fingerprint : group.fingerprints) {
    TrackedAlert& alert = alerts_.at(fingerprint);
    const bool is_done = is_resolved(alert, now_ms);
    const Mutes mutes = mutes_of(alert, now_ms, sources);
    if (is_done) contents.done.push_back(fingerprint);
    if (!mutes.silenced_by.empty() || !mutes.inhibited_by.empty() || mutes.dependency) continue;
    if (!is_done) {
      contents.firing.push_back(notified(alert, false));
      contents.any_unacked = contents.any_unacked || !is_acked(alert);
    } else if ((last != nullptr && contains(last->firing, fingerprint)) ||
               alert.dependency_suppressed) {
      contents.resolved.push_back(notified(alert, true));
    }
  }
  return contents;
}

// The sink first, then the log: a crash between the two sends the notification again after
// the restart rather than never.
bool Dispatcher::send(const Group& group, const FlushContents& contents, const FlushState& state) {
  const std::string& receiver = group.route->config().receiver;
  auto by_labels = [](const NotifiedAlert& a, const NotifiedAlert& b) {
    return a.labels < b.labels;
  };
  std::vector<NotifiedAlert> alerts = contents.firing;
  std::sort(alerts.begin(), alerts.end(), by_labels);
  std::vector<NotifiedAlert> resolved = contents.resolved;
  std::sort(resolved.begin(), resolved.end(), by_labels);
  alerts.insert(alerts.end(), resolved.begin(), resolved.end());
  auto taken = sink_(Notification{.receiver = receiver,
                                  .group_key = group.key,
                                  .group_labels = group.labels,
                                  .alerts = std::move(alerts),
                                  .created_ms = state.now_ms});
  if (!taken) {
    log::warn(
        "a notification was not taken; the next flush tries again",
        {{"group_key", group.key}, {"receiver", receiver}, {"err", to_string(taken.error())}});
    return false;
  }
  LogEntry entry{.timestamp_ms = state.now_ms, .firing = state.firing, .resolved = state.resolved};
  if (auto recorded = log_.record(group.key, receiver, std::move(entry)); !recorded) {
    log::warn("writing the notification log failed", {{"err", to_string(recorded.error())}});
  }
  return true;
}

}  // namespace vitals::notify
