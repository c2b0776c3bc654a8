#include "agent/watch/target_set.h"

#include <set>

#include "agent/state/vantage.h"
#include "vitals/common/log.h"
#include "vitals/common/stable_hash.h"

namespace vitals {
namespace {

// Readers see changes within this long; batching keeps a burst of results to one snapshot
// (each rebuild walks every target, so at 10k targets 10 a second is the budget).
constexpr Duration kPublishDelay = std::chrono::milliseconds(100);

}  // namespace

int shard_of(std::string_view name, int total) {
  return total <= 1 ? 0 : static_cast<int>(stable_hash(name) % static_cast<std::uint64_t>(total));
}

struct TargetSet::ServiceSlot {
  ServiceSlot(const ServiceConfig& c, std::uint64_t f, const std::string& bearer, NetLoop& loop,
              SampleWindow* window, Executor* cpu)
      : config(c), fingerprint(f), tracker(c), bearer(bearer) {
    if (c.health_url) {
      scraper = std::make_unique<HealthScraper>(*c.health_url, c.body_size_limit, bearer, loop);
    }
    if (c.metrics_url && window != nullptr && cpu != nullptr) {
      metrics = std::make_unique<MetricsScraper>(c, bearer, loop, *cpu, *window);
    }
  }
  ServiceConfig config;
  std::uint64_t fingerprint;
  ServiceTracker tracker;
  std::string bearer;
  std::unique_ptr<HealthScraper> scraper;   // with a health_url
  std::unique_ptr<MetricsScraper> metrics;  // with a metrics_url and a window
  std::string metrics_error;                // why the last metrics scrape failed; "" when up
  bool metrics_refusing = false;            // the last metrics scrape had samples refused
};

struct TargetSet::ProbeSlot {
  ProbeConfig config;
  std::uint64_t fingerprint;
  ProbeTracker tracker;
  std::unique_ptr<Prober> prober;
};

TargetSet::TargetSet(NetLoop& loop, Scheduler& scheduler, HistoryStore* history,
                     RunObserver observer, SampleWindow* window, Executor* cpu)
    : loop_(loop),
      scheduler_(scheduler),
      history_(history),
      observer_(std::move(observer)),
      window_(window),
      cpu_(cpu),
      snapshot_(std::make_shared<AgentSnapshot>()) {}

TargetSet::~TargetSet() {
  *alive_ = false;
  clear();
}

void TargetSet::apply(const Config& config,
                      const std::map<std::string, std::string>& bearer_tokens) {
  std::map<std::string, std::unique_ptr<ServiceSlot>> services;
  std::map<std::string, std::unique_ptr<ProbeSlot>> probes;
  order_.clear();
  auto mine = [&](const std::string& name) {
    return shard_of(name, config.sharding.total) == config.sharding.index;
  };
  for (const ServiceConfig& service : config.services) {
    if (!mine(service.name)) continue;
    order_.push_back(service.name);
    auto old = services_.find(service.name);
    auto token = bearer_tokens.find(service.name);
    std::string bearer = token == bearer_tokens.end() ? "" : token->second;
    if (old != services_.end() && same_target(old->second->config, service) &&
        old->second->bearer == bearer) {
      services.emplace(service.name, std::move(old->second));
      continue;
    }
    services.emplace(service.name, std::make_unique<ServiceSlot>(service, next_fingerprint_++,
                                                                 bearer, loop_, window_, cpu_));
  }
  for (const ProbeConfig& probe : config.probes) {
    if (!mine(probe.name)) continue;
    order_.push_back(probe.name);
    auto old = probes_.find(probe.name);
    if (old != probes_.end() && same_target(old->second->config, probe)) {
      probes.emplace(probe.name, std::move(old->second));
      continue;
    }
    probes.emplace(probe.name, std::make_unique<ProbeSlot>(ProbeSlot{probe, next_fingerprint_++,
                                                                     ProbeTracker(probe),
                                                                     make_prober(probe, loop_)}));
  }
  vantage_fraction_ = config.global.vantage_failing_fraction;
  services_.swap(services);
  probes_.swap(probes);
  scheduler_.set_targets(schedule_targets());
  services.clear();  // the replaced slots: their scrapers and probers cancel what runs
  probes.clear();
  publish();
}

void TargetSet::clear() {
  scheduler_.set_targets({});
  services_.clear();
  probes_.clear();
  order_.clear();
}

std::vector<Scheduler::Target> TargetSet::schedule_targets() {
  std::vector<Scheduler::Target> targets;
  for (auto& [name, slot] : services_) {
    ServiceSlot* s = slot.get();
    Scheduler::Target base{.key = "",
                           .fingerprint = s->fingerprint,
                           .interval = s->config.interval,
                           .interval_when_failing = s->config.interval_when_failing,
                           .timeout = s->config.timeout};
    if (s->scraper) {
      Scheduler::Target health = base;
      health.key = "service/" + name;
      health.start = [this, s](SteadyTime deadline, Scheduler::Finished finished) {
        s->scraper->start(deadline, [this, s, finished](HealthObservation seen) {
          on_scraped(*s, seen);
          finished(!s->tracker.down());
        });
      };
      targets.push_back(std::move(health));
    }
    if (s->metrics) {
      Scheduler::Target metrics = base;
      metrics.key = "metrics/" + name;
      metrics.start = [this, s](SteadyTime deadline, Scheduler::Finished finished) {
        s->metrics->start(deadline, [this, s, finished](IngestOutcome outcome) {
          on_metrics_scraped(*s, outcome);
          finished(outcome.up);
        });
      };
      targets.push_back(std::move(metrics));
    }
  }
  for (auto& [name, slot] : probes_) {
    ProbeSlot* p = slot.get();
    targets.push_back({.key = "probe/" + name,
                       .fingerprint = p->fingerprint,
                       .interval = p->config.interval,
                       .interval_when_failing = p->config.interval_when_failing,
                       .timeout = p->config.timeout,
                       .start = [this, p](SteadyTime deadline, Scheduler::Finished finished) {
                         p->prober->start(deadline, [this, p, finished](ProbeResult result) {
                           on_probed(*p, result);
                           finished(result.success);
                         });
                       }});
  }
  return targets;
}

void TargetSet::on_scraped(ServiceSlot& slot, const HealthObservation& seen) {
  const WallTime at = loop_.events().clock().wall_now();
  record(slot.tracker.observe(seen, at));
  const bool success = !slot.tracker.down();
  if (history_ != nullptr) {
    history_->record_sample(
        {.target = slot.config.name,
         .at = at,
         .success = success,
         .latency_seconds = std::chrono::duration<double>(seen.duration).count()});
  }
  if (observer_.scrape_finished)
    observer_.scrape_finished(slot.config.name, seen.reachable, seen.duration);
  mark_dirty();
}

void TargetSet::on_probed(ProbeSlot& slot, const ProbeResult& result) {
  const WallTime at = loop_.events().clock().wall_now();
  record(slot.tracker.observe(result, at));
  if (history_ != nullptr) {
    history_->record_sample(
        {.target = slot.config.name,
         .at = at,
         .success = result.success,
         .latency_seconds = std::chrono::duration<double>(result.duration).count()});
  }
  if (observer_.probe_finished)
    observer_.probe_finished(slot.config.name, result.success, result.duration);
  mark_dirty();
}

// A failing metrics scrape leaves `up` 0 in the window, and refused samples only count in
// vitals_window_*_samples_total; the log says why once, when it starts (or its reason changes),
// rather than at every interval.
void TargetSet::on_metrics_scraped(ServiceSlot& slot, const IngestOutcome& outcome) {
  if (outcome.error != slot.metrics_error) {
    if (outcome.up) {
      log::info("metrics scrape recovered", {{"service", slot.config.name}});
    } else {
      log::warn("metrics scrape failed", {{"service", slot.config.name}, {"error", outcome.error}});
    }
    slot.metrics_error = outcome.error;
  }
  const bool refusing = outcome.rejected > 0;
  if (refusing && !slot.metrics_refusing) {
    log::warn("metrics scrape refused samples",
              {{"service", slot.config.name},
               {"refused", std::to_string(outcome.rejected)},
               {"why", "duplicate series or timestamps out of order"}});
  }
  slot.metrics_refusing = refusing;
  if (observer_.metrics_scraped) observer_.metrics_scraped(slot.config.name, outcome);
}

void TargetSet::record(const std::vector<StateChange>& changes) {
  for (const StateChange& change : changes) {
    log::info("state change",
              {{"target", change.target},
               {"kind", change.kind},
               {"check", change.check},
               {"status", change.status},
               {"reason", change.reason},
               {"error", change.error}},
              log::OmitEmpty::Yes);
    if (history_ != nullptr) history_->record_change(change);
  }
}

void TargetSet::mark_dirty() {
  if (publish_pending_) return;
  publish_pending_ = true;
  std::weak_ptr<bool> alive = alive_;
  loop_.events().add_timer(loop_.events().clock().now() + kPublishDelay, [this, alive] {
    auto still = alive.lock();
    if (!still || !*still) return;
    publish();
  });
}

bool TargetSet::target_down(const std::string& name) const {
  if (auto s = services_.find(name); s != services_.end()) return s->second->tracker.down();
  if (auto p = probes_.find(name); p != probes_.end()) return p->second->tracker.down();
  return false;
}

// 1. The vantage check looks at every probe's latest result.
// 2. A target is suppressed while a target it depends on is down, and a probe also while the
//    vantage point is suspect: its alerts would only repeat what is already known.
// 3. The new views go out as one snapshot.
void TargetSet::publish() {
  publish_pending_ = false;
  std::vector<std::shared_ptr<const ProbeView>> probe_views;
  for (const std::string& name : order_) {
    if (auto p = probes_.find(name); p != probes_.end())
      probe_views.push_back(p->second->tracker.view());
  }
  const bool degraded = vantage_degraded(probe_views, {.failing_fraction = vantage_fraction_});
  if (degraded != vantage_degraded_) {
    log::warn(degraded ? "most probes fail at once: suspecting the agent's own network"
                       : "probes recovered: the agent's network is trusted again",
              {{"vantage_degraded", degraded ? "1" : "0"}});
    vantage_degraded_ = degraded;
  }
  auto dependency_down = [&](const std::vector<std::string>& depends_on) {
    for (const std::string& dependency : depends_on) {
      if (target_down(dependency)) return true;
    }
    return false;
  };
  auto next = std::make_shared<AgentSnapshot>();
  next->vantage_degraded = degraded;
  next->taken = loop_.events().clock().wall_now();
  for (const std::string& name : order_) {
    if (auto s = services_.find(name); s != services_.end()) {
      s->second->tracker.set_suppressed(dependency_down(s->second->config.depends_on));
      next->services.push_back(s->second->tracker.view());
    } else if (auto p = probes_.find(name); p != probes_.end()) {
      p->second->tracker.set_suppressed(degraded || dependency_down(p->second->config.depends_on));
      next->probes.push_back(p->second->tracker.view());
    }
  }
  {
    MutexLock lock(mu_);
    snapshot_ = next;
  }
  if (observer_.published) observer_.published(std::move(next));
}

std::shared_ptr<const AgentSnapshot> TargetSet::snapshot() const {
  MutexLock lock(mu_);
  return snapshot_;
}

}  // namespace vitals
