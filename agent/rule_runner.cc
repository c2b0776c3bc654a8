#include "agent/rule_runner.h"

#include <algorithm>
#include <future>

#include "vitals/common/log.h"

namespace vitals {

Result<std::unique_ptr<RuleRunner>> RuleRunner::start(SampleWindow& window,
                                                      const std::string& state_path,
                                                      rules::AlertSink sink,
                                                      Duration warmup_limit) {
  auto store = rules::AlertStateStore::open(state_path);
  if (!store) return tl::unexpected(store.error());
  std::unique_ptr<RuleRunner> runner(new RuleRunner());
  runner->store_ = std::move(*store);
  runner->manager_ = std::make_unique<rules::RuleManager>(runner->loop_, window,
                                                          runner->store_.get(), std::move(sink));
  RuleRunner* raw = runner.get();
  runner->loop_.add_timer(runner->loop_.clock().now() + warmup_limit, [raw] { raw->end_warmup(); });
  runner->thread_ = std::thread([raw] { raw->loop_.run(); });
  return runner;
}

RuleRunner::~RuleRunner() {
  stop();
}

// On the rules thread; the caller waits until the groups are in place.
void RuleRunner::hand_over(std::vector<rules::GroupSpec> groups,
                           rules::RuleManagerOptions options) {
  std::promise<void> applied;
  loop_.post([&] {
    manager_->apply(std::move(groups), std::move(options));
    started_ = true;
    applied.set_value();
  });
  applied.get_future().wait();
}

void RuleRunner::apply(std::vector<rules::GroupSpec> groups, rules::RuleManagerOptions options) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!warm_) {
    waiting_.emplace(std::move(groups), std::move(options));
    return;
  }
  lock.unlock();
  hand_over(std::move(groups), std::move(options));
}

void RuleRunner::observe(const AgentSnapshot& snapshot) {
  for (const auto& service : snapshot.services) {
    if (service->status == "unknown") return;
  }
  for (const auto& probe : snapshot.probes) {
    if (!probe->last) return;
  }
  end_warmup();
}

void RuleRunner::data_landed(std::shared_ptr<const std::vector<std::string>> names) {
  if (!names || names->empty()) return;
  // Most landings concern no rule: they cost the caller this check and nothing more.
  auto reads = manager_->early_reads();
  if (!reads || !reads->any_of(*names)) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // A target's list is shared from scrape to scrape: the same one often lands again first.
    if (std::find(landed_.begin(), landed_.end(), names) != landed_.end()) return;
    landed_.push_back(std::move(names));
    if (landed_.size() > 1) return;  // the delivery on its way takes this one too
  }
  // Landings within kLandingBatch share one wake-up of the rules thread: at a thousand targets,
  // a wake-up each would cost more than the evaluations they lead to.
  loop_.add_timer(loop_.clock().now() + kLandingBatch, [this] { deliver_landed(); });
}

// On the rules thread.
void RuleRunner::deliver_landed() {
  std::vector<std::shared_ptr<const std::vector<std::string>>> landed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    landed.swap(landed_);
  }
  for (const auto& names : landed) manager_->data_landed(*names);
}

// Runs from any thread; the waiting groups go to the rules thread without blocking it.
void RuleRunner::end_warmup() {
  std::lock_guard<std::mutex> lock(mu_);
  if (warm_) return;
  warm_ = true;
  if (!waiting_) return;
  auto waiting =
      std::make_shared<std::pair<std::vector<rules::GroupSpec>, rules::RuleManagerOptions>>(
          std::move(*waiting_));
  waiting_.reset();
  log::info("rules started", {{"groups", std::to_string(waiting->first.size())}});
  loop_.post([this, waiting] {
    manager_->apply(std::move(waiting->first), std::move(waiting->second));
    started_ = true;
  });
}

void RuleRunner::stop() {
  if (!thread_.joinable()) return;
  std::promise<void> cleared;
  loop_.post([&] {
    manager_->clear();
    cleared.set_value();
  });
  cleared.get_future().wait();
  loop_.stop();
  thread_.join();
}

}  // namespace vitals
