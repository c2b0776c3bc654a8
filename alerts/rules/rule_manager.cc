#include "alerts/rules/rule_manager.h"

#include <malloc.h>

#include <algorithm>
#include <chrono>

#include "vitals/common/log.h"
#include "vitals/common/stable_hash.h"

namespace vitals::rules {

RuleManager::RuleManager(EventLoop& loop, SampleWindow& window, AlertStateStore* store,
                         AlertSink sink)
    : loop_(loop), window_(window), store_(store), sink_(std::move(sink)) {}

RuleManager::~RuleManager() {
  *alive_ = false;
  clear();
}

std::int64_t RuleManager::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             loop_.clock().wall_now().time_since_epoch())
      .count();
}

// The first time after `after_ms` that is the group's offset past a multiple of its interval.
std::int64_t RuleManager::next_evaluation(const RuleGroup& group, std::int64_t after_ms) const {
  const std::int64_t interval = group.interval_ms();
  const auto offset =
      static_cast<std::int64_t>(stable_hash(group.key()) % static_cast<std::uint64_t>(interval));
  std::int64_t base = after_ms - offset;
  std::int64_t next = base - (base % interval + interval) % interval + offset;
  while (next <= after_ms) next += interval;
  return next;
}

void RuleManager::arm(Running& running) {
  const std::int64_t wait_ms = std::max<std::int64_t>(0, running.next_ms - now_ms());
  std::weak_ptr<bool> alive = alive_;
  running.timer = loop_.add_timer(loop_.clock().now() + std::chrono::milliseconds(wait_ms),
                                  [this, alive, target = &running] {
                                    auto still = alive.lock();
                                    if (!still || !*still) return;
                                    tick(*target);
                                  });
}

// One evaluation at its scheduled time; a group that fell behind (the loop was busy longer than
// an interval) skips the missed times, as Prometheus does.
void RuleManager::tick(Running& running) {
  RuleGroup& group = *running.group;
  const std::int64_t t = running.next_ms;
  if (t > running.last_ms) evaluate(running, t);
  running.next_ms = next_evaluation(group, std::max(t, now_ms()));
  const std::int64_t skipped = (running.next_ms - t) / group.interval_ms() - 1;
  group.count_missed(static_cast<std::uint64_t>(std::max<std::int64_t>(skipped, 0)));
  arm(running);
}

void RuleManager::evaluate_early(Running& running) {
  running.early_timer = 0;
  const std::int64_t t = std::max(now_ms(), running.last_ms + 1);
  running.last_early_ms = t;
  evaluate(running, t);
}

void RuleManager::evaluate(Running& running, std::int64_t t) {
  RuleGroup& group = *running.group;
  group.evaluate(t, options_.context);
  running.last_ms = t;
  // An evaluation's working set (decoded samples, intermediate vectors) is freed by now, but
  // malloc keeps the pages; without this the agent's resident memory stays at the largest
  // group's high-water mark, about as much again as the window itself.
  malloc_trim(0);
  std::vector<DueAlert> due = group.take_due(t, options_.resend_delay_ms);
  if (!due.empty() && sink_) sink_(group.key(), std::move(due));
  if (store_) {
    auto saved = store_->save(group.key(), t, group.alert_states());
    // Once when saving starts failing (a full or read-only disk fails every evaluation, several
    // a second) and once when it works again, so the log does not fill the disk further.
    if (!saved && !running.saving_failed) {
      log::error(
          "saving alert state failed; evaluation goes on, the state is saved once the "
          "disk takes it",
          {{"group", group.spec().name}, {"reason", to_string(saved.error())}});
    } else if (saved && running.saving_failed) {
      log::info("saving alert state works again", {{"group", group.spec().name}});
    }
    running.saving_failed = !saved;
  }
}

void RuleManager::data_landed(std::span<const std::string> names) {
  const std::int64_t now = now_ms();
  for (auto& running : running_) {
    const RuleGroup& group = *running->group;
    // A pending early evaluation will see these samples too.
    if (running->early_timer != 0 || group.spec().query_offset_ms > 0) continue;
    if (!group.reads().any_of(names)) continue;
    const std::int64_t wait_ms =
        std::max<std::int64_t>(0, running->last_early_ms + early_gap_ms(group) - now);
    std::weak_ptr<bool> alive = alive_;
    running->early_timer = loop_.add_timer(loop_.clock().now() + std::chrono::milliseconds(wait_ms),
                                           [this, alive, target = running.get()] {
                                             auto still = alive.lock();
                                             if (!still || !*still) return;
                                             evaluate_early(*target);
                                           });
  }
}

std::int64_t RuleManager::early_gap_ms(const RuleGroup& group) {
  const auto costly =
      static_cast<std::int64_t>(group.last_evaluation_seconds() * 1000 / kEarlyCostShare);
  return std::max(std::min(group.interval_ms() / kEarlyPerInterval, kMinEarlyGapMs), costly);
}

void RuleManager::cancel_timers(Running& running) {
  loop_.cancel(running.timer);
  if (running.early_timer != 0) loop_.cancel(running.early_timer);
  running.early_timer = 0;
}

void RuleManager::restore_from_store(RuleGroup& group) {
  if (!store_) return;
  auto stored = store_->load(group.key());
  if (!stored) return;
  const std::int64_t now = now_ms();
  for (auto& [rule, alerts] : stored->rules) {
    for (const RuleSpec& spec : group.spec().rules) {
      if (const auto* alerting = std::get_if<AlertingRuleSpec>(&spec.rule);
          alerting && alerting->name == rule) {
        apply_grace_period(alerts, alerting->for_ms, stored->evaluated_at_ms, now,
                           options_.grace_ms);
        break;
      }
    }
    // Sent again at once (see apply()), not a resend delay after the last send.
    for (Alert& alert : alerts) alert.last_sent_at_ms = 0;
    group.restore(rule, std::move(alerts));
  }
}

void RuleManager::apply(std::vector<GroupSpec> groups, RuleManagerOptions options) {
  options_ = std::move(options);
  std::map<std::string, std::unique_ptr<Running>> previous;
  for (auto& running : running_) {
    cancel_timers(*running);
    previous[running->group->key()] = std::move(running);
  }
  running_.clear();
  std::vector<std::string> keys;
  for (GroupSpec& spec : groups) {
    auto running = std::make_unique<Running>();
    running->group =
        std::make_unique<RuleGroup>(std::move(spec), options_.default_interval_ms, window_);
    const std::string key = running->group->key();
    keys.push_back(key);
    if (auto old = previous.find(key); old != previous.end()) {
      for (auto& [rule, alerts] : old->second->group->alert_states()) {
        running->group->restore(rule, std::move(alerts));
      }
      running->last_ms = old->second->last_ms;
      running->last_early_ms = old->second->last_early_ms;
    } else {
      restore_from_store(*running->group);
      // The notifier's groups died with the process: a notification it had not flushed yet
      // (within group_wait of a firing, or group_interval of a resolution) would otherwise wait
      // for the resend delay, and be lost when the alert changed first. So every restored
      // alert, firing or recently resolved, goes to it now, as it was when the agent stopped
      // (the evaluations that follow send what changed since), as Prometheus resends to
      // Alertmanager after a restart; the notification log keeps receivers from being paged
      // twice.
      std::vector<DueAlert> due = running->group->take_due(now_ms(), options_.resend_delay_ms);
      if (!due.empty() && sink_) sink_(key, std::move(due));
    }
    running->next_ms = next_evaluation(*running->group, now_ms());
    arm(*running);
    running_.push_back(std::move(running));
  }
  if (store_) {
    if (auto kept = store_->keep_only(keys); !kept) {
      log::warn("dropping the state of removed rule groups failed",
                {{"reason", to_string(kept.error())}});
    }
  }
  MutexLock lock(mu_);
  groups_.clear();
  auto reads = std::make_shared<promql::MetricNames>();
  for (const auto& running : running_) {
    groups_.push_back(running->group.get());
    if (running->group->spec().query_offset_ms == 0) reads->merge(running->group->reads());
  }
  early_reads_ = running_.empty() ? nullptr : std::move(reads);
}

void RuleManager::clear() {
  for (auto& running : running_) cancel_timers(*running);
  {
    MutexLock lock(mu_);
    groups_.clear();
    early_reads_.reset();
  }
  running_.clear();
}

std::shared_ptr<const promql::MetricNames> RuleManager::early_reads() const {
  MutexLock lock(mu_);
  return early_reads_;
}

GroupStatuses RuleManager::status() const {
  MutexLock lock(mu_);
  GroupStatuses out;
  for (const RuleGroup* group : groups_) out.push_back(group->status());
  return out;
}

}  // namespace vitals::rules
