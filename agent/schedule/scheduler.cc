#include "agent/schedule/scheduler.h"

#include "vitals/common/stable_hash.h"

namespace vitals {
namespace {

// A target that never reports back is written off this long after its deadline.
constexpr Duration kWriteOffGrace = std::chrono::seconds(1);

}  // namespace

struct Scheduler::Entry {
  Target target;
  std::uint64_t generation = 0;  // which incarnation of the key timers refer to
  std::uint64_t run = 0;         // numbers the runs; the current one while in_flight
  bool in_flight = false;
  bool failing = false;
  EventLoop::TimerId due_timer = 0;
  EventLoop::TimerId write_off_timer = 0;
};

Scheduler::Scheduler(EventLoop& loop, std::size_t max_in_flight)
    : loop_(loop),
      max_in_flight_(std::max<std::size_t>(1, max_in_flight)),
      self_(std::make_shared<Scheduler*>(this)) {}

Scheduler::~Scheduler() {
  for (auto& [key, entry] : entries_) {
    loop_.cancel(entry->due_timer);
    loop_.cancel(entry->write_off_timer);
  }
}

SteadyTime Scheduler::phase_slot(std::string_view key, Duration interval, SteadyTime now) {
  const auto period = interval.count();
  const auto offset =
      static_cast<Duration::rep>(stable_hash(key) % static_cast<std::uint64_t>(period));
  const auto since_epoch = now.time_since_epoch().count();
  auto slot = since_epoch - since_epoch % period + offset;
  if (slot < since_epoch) slot += period;
  return SteadyTime(Duration(slot));
}

void Scheduler::set_targets(std::vector<Target> targets) {
  std::unordered_map<std::string, std::unique_ptr<Entry>> next;
  const SteadyTime now = loop_.clock().now();
  for (Target& target : targets) {
    auto old = entries_.find(target.key);
    if (old != entries_.end() && old->second->target.fingerprint == target.fingerprint) {
      old->second->target.start = std::move(target.start);
      next.emplace(old->first, std::move(old->second));
      entries_.erase(old);
      continue;
    }
    auto entry = std::make_unique<Entry>();
    entry->generation = next_generation_++;
    entry->target = std::move(target);
    arm(*entry, phase_slot(entry->target.key, entry->target.interval, now));
    next.emplace(entry->target.key, std::move(entry));
  }
  entries_.swap(next);
  for (auto& [key, entry] : next) {  // removed or changed: forget them
    loop_.cancel(entry->due_timer);
    loop_.cancel(entry->write_off_timer);
    if (entry->in_flight) --stats_.in_flight;
  }
  start_waiting();
}

SteadyTime Scheduler::next_due(const Entry& entry, SteadyTime now) const {
  if (entry.failing && entry.target.interval_when_failing < entry.target.interval) {
    return now + entry.target.interval_when_failing;
  }
  return phase_slot(entry.target.key, entry.target.interval, now + Duration(1));
}

void Scheduler::arm(Entry& entry, SteadyTime due) {
  std::weak_ptr<Scheduler*> weak = self_;
  entry.due_timer =
      loop_.add_timer(due, [weak, key = entry.target.key, generation = entry.generation, due] {
        if (auto self = weak.lock()) (*self)->on_due(key, generation, due);
      });
}

// 1. Arm the next run first, so nothing that happens to this one can stop the schedule.
// 2. A run still in flight is not doubled: this slot is skipped.
// 3. Under the cap the run starts now; over it, it waits its turn in FIFO order.
void Scheduler::on_due(const std::string& key, std::uint64_t generation, SteadyTime due) {
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second->generation != generation) return;
  Entry& entry = *it->second;
  arm(entry, next_due(entry, loop_.clock().now()));
  if (entry.in_flight) {
    ++stats_.runs_skipped;
    return;
  }
  if (stats_.in_flight >= max_in_flight_) {
    waiting_.push_back({key, generation, due});
    stats_.queued = waiting_.size();
    return;
  }
  launch(entry, due);
}

void Scheduler::launch(Entry& entry, SteadyTime due) {
  const SteadyTime now = loop_.clock().now();
  stats_.worst_lateness = std::max(stats_.worst_lateness, now - due);
  ++stats_.runs_started;
  ++stats_.in_flight;
  entry.in_flight = true;
  const std::uint64_t run = ++entry.run;
  const SteadyTime deadline = now + entry.target.timeout;
  std::weak_ptr<Scheduler*> weak = self_;
  auto report = [weak, key = entry.target.key, generation = entry.generation, run](bool ok) {
    if (auto self = weak.lock()) (*self)->on_finished(key, generation, run, ok);
  };
  entry.write_off_timer = loop_.add_timer(deadline + kWriteOffGrace, [this, weak, report] {
    if (auto self = weak.lock()) {
      ++stats_.runs_written_off;
      report(false);
    }
  });
  entry.target.start(deadline, report);
}

void Scheduler::on_finished(const std::string& key, std::uint64_t generation, std::uint64_t run,
                            bool success) {
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second->generation != generation) return;
  Entry& entry = *it->second;
  if (!entry.in_flight || entry.run != run) return;  // already written off
  entry.in_flight = false;
  loop_.cancel(entry.write_off_timer);
  release_slot();
  const bool was_failing = entry.failing;
  entry.failing = !success;
  if (entry.failing == was_failing) return;
  // Moving in or out of failure changes the rhythm: re-arm on the right one.
  loop_.cancel(entry.due_timer);
  arm(entry, next_due(entry, loop_.clock().now()));
}

void Scheduler::release_slot() {
  --stats_.in_flight;
  start_waiting();
}

void Scheduler::start_waiting() {
  while (!waiting_.empty() && stats_.in_flight < max_in_flight_) {
    Waiting next = waiting_.front();
    waiting_.pop_front();
    auto it = entries_.find(next.key);
    if (it == entries_.end() || it->second->generation != next.generation) continue;
    if (it->second->in_flight) continue;
    launch(*it->second, next.due);
  }
  stats_.queued = waiting_.size();
}

Scheduler::Stats Scheduler::stats() const {
  return stats_;
}

Duration Scheduler::take_worst_lateness() {
  Duration worst = stats_.worst_lateness;
  stats_.worst_lateness = Duration::zero();
  return worst;
}

}  // namespace vitals
