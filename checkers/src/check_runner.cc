#include "check_runner.h"

#include <exception>

#include "vitals/common/duration.h"

namespace vitals::detail {
namespace {

CheckStatus failing_status(const CheckOptions& options) {
  return options.critical ? CheckStatus::Unhealthy : CheckStatus::Degraded;
}

// User code may throw anything; the exception's text becomes the check's error.
CheckResult run_guarded(const Checker& checker, const CheckContext& context) {
  try {
    return checker(context);
  } catch (const std::exception& e) {
    return CheckResult::fail(e.what());
  } catch (...) {
    return CheckResult::fail("checker threw a non-standard exception");
  }
}

Result<void> validate(const std::string& name, const CheckOptions& options) {
  auto invalid = [&](const std::string& why) {
    return make_error(ErrorCode::InvalidArgument, "check \"" + name + "\": " + why);
  };
  if (name.empty()) return invalid("name is empty");
  if (options.interval <= Duration::zero()) return invalid("interval must be positive");
  if (options.timeout <= Duration::zero()) return invalid("timeout must be positive");
  if (options.initial_delay < Duration::zero()) return invalid("initial_delay is negative");
  if (options.failures_before_unhealthy < 1 || options.successes_before_healthy < 1) {
    return invalid("thresholds must be at least 1");
  }
  return {};
}

}  // namespace

CheckStatus next_status(CheckStatus current, bool passed, const CheckState& counters,
                        const CheckOptions& options) {
  switch (current) {
    case CheckStatus::Unknown:
      return passed ? CheckStatus::Healthy : failing_status(options);
    case CheckStatus::Healthy:
      if (!passed && counters.consecutive_failures >= options.failures_before_unhealthy) {
        return failing_status(options);
      }
      return CheckStatus::Healthy;
    case CheckStatus::Degraded:
    case CheckStatus::Unhealthy:
      if (passed && counters.consecutive_successes >= options.successes_before_healthy) {
        return CheckStatus::Healthy;
      }
      return passed ? current : failing_status(options);
  }
  return current;
}

CheckRunner::CheckRunner(const RegistryOptions& options)
    : clock_(options.clock ? *options.clock : real_clock()),
      metrics_(options.metrics ? options.metrics : std::make_shared<prometheus::Registry>()),
      service_(options.service) {
  if (options.loop != nullptr) {
    loop_ = options.loop;
  } else {
    own_loop_ = std::make_unique<EventLoop>(clock_);
    loop_ = own_loop_.get();
    loop_thread_ = std::thread([loop = loop_] { loop->run(); });
  }
  if (options.executor != nullptr) {
    executor_ = options.executor;
  } else {
    own_pool_ = std::make_unique<ThreadPool>(options.checker_threads, options.max_checker_threads);
    executor_ = own_pool_.get();
  }
  up_family_ = &prometheus::BuildGauge()
                    .Name("vitals_check_up")
                    .Help("1 when the check is healthy, 0 when it is failing or not yet run.")
                    .Register(*metrics_);
  duration_family_ = &prometheus::BuildGauge()
                          .Name("vitals_check_duration_seconds")
                          .Help("How long the check's latest run took.")
                          .Register(*metrics_);
  failures_family_ = &prometheus::BuildGauge()
                          .Name("vitals_check_consecutive_failures")
                          .Help("Failed runs of the check in a row.")
                          .Register(*metrics_);
  stuck_threads_ = &prometheus::BuildGauge()
                        .Name("vitals_checkers_stuck_threads")
                        .Help("Checker threads still running a check that passed its timeout.")
                        .Register(*metrics_)
                        .Add({});
  MutexLock lock(mu_);
  publish();
}

CheckRunner::~CheckRunner() {
  shutdown();
}

void CheckRunner::shutdown() {
  if (!loop_thread_.joinable()) return;
  own_loop_->stop();
  loop_thread_.join();
}

Result<void> CheckRunner::add(std::string name, Checker checker, CheckOptions options) {
  if (auto valid = validate(name, options); !valid) return valid;
  {
    MutexLock lock(mu_);
    if (entries_.contains(name)) {
      return make_error(ErrorCode::InvalidArgument, "check \"" + name + "\" is already registered");
    }
    auto entry = std::make_unique<Entry>();
    entry->checker = std::move(checker);
    entry->state.name = name;
    entry->state.critical = options.critical;
    entry->state.tags = options.tags;
    entry->options = std::move(options);
    entry->up = &up_family_->Add({{"check", name}});
    entry->duration = &duration_family_->Add({{"check", name}});
    entry->failures = &failures_family_->Add({{"check", name}});
    SteadyTime first_run = clock_.now() + entry->options.initial_delay;
    entries_.emplace(name, std::move(entry));
    publish();
    schedule(name, first_run);
  }
  return {};
}

void CheckRunner::schedule(const std::string& name, SteadyTime at) {
  loop_->add_timer(at, [weak = weak_from_this(), name, at] {
    if (auto self = weak.lock()) self->dispatch(name, at);
  });
}

// 1. Schedule the next run first, so a stuck run never stops the schedule.
// 2. Skip this run while the previous one is still stuck: one stuck thread per check at most.
// 3. Arm the deadline timer, then hand the checker to the executor outside the lock, since an
//    inline executor runs it right here and a checker may read the registry.
void CheckRunner::dispatch(const std::string& name, SteadyTime scheduled_at) {
  CheckContext context;
  Checker checker;
  std::uint64_t run = 0;
  {
    MutexLock lock(mu_);
    Entry& entry = *entries_.at(name);
    SteadyTime now = clock_.now();
    SteadyTime next = scheduled_at + entry.options.interval;
    schedule(name, next > now ? next : now + entry.options.interval);
    if (entry.in_flight) return;
    entry.in_flight = true;
    entry.timed_out = false;
    run = ++entry.run;
    entry.run_timeout = effective_timeout(entry.options.timeout);
    context = CheckContext{now + entry.run_timeout, &clock_};
    entry.deadline_timer = loop_->add_timer(context.deadline, [weak = weak_from_this(), name, run] {
      if (auto self = weak.lock()) self->on_deadline(name, run);
    });
    checker = entry.checker;
  }
  executor_->submit([weak = weak_from_this(), name, run, checker, context] {
    SteadyTime started = context.clock->now();
    CheckResult result = run_guarded(checker, context);
    Duration took = context.clock->now() - started;
    auto self = weak.lock();
    if (!self) return;
    self->loop_->post([weak, name, run, result = std::move(result), took]() mutable {
      if (auto runner = weak.lock()) runner->on_finished(name, run, std::move(result), took);
    });
  });
}

void CheckRunner::on_deadline(const std::string& name, std::uint64_t run) {
  std::vector<StatusChange> changes;
  {
    MutexLock lock(mu_);
    Entry& entry = *entries_.at(name);
    if (!entry.in_flight || entry.run != run) return;
    entry.timed_out = true;
    stuck_threads_->Set(++stuck_);
    CheckResult timeout = CheckResult::fail("timeout after " + format_duration(entry.run_timeout));
    changes = record(name, entry, std::move(timeout), entry.run_timeout);
  }
  notify(changes);
}

void CheckRunner::on_finished(const std::string& name, std::uint64_t run, CheckResult result,
                              Duration took) {
  std::vector<StatusChange> changes;
  {
    MutexLock lock(mu_);
    Entry& entry = *entries_.at(name);
    if (!entry.in_flight || entry.run != run) return;
    entry.in_flight = false;
    if (entry.timed_out) {  // its timeout was already reported; the late result is stale
      stuck_threads_->Set(--stuck_);
      return;
    }
    loop_->cancel(entry.deadline_timer);
    changes = record(name, entry, std::move(result), took);
  }
  notify(changes);
}

std::vector<StatusChange> CheckRunner::record(const std::string& name, Entry& entry,
                                              CheckResult result, Duration took) {
  for (const std::string& key : entry.options.secret_metadata_keys) result.metadata.erase(key);
  CheckState& state = entry.state;
  const bool passed = !result.error.has_value();
  const WallTime now = clock_.wall_now();
  state.last_run = now;
  state.duration = took;
  state.error = std::move(result.error);
  state.metadata = std::move(result.metadata);
  state.consecutive_failures = passed ? 0 : state.consecutive_failures + 1;
  state.consecutive_successes = passed ? state.consecutive_successes + 1 : 0;
  if (passed) state.last_success = now;

  const CheckStatus overall_before = snapshot_->status();
  const CheckStatus before = state.status;
  state.status = next_status(before, passed, state, entry.options);
  entry.up->Set(state.status == CheckStatus::Healthy ? 1 : 0);
  entry.duration->Set(to_seconds(took));
  entry.failures->Set(state.consecutive_failures);
  publish();

  std::vector<StatusChange> changes;
  if (state.status != before) changes.push_back({name, before, state.status, state.error});
  const CheckStatus overall_after = snapshot_->status();
  if (overall_after != overall_before) changes.push_back({"", overall_before, overall_after, {}});
  return changes;
}

void CheckRunner::publish() {
  auto next = std::make_shared<HealthSnapshot>();
  next->service = service_;
  next->draining = draining_;
  next->checks.reserve(entries_.size());
  for (const auto& [name, entry] : entries_) next->checks.push_back(entry->state);
  snapshot_ = std::move(next);
}

void CheckRunner::notify(const std::vector<StatusChange>& changes) {
  if (changes.empty()) return;
  std::vector<Listener> listeners;
  {
    MutexLock lock(mu_);
    listeners = listeners_;
  }
  for (const StatusChange& change : changes) {
    for (const Listener& listener : listeners) {
      if (listener.check_name == change.check_name) listener.callback(change);
    }
  }
}

std::shared_ptr<const HealthSnapshot> CheckRunner::snapshot() const {
  MutexLock lock(mu_);
  return snapshot_;
}

void CheckRunner::drain() {
  MutexLock lock(mu_);
  draining_ = true;
  publish();
}

HealthRegistry::ListenerId CheckRunner::on_change(std::string check_name,
                                                  HealthRegistry::Listener listener) {
  MutexLock lock(mu_);
  HealthRegistry::ListenerId id = next_listener_id_++;
  listeners_.push_back({id, std::move(check_name), std::move(listener)});
  return id;
}

void CheckRunner::cap_timeouts(Duration limit) {
  timeout_cap_ns_.store(limit > Duration::zero() ? limit.count() : 0);
}

Duration CheckRunner::effective_timeout(Duration configured) const {
  const Duration cap(timeout_cap_ns_.load());
  return cap > Duration::zero() ? std::min(configured, cap) : configured;
}

void CheckRunner::remove_listener(HealthRegistry::ListenerId id) {
  MutexLock lock(mu_);
  std::erase_if(listeners_, [id](const Listener& l) { return l.id == id; });
}

}  // namespace vitals::detail
