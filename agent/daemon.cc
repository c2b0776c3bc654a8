#include "agent/daemon.h"

#include <malloc.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <optional>
#include <sstream>
#include <thread>
#include <utility>

#include "agent/config/load_config.h"
#include "agent/expose/agent_metrics.h"
#include "agent/expose/exposition.h"
#include "agent/expose/notify_metrics.h"
#include "agent/expose/rule_metrics.h"
#include "agent/expose/target_series.h"
#include "agent/expose/window_metrics.h"
#include "agent/ingest/target_ingester.h"
#include "agent/ingest/target_recorder.h"
#include "agent/net/net_loop.h"
#include "agent/notify/notifier.h"
#include "agent/rule_runner.h"
#include "agent/schedule/scheduler.h"
#include "agent/state/dependencies.h"
#include "agent/status/status_page.h"
#include "agent/store/history_store.h"
#include "agent/store/sample_window.h"
#include "agent/watch/target_set.h"
#include "agent/web/server.h"
#include "alerts/rules/rule_file.h"
#include "vitals/common/duration.h"
#include "vitals/common/log.h"
#include "vitals/common/secret_file.h"

namespace vitals {
namespace {

// Runs at or under this many targets at once; the rest queue for a free slot.
constexpr std::size_t kMaxInFlight = 4096;
// How often the loop measures its own lag and refreshes the self-metrics.
constexpr Duration kHousekeepingPeriod = std::chrono::seconds(1);
// A wall clock that moves this much more (or less) than the steady clock between two
// housekeeping runs was stepped: NTP slews by far less, and a late loop delays both clocks alike.
constexpr Duration kClockJumpLimit = std::chrono::seconds(2);

// Each service's bearer credentials, read here so the network thread never waits on a file.
Result<std::map<std::string, std::string>> read_bearer_tokens(const Config& config) {
  std::map<std::string, std::string> tokens;
  for (const ServiceConfig& service : config.services) {
    if (!service.authorization) continue;
    if (service.authorization->credentials) {
      tokens[service.name] = *service.authorization->credentials;
      continue;
    }
    auto secret = read_secret_file(*service.authorization->credentials_file);
    if (!secret) return tl::unexpected(secret.error());
    tokens[service.name] = *secret;
  }
  return tokens;
}

// The sample window keeps its own SQLite file beside the history: data/vitals.db ->
// data/vitals-window.db. Each file's schema versions itself.
// The window, alert state, silences, the notification log and the outbox keep files of their
// own beside the history: data/vitals.db -> data/vitals-window.db, data/vitals-alerts.db …
std::string sibling_path(const std::string& storage_path, std::string_view part) {
  std::filesystem::path path(storage_path);
  return (path.parent_path() / (path.stem().string() + "-" + std::string(part) + ".db")).string();
}

// Every group of every rule file of the configuration; the first file with errors refuses all.
Result<std::vector<rules::GroupSpec>> load_rule_groups(const Config& config) {
  std::vector<rules::GroupSpec> groups;
  for (const std::string& file : expand_rule_files(config)) {
    auto loaded = rules::load_rule_file(file);
    if (!loaded) return tl::unexpected(loaded.error());
    for (rules::GroupSpec& group : *loaded) groups.push_back(std::move(group));
  }
  return groups;
}

// How people reach the agent: alerts' generator URLs and notifications' externalURL.
std::string external_url(const Config& config) {
  return "http://" + config.web.listen_address;
}

notify::ExternalLabels external_labels_of(const Config& config) {
  return {config.global.external_labels.begin(), config.global.external_labels.end()};
}

rules::RuleManagerOptions rule_options(const Config& config) {
  rules::RuleManagerOptions options;
  options.default_interval_ms = to_ms(config.global.evaluation_interval);
  options.context.external_labels = external_labels_of(config);
  options.context.external_url = external_url(config);
  return options;
}

// Each alert the rule engine hands to the notifier (firing, or resolved), one line each.
void log_due_alerts(const std::string& group, const std::vector<rules::DueAlert>& alerts) {
  for (const rules::DueAlert& due : alerts) {
    std::string name;
    for (const LabelPair& label : due.alert.labels) {
      if (label.name == "alertname") name = label.value;
    }
    log::info("alert due", {{"group", group},
                            {"alertname", name},
                            {"state", std::string(rules::to_string(due.alert.state))}});
  }
}

// How long rules wait for every target's first report after a start: the longest interval
// and timeout of any target, and a second more, at most two minutes.
Duration warmup_limit(const Config& config) {
  Duration longest = config.global.scrape_interval;
  for (const ServiceConfig& s : config.services)
    longest = std::max(longest, s.interval + s.timeout);
  for (const ProbeConfig& p : config.probes) longest = std::max(longest, p.interval + p.timeout);
  return std::min<Duration>(longest + std::chrono::seconds(1), std::chrono::minutes(2));
}

// The status page fetches itself again every scrape interval (nothing changes faster), at least
// every second and at most every minute.
Duration status_refresh(const Config& config) {
  return std::clamp<Duration>(config.global.scrape_interval, std::chrono::seconds(1),
                              std::chrono::minutes(1));
}

enum class Watched { Services, ScrapedServices, Probes };

// The targets of a kind this agent watches: those of its shard, as TargetSet::apply picks.
std::vector<std::string> names_of(const Config& config, Watched kind) {
  std::vector<std::string> names;
  auto add = [&](const std::string& name) {
    if (shard_of(name, config.sharding.total) == config.sharding.index) names.push_back(name);
  };
  if (kind == Watched::Probes) {
    for (const auto& p : config.probes) add(p.name);
    return names;
  }
  for (const auto& s : config.services) {
    if (kind == Watched::Services || s.metrics_url) add(s.name);
  }
  return names;
}

// A file beside the storage while the agent runs, removed by a clean stop: a start that finds
// it knows the previous run died (kill -9, a crash, power loss) with whatever it had not yet
// written, and says so.
std::string run_marker_path(const Config& config) {
  return config.storage.path + ".running";
}

bool previous_run_unclean(const std::string& marker) {
  std::error_code ignored;
  return std::filesystem::exists(marker, ignored);
}

// Left once the Daemon exists, whose stop() removes it: a start that fails before never leaves
// one behind to be mistaken for a crash.
void mark_running(const std::string& marker) {
  std::ofstream(marker) << ::getpid() << "\n";
}

}  // namespace

struct Daemon::Impl {
  DaemonOptions options;
  Config config;           // the running one; guarded by reload_mu
  std::string run_marker;  // run_marker_path() of the storage opened at start
  std::mutex reload_mu;
  std::string admin_token;
  AgentMetrics metrics;
  std::unique_ptr<HistoryStore> history;
  std::unique_ptr<SampleWindow> window;
  // The target series into the window, on the CPU pool.
  std::unique_ptr<TargetRecorder> recorder;
  std::unique_ptr<RecordingQueue> recording;
  // Parses scraped bodies and records snapshots off the network thread; drained before what its
  // tasks write to closes.
  std::unique_ptr<ThreadPool> cpu;
  NetLoop net{real_clock()};
  Scheduler scheduler{net.events(), kMaxInFlight};
  std::unique_ptr<TargetSet> targets;
  std::thread net_thread;
  std::unique_ptr<RuleRunner> rules;
  std::unique_ptr<Notifier> notifier;
  mutable std::mutex dependencies_mu;
  std::shared_ptr<const Dependencies> dependencies;  // guarded by dependencies_mu
  std::unique_ptr<status::StatusPage> status_page;
  std::atomic<bool> status_observing{false};
  std::unique_ptr<WebServer> web;
  std::atomic<bool> ready{false};
  std::atomic<bool> stopped{false};

  Result<Config> load() const;
  void apply_on_loop(const Config& next, std::map<std::string, std::string> tokens);
  void housekeeping(SteadyTime due);
  void watch_wall_clock(SteadyTime now);
  Result<void> start_web(std::function<Result<void>()> reload);
  std::string render_metrics() const;
  std::string self_metrics() const;
  void scrape_self();
  status::StatusInputs status_inputs() const;
  void observe_status();

  std::unique_ptr<TargetIngester> self_ingester;  // on the CPU pool, one scrape at a time
  std::atomic<bool> self_scrape_running{false};
  SteadyTime next_self_scrape{};
  std::atomic<std::int64_t> self_scrape_every_ms{15'000};  // global.scrape_interval
  // Both clocks at the last housekeeping run, on the network thread; see watch_wall_clock.
  std::optional<std::pair<SteadyTime, WallTime>> clocks_seen;
};

Result<Config> Daemon::Impl::load() const {
  auto loaded = load_config(options.config_file);
  if (!loaded) return loaded;
  if (options.listen_address) loaded->web.listen_address = *options.listen_address;
  if (options.storage_path) loaded->storage.path = *options.storage_path;
  return loaded;
}

// Hands the new configuration to the network thread and waits until it is in effect.
void Daemon::Impl::apply_on_loop(const Config& next, std::map<std::string, std::string> tokens) {
  std::promise<void> applied;
  net.events().post([&] {
    targets->apply(next, tokens);
    applied.set_value();
  });
  applied.get_future().wait();
  metrics.set_targets(names_of(next, Watched::Services), names_of(next, Watched::ScrapedServices),
                      names_of(next, Watched::Probes));
}

// Measures how late the loop ran this timer, refreshes the self-metrics, and re-arms.
void Daemon::Impl::housekeeping(SteadyTime due) {
  const SteadyTime now = net.events().clock().now();
  metrics.set_loop_lag(std::chrono::duration<double>(now - due).count());
  watch_wall_clock(now);
  metrics.set_scheduler(scheduler.stats(), scheduler.take_worst_lateness());
  if (history) metrics.set_history(history->metrics());
  if (rules) rules->observe(*targets->snapshot());
  if (notifier) notifier->refresh();  // dependencies may have gone down or come back
  observe_status();
  if (now >= next_self_scrape) {
    next_self_scrape = now + std::chrono::milliseconds(self_scrape_every_ms.load());
    scrape_self();
  }
  // Unchanged targets are rewritten every minute; see TargetRecorder.
  if (recording) recording->offer(targets->snapshot());
  // Large responses (a /metrics body of 10 MB at 10k probes) leave freed memory in glibc's
  // per-thread arenas; hand it back to the system.
  malloc_trim(0);
  const SteadyTime next = now + kHousekeepingPeriod;
  net.events().add_timer(next, [this, next] { housekeeping(next); });
}

// Says when the wall clock was stepped: the scheduler runs on the steady clock and is not
// affected, but timestamps, the window (a backward step makes the next samples out of order) and
// history are, so an operator reading them needs to know. Once per housekeeping run.
void Daemon::Impl::watch_wall_clock(SteadyTime now) {
  const WallTime wall = net.events().clock().wall_now();
  if (clocks_seen) {
    const Duration drift = std::chrono::round<std::chrono::milliseconds>(
        (wall - clocks_seen->second) - (now - clocks_seen->first));
    if (drift > kClockJumpLimit || drift < -kClockJumpLimit) {
      const bool back = drift < Duration::zero();
      metrics.clock_jumped();
      log::warn("the wall clock jumped",
                {{"by", (back ? "-" : "+") + format_duration(back ? -drift : drift)}});
    }
  }
  clocks_seen = {now, wall};
}

// SPEC's target series, the window's own, then the self- and process metrics.
std::string Daemon::Impl::render_metrics() const {
  Exposition out;
  write_target_series(out, *targets->snapshot());
  return out.text() + self_metrics();
}

// The agent's own series: the window's, the rules', the self- and process metrics.
std::string Daemon::Impl::self_metrics() const {
  Exposition out;
  if (window) write_window_metrics(out, window->metrics());
  if (rules) write_rule_metrics(out, rules->status());
  if (notifier) write_notify_metrics(out, notifier->outbox_stats(), notifier->push_stats());
  return out.text() + metrics.render();
}

// The agent scrapes itself into the window each scrape interval, as Prometheus does, so rules
// can watch the agent (its target series are recorded as they change instead). On the CPU pool;
// a scrape still running skips the next.
void Daemon::Impl::scrape_self() {
  if (!self_ingester || self_scrape_running.exchange(true)) return;
  cpu->submit([this] {
    const auto started = std::chrono::steady_clock::now();
    const std::string text = self_metrics();
    const std::int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                    real_clock().wall_now().time_since_epoch())
                                    .count();
    self_ingester->ingest(text, ExpositionFormat::PrometheusText, now_ms,
                          std::chrono::steady_clock::now() - started);
    self_scrape_running = false;
  });
}

status::StatusInputs Daemon::Impl::status_inputs() const {
  return {
      .now = real_clock().wall_now(), .snapshot = targets->snapshot(), .rules = rules->status()};
}

// The status page follows the components' states (incidents, uptime) once a housekeeping period,
// on the CPU pool: it writes to SQLite. One observation at a time; a slow one skips the next.
void Daemon::Impl::observe_status() {
  // Not before the rules run: until then no alert is known to fire, so a component that follows
  // alerts would look operational after a restart, and its open incident would be closed and
  // opened again as a new one once the rules restore their alerts.
  if (!status_page || !rules || !rules->started() || status_observing.exchange(true)) return;
  cpu->submit([this] {
    if (auto observed = status_page->observe(status_inputs()); !observed) {
      log::warn("status page: could not record the components' states",
                {{"reason", to_string(observed.error())}});
    }
    status_observing = false;
  });
}

Result<void> Daemon::Impl::start_web(std::function<Result<void>()> reload) {
  WebHandlers handlers;
  handlers.snapshot = [this] { return targets->snapshot(); };
  handlers.render_metrics = [this] { return render_metrics(); };
  handlers.reload = std::move(reload);
  handlers.ready = [this] { return ready.load(); };
  handlers.history = history.get();
  handlers.window = window.get();
  handlers.external_labels = [this] {
    std::lock_guard<std::mutex> lock(reload_mu);
    return external_labels_of(config);
  };
  handlers.rules = [this] { return rules->status(); };
  handlers.notifier = notifier.get();
  handlers.status = [this] { return status_page->render(status_inputs()); };
  auto server = WebServer::start({.listen_address = config.web.listen_address,
                                  .admin_token = admin_token,
                                  .api_requests_per_second = config.web.api_requests_per_second,
                                  .api_burst = config.web.api_burst},
                                 handlers);
  if (!server) return tl::unexpected(server.error());
  web = std::move(*server);
  return {};
}

Result<std::unique_ptr<Daemon>> Daemon::start(DaemonOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  auto config = impl->load();
  if (!config) return tl::unexpected(config.error());
  impl->config = std::move(*config);
  auto tokens = read_bearer_tokens(impl->config);
  if (!tokens) return tl::unexpected(tokens.error());
  if (impl->config.web.admin_token_file) {
    auto token = read_secret_file(*impl->config.web.admin_token_file);
    if (!token) return tl::unexpected(token.error());
    impl->admin_token = std::move(*token);
  }

  auto groups = load_rule_groups(impl->config);
  if (!groups) return tl::unexpected(groups.error());

  // Refuse an address we may not serve before creating files or threads.
  auto listen = WebServer::check_listen(
      {.listen_address = impl->config.web.listen_address, .admin_token = impl->admin_token});
  if (!listen) return tl::unexpected(listen.error());

  const std::filesystem::path storage(impl->config.storage.path);
  if (storage.has_parent_path()) {
    std::error_code ignored;  // open() below says clearly what is wrong with the path
    std::filesystem::create_directories(storage.parent_path(), ignored);
  }
  impl->run_marker = run_marker_path(impl->config);
  const bool unclean = previous_run_unclean(impl->run_marker);
  impl->metrics.set_previous_run_unclean(unclean);
  if (unclean) {
    log::warn(
        "the previous run did not stop cleanly (killed or crashed): what it had not written is "
        "lost, undelivered notifications are sent now",
        {{"marker", impl->run_marker}});
  }
  auto history =
      HistoryStore::open(impl->config.storage.path, real_clock(), impl->config.storage.retention);
  if (!history) return tl::unexpected(history.error());
  impl->history = std::move(*history);
  auto window = SampleWindow::open(sibling_path(impl->config.storage.path, "window"), real_clock(),
                                   {.retention = impl->config.storage.window_retention});
  if (!window) return tl::unexpected(window.error());
  impl->window = std::move(*window);
  impl->self_ingester = std::make_unique<TargetIngester>(
      *impl->window,
      LabelPairs{{"instance", impl->config.web.listen_address}, {"service", "vitals-agent"}},
      /*sample_limit=*/0);
  impl->self_scrape_every_ms = to_ms(impl->config.global.scrape_interval);
  impl->dependencies = dependencies_of(impl->config);
  Impl* raw = impl.get();
  auto notifier =
      Notifier::start(impl->net, impl->config.alerting, external_url(impl->config),
                      {.silences = sibling_path(impl->config.storage.path, "silences"),
                       .log = sibling_path(impl->config.storage.path, "notify"),
                       .outbox = sibling_path(impl->config.storage.path, "outbox")},
                      [raw](const LabelPairs& labels) -> std::optional<std::string> {
                        if (!raw->targets) return std::nullopt;
                        std::shared_ptr<const Dependencies> dependencies;
                        {
                          std::lock_guard<std::mutex> lock(raw->dependencies_mu);
                          dependencies = raw->dependencies;
                        }
                        return suppression_reason(*raw->targets->snapshot(), *dependencies, labels,
                                                  real_clock().wall_now());
                      });
  if (!notifier) return tl::unexpected(notifier.error());
  impl->notifier = std::move(*notifier);
  impl->notifier->set_external_labels(external_labels_of(impl->config));
  auto rules = RuleRunner::start(
      *impl->window, sibling_path(impl->config.storage.path, "alerts"),
      [raw](const std::string& group, std::vector<rules::DueAlert> alerts) {
        log_due_alerts(group, alerts);
        raw->notifier->alerts_due(std::move(alerts));
      },
      warmup_limit(impl->config));
  if (!rules) return tl::unexpected(rules.error());
  impl->rules = std::move(*rules);
  auto status_page = status::StatusPage::open(
      sibling_path(impl->config.storage.path, "status"), impl->history.get(),
      [raw](const LabelPairs& labels) { return raw->notifier->fingerprint_of(labels); });
  if (!status_page) return tl::unexpected(status_page.error());
  impl->status_page = std::move(*status_page);
  if (auto configured =
          impl->status_page->configure(impl->config.status_page, status_refresh(impl->config));
      !configured) {
    return tl::unexpected(configured.error());
  }
  impl->cpu = std::make_unique<ThreadPool>(1, 2);
  impl->recorder = std::make_unique<TargetRecorder>(*impl->window);
  impl->recording = std::make_unique<RecordingQueue>(
      *impl->recorder, *impl->cpu, real_clock(),
      [raw, names = std::make_shared<const std::vector<std::string>>(target_family_names())] {
        raw->rules->data_landed(names);
      });

  impl->targets = std::make_unique<TargetSet>(
      impl->net, impl->scheduler, impl->history.get(),
      RunObserver{
          .scrape_finished =
              [raw](const std::string& s, bool ok, Duration took) {
                raw->metrics.scrape_finished(s, ok, std::chrono::duration<double>(took).count());
              },
          .probe_finished =
              [raw](const std::string& p, bool ok, Duration took) {
                raw->metrics.probe_finished(p, ok, std::chrono::duration<double>(took).count());
              },
          .metrics_scraped =
              [raw](const std::string& service, const IngestOutcome& outcome) {
                raw->metrics.metrics_scrape_finished(service, outcome.up);
                raw->rules->data_landed(outcome.metric_names);
                if (!log::enabled(log::Level::Debug)) return;
                log::debug("metrics scraped",
                           {{"service", service},
                            {"up", outcome.up ? "1" : "0"},
                            {"samples", std::to_string(outcome.samples)},
                            {"rejected", std::to_string(outcome.rejected)},
                            {"error", outcome.error}},
                           log::OmitEmpty::Yes);
              },
          .published =
              [raw](std::shared_ptr<const AgentSnapshot> snapshot) {
                raw->recording->offer(std::move(snapshot));
              }},
      impl->window.get(), impl->cpu.get());
  impl->net_thread = std::thread([raw] { raw->net.run(); });
  impl->apply_on_loop(impl->config, std::move(*tokens));
  impl->rules->apply(std::move(*groups), rule_options(impl->config));
  impl->metrics.config_reloaded(true, real_clock().wall_now());
  raw->net.events().post([raw] { raw->housekeeping(raw->net.events().clock().now()); });

  std::unique_ptr<Daemon> daemon(new Daemon(std::move(impl)));
  mark_running(raw->run_marker);
  auto web = raw->start_web([d = daemon.get()] { return d->reload(); });
  if (!web) return tl::unexpected(web.error());  // ~Daemon stops the rest
  raw->ready = true;
  // The web server is up: a POST /-/reload may be replacing the configuration already.
  std::lock_guard<std::mutex> lock(raw->reload_mu);
  log::info("vitals-agent started", {{"config", raw->options.config_file},
                                     {"listen_address", raw->config.web.listen_address},
                                     {"storage", raw->config.storage.path},
                                     {"services", std::to_string(raw->config.services.size())},
                                     {"probes", std::to_string(raw->config.probes.size())}});
  return daemon;
}

Daemon::Daemon(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Daemon::~Daemon() {
  stop();
}

Result<void> Daemon::reload() {
  std::lock_guard<std::mutex> lock(impl_->reload_mu);
  auto refuse = [&](const Error& error) -> Result<void> {
    impl_->metrics.config_reloaded(false, real_clock().wall_now());
    log::error("configuration reload refused; the running configuration stays",
               {{"file", impl_->options.config_file}, {"reason", to_string(error)}});
    return tl::unexpected(error);
  };
  auto next = impl_->load();
  if (!next) return refuse(next.error());
  auto tokens = read_bearer_tokens(*next);
  if (!tokens) return refuse(tokens.error());
  auto groups = load_rule_groups(*next);
  if (!groups) return refuse(groups.error());
  const Config& running = impl_->config;
  if (next->web.listen_address != running.web.listen_address ||
      next->storage.path != running.storage.path ||
      next->storage.window_retention != running.storage.window_retention ||
      next->web.admin_token_file != running.web.admin_token_file ||
      next->web.api_requests_per_second != running.web.api_requests_per_second ||
      next->web.api_burst != running.web.api_burst) {
    log::warn(
        "listen address, storage path, window retention, admin token and API rate limit change "
        "only on restart");
    next->web = running.web;
    next->storage = running.storage;
  }
  impl_->apply_on_loop(*next, std::move(*tokens));
  impl_->rules->apply(std::move(*groups), rule_options(*next));
  impl_->notifier->set_external_labels(external_labels_of(*next));
  if (auto applied = impl_->notifier->apply(next->alerting); !applied) {
    log::error("the notifier kept its previous alerting configuration",
               {{"reason", to_string(applied.error())}});
  }
  {
    std::lock_guard<std::mutex> lock(impl_->dependencies_mu);
    impl_->dependencies = dependencies_of(*next);
  }
  if (auto configured = impl_->status_page->configure(next->status_page, status_refresh(*next));
      !configured) {
    log::error("the status page kept its previous components",
               {{"reason", to_string(configured.error())}});
  }
  impl_->self_scrape_every_ms = to_ms(next->global.scrape_interval);
  impl_->config = std::move(*next);
  impl_->metrics.config_reloaded(true, real_clock().wall_now());
  log::info("configuration reloaded", {{"file", impl_->options.config_file}});
  return {};
}

void Daemon::stop() {
  if (impl_->stopped.exchange(true)) return;
  impl_->ready = false;
  if (impl_->web) impl_->web->stop();
  if (impl_->net_thread.joinable()) {
    std::promise<void> cleared;
    impl_->net.events().post([&] {
      impl_->targets->clear();
      if (impl_->notifier) impl_->notifier->stop_delivery();
      cleared.set_value();
    });
    cleared.get_future().wait();
    impl_->net.stop();
    impl_->net_thread.join();
  }
  // Stopped, not destroyed: the CPU pool's recording tasks still tell it of landed samples.
  if (impl_->rules) impl_->rules->stop();
  if (impl_->notifier) impl_->notifier->stop();  // after the rules: nothing more arrives
  impl_->targets.reset();
  if (impl_->cpu && !impl_->cpu->drain(std::chrono::seconds(10))) {
    // A task still writes to the window: leave it open (the process is ending) rather than
    // close it under the task.
    log::error("ingest still running 10s into shutdown; the window's open chunks are not saved");
    (void)impl_->cpu.release();
    (void)impl_->recording.release();
    (void)impl_->recorder.release();
    (void)impl_->rules.release();
    (void)impl_->notifier.release();
    (void)impl_->window.release();
  }
  // Destroyed (its outbox written) only now: the self-scrape on the CPU pool reads its stats.
  impl_->notifier.reset();
  // The CPU pool is drained: no observation is running.
  if (impl_->status_page) {
    if (auto flushed = impl_->status_page->flush(); !flushed) {
      log::error("status page flush failed at shutdown", {{"reason", to_string(flushed.error())}});
    }
  }
  impl_->rules.reset();
  impl_->cpu.reset();
  impl_->recording.reset();
  impl_->recorder.reset();
  impl_->window.reset();
  if (impl_->history) {
    if (auto flushed = impl_->history->flush(); !flushed) {
      log::error("history flush failed at shutdown", {{"reason", to_string(flushed.error())}});
    }
  }
  std::error_code ignored;
  std::filesystem::remove(impl_->run_marker, ignored);
  log::info("vitals-agent stopped");
}

int Daemon::web_port() const {
  return impl_->web ? impl_->web->port() : 0;
}

std::shared_ptr<const AgentSnapshot> Daemon::snapshot() const {
  return impl_->targets->snapshot();
}

std::string Daemon::render_metrics() const {
  return impl_->render_metrics();
}

}  // namespace vitals
