// The kill -9 fault (docs/faults.md, "kill -9 under load"): the real agent under load (three
// scrape targets, a few hundred probes, alert rules every second, a slow webhook receiver, API
// readers and the status page) is killed twenty times on one storage path, at deterministic but
// varied moments, while the test turns alerts on and off: some while the agent is down, some
// just before a kill. After each kill every SQLite file of the agent must pass integrity_check;
// after a last clean start every firing episode must have paged exactly once, every ended one
// resolved once, each alert kept its activeAt across the restarts, and the outbox drained.
//
// What the counts mean:
// - An *episode* is one span the test held an alert's condition true (turned on … turned off,
//   or on until the end). Between two turns of the same alert the plan waits, in a later run,
//   until /api/v1/alerts shows the new state from an evaluation made after the turn, so the
//   agent saw every episode and every gap between two: one episode is one firing spell, one
//   activeAt.
// - A *page* of an episode is a webhook request carrying that alert as firing with a startsAt
//   inside the episode (from its start, less a scrape's slack, to its end plus a scrape and an
//   evaluation); a *resolution* the same with the alert resolved.
// - *Lost*: an episode without a page (or, ended, without a resolution) once the last run has
//   delivered everything it holds.
// - *Duplicated*: an episode paged (or resolved) under more than one distinct Idempotency-Key,
//   each extra key being a second page on-call would see. The same key arriving again is a
//   *redelivery*: the outbox is at-least-once across a kill, and a receiver drops it by key;
//   counted, not a failure.
#include <signal.h>
#include <sqlite3.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "tests/faults/fault_support.h"
#include "tests/integration/webhook_receiver.h"
#include "tests/support/loopback_http_server.h"
#include "tests/support/recording_server.h"

namespace vitals::testing {
namespace {

using nlohmann::json;

constexpr int kRounds = 20;
constexpr int kTcpProbes = 200;
constexpr int kHttpProbes = 100;
// Every webhook answer takes this long, so kills land while notifications are in flight.
constexpr auto kReceiverDelay = 300ms;
// How long the last run may take to deliver what the kills left behind.
constexpr auto kDeliveryTimeout = 40s;
// A checkpoint waits this long for the agent to show the test's alerts.
constexpr auto kCheckpointTimeout = 20s;

constexpr std::array<const char*, 3> kFlipAlerts = {"FlipA", "FlipB", "FlipC"};
constexpr const char* kSteady = "Steady";  // firing from before the first start to the end

// Each round's run: from serving (or from its checkpoint) to the kill, 0.3 s … 3 s. Rounds 7
// and 15 are killed that long after the spawn instead, without waiting for the agent to serve.
constexpr std::array<int, kRounds> kRunMs = {1200, 300,  2000, 700,  2600, 1500, 450,
                                             250,  1800, 350,  2400, 1100, 600,  3000,
                                             1300, 150,  2200, 1700, 800,  2800};
bool killed_before_serving(int round) {
  return round == 7 || round == 15;
}
// Even rounds wait until /api/v1/alerts shows the test's truth before their run starts.
bool has_checkpoint(int round) {
  return round % 2 == 0;
}
// How long before its kill a round turns its alert (less than its run).
int turn_before_kill_ms(int round) {
  return std::min(150 + round * 137 % 500, kRunMs[round] / 2);
}

// When a turn happens: while the agent is down before the round's start, or shortly before its
// kill. Each turn of an alert comes after a checkpoint that showed the previous one.
enum class When { Down, BeforeKill };
struct Turn {
  int round;
  When when;
  int alert;  // index into kFlipAlerts
};
constexpr std::array kPlan = {
    Turn{0, When::Down, 0},        Turn{0, When::BeforeKill, 1},  Turn{1, When::Down, 2},
    Turn{2, When::BeforeKill, 0},  Turn{3, When::Down, 1},        Turn{4, When::BeforeKill, 2},
    Turn{5, When::BeforeKill, 0},  Turn{6, When::Down, 1},        Turn{7, When::Down, 2},
    Turn{8, When::BeforeKill, 1},  Turn{9, When::Down, 0},        Turn{10, When::BeforeKill, 0},
    Turn{11, When::BeforeKill, 2}, Turn{12, When::Down, 1},       Turn{13, When::Down, 2},
    Turn{14, When::BeforeKill, 0}, Turn{15, When::Down, 1},       Turn{16, When::BeforeKill, 2},
    Turn{17, When::BeforeKill, 1}, Turn{18, When::BeforeKill, 0}, Turn{19, When::Down, 2},
    Turn{19, When::BeforeKill, 1},
};

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Unix milliseconds of an RFC 3339 UTC time ("2026-01-02T03:04:05.678Z"); -1 when malformed.
std::int64_t parse_time_ms(const std::string& text) {
  std::tm utc{};
  int millis = 0;
  const char* rest = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &utc);
  if (rest == nullptr) return -1;
  if (*rest == '.') {
    int scale = 100;
    for (++rest; *rest >= '0' && *rest <= '9'; ++rest, scale /= 10) millis += (*rest - '0') * scale;
  }
  return static_cast<std::int64_t>(timegm(&utc)) * 1000 + millis;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

double largest(const std::vector<double>& values) {
  return values.empty() ? 0 : *std::max_element(values.begin(), values.end());
}

// The scrape target whose values make the alerts fire: flip_0…2 as the test turns them,
// `steady 1`, and a counter that goes up by one with every scrape.
class World {
 public:
  World()
      : server_([this](httplib::Server& s) {
          s.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
            std::string body = "steady 1\n";
            for (std::size_t i = 0; i < on.size(); ++i) {
              body += "flip_" + std::to_string(i) + (on[i] ? " 1\n" : " 0\n");
            }
            body += "world_scrapes_total " + std::to_string(++scrapes) + "\n";
            res.set_content(body, "text/plain; version=0.0.4");
          });
        }) {}
  std::string url(std::string_view path) const { return server_.url(path); }

  std::array<std::atomic<bool>, kFlipAlerts.size()> on{};
  std::atomic<long> scrapes{0};

 private:
  LoopbackHttpServer server_;
};

// A webhook receiver that answers 200 after kReceiverDelay and remembers when each request
// (by Idempotency-Key) arrived.
class SlowReceiver {
 public:
  std::string url() const { return server.url("/hook"); }
  std::vector<std::pair<std::string, SteadyTime>> arrivals() const {
    std::lock_guard lock(mu_);
    return arrivals_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::pair<std::string, SteadyTime>> arrivals_;

 public:
  RecordingServer server{0, [this](const RecordedRequest& request, std::size_t) {
                           {
                             std::lock_guard lock(mu_);
                             arrivals_.emplace_back(request.idempotency_key,
                                                    std::chrono::steady_clock::now());
                           }
                           std::this_thread::sleep_for(kReceiverDelay);
                           return 200;
                         }};
};

// Asks /api/v1/query and /api/v1/status ten times a second, through the kills (a refused
// connection while the agent is down is expected), counting the answers.
class ApiReader {
 public:
  explicit ApiReader(int port)
      : thread_([this, port](std::stop_token stop) {
          for (int i = 0; !stop.stop_requested(); ++i) {
            auto reply = http_get(port, i % 2 == 0 ? "/api/v1/query?query=up" : "/api/v1/status");
            if (reply && reply->status == 200) ++answered;
            if (reply && reply->status == 429) ++limited;
            std::this_thread::sleep_for(100ms);
          }
        }) {}
  std::atomic<int> answered{0};
  std::atomic<int> limited{0};

 private:
  std::jthread thread_;  // last: starts once the counters exist
};

std::string config_for(const TempDir& dir, const World& world, const LoopbackHttpServer& pinged,
                       const std::vector<ExampleService>& shops, const std::string& hook) {
  dir.write_file("rules.yml",
                 "groups:\n  - name: crash\n    rules:\n"
                 "      - {alert: FlipA, expr: flip_0 == 1}\n"
                 "      - {alert: FlipB, expr: flip_1 == 1}\n"
                 "      - {alert: FlipC, expr: flip_2 == 1}\n"
                 "      - {alert: Steady, expr: steady == 1}\n");
  std::string yaml =
      "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
      "services:\n  - {name: world, metrics_url: '" +
      world.url("/metrics") + "'}\n";
  for (std::size_t i = 0; i < shops.size(); ++i) {
    yaml += "  - {name: shop-" + std::to_string(i) + ", health_url: '" + shops[i].url("/health") +
            "', metrics_url: '" + shops[i].url("/metrics") + "'}\n";
  }
  yaml += "probes:\n";
  for (int i = 0; i < kTcpProbes; ++i) {
    yaml += "  - {name: tcp-" + std::to_string(i) +
            ", tcp: {address: '127.0.0.1:" + std::to_string(pinged.port()) + "'}}\n";
  }
  for (int i = 0; i < kHttpProbes; ++i) {
    yaml +=
        "  - {name: http-" + std::to_string(i) + ", http: {url: '" + pinged.url("/ping") + "'}}\n";
  }
  yaml +=
      "rule_files: [rules.yml]\n"
      "alerting:\n"
      "  route: {receiver: oncall, group_by: [alertname], group_wait: 1s, group_interval: 1s,\n"
      "          repeat_interval: 1h}\n"
      "  receivers:\n"
      "    - {name: oncall, webhook_configs: [{url: '" +
      hook +
      "'}]}\n"
      "status_page:\n"
      "  title: Crash test\n"
      "  components:\n"
      "    - {name: Flips, services: [world], alert_matchers: ['alertname=~\"Flip.*\"']}\n"
      "    - {name: Shops, services: [shop-0, shop-1], probes: [tcp-0, http-0]}\n";
  return dir.write_file("vitals.yml", yaml);
}

// Sleeps `duration`, reading what the agent logs meanwhile so it never blocks on the pipe.
void sleep_draining(Process& process, Duration duration) {
  const SteadyTime until = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < until) {
    drain_output(process);
    std::this_thread::sleep_for(std::min<Duration>(50ms, until - std::chrono::steady_clock::now()));
  }
}

// The agent's SQLite files (vitals.db and its -window, -alerts, -notify, -outbox, -silences,
// -status siblings), whatever it made.
std::vector<std::string> sqlite_files(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".db") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The dedup keys of the outbox's pending rows, read from the file of a stopped agent.
std::set<std::string> pending_keys(const std::string& outbox) {
  std::set<std::string> keys;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(outbox.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* select = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT dedup_key FROM notification WHERE state = 'pending'", -1,
                           &select, nullptr) == SQLITE_OK) {
      while (sqlite3_step(select) == SQLITE_ROW) {
        keys.insert(reinterpret_cast<const char*>(sqlite3_column_text(select, 0)));
      }
    }
    sqlite3_finalize(select);
  }
  sqlite3_close(db);
  return keys;
}

struct Episode {
  std::string alert{};
  std::int64_t on_ms{0};
  std::int64_t off_ms{0};                    // 0: still on at the end
  int on_round{-1}, off_round{-1};           // for failure messages
  std::set<std::int64_t> active_at{};        // the activeAt each checkpoint showed
  std::set<std::string> firing_keys{};       // pages
  std::set<std::string> resolved_keys{};     // resolutions
  std::set<std::int64_t> paged_starts_at{};  // the startsAt the pages carried
};

// The test's side of the story: which alerts it turned on and off, and when.
class Truth {
 public:
  explicit Truth(World& world) : world_(world) {
    episodes_.push_back({.alert = kSteady, .on_ms = wall_ms()});
  }
  void turn(int alert, int round) {
    const bool on = !world_.on[alert];
    if (on) {
      episodes_.push_back({.alert = kFlipAlerts[alert], .on_ms = wall_ms(), .on_round = round});
    }
    world_.on[alert] = on;
    if (!on) {
      Episode* ended = current(kFlipAlerts[alert]);
      ended->off_ms = wall_ms();
      ended->off_round = round;
    }
    last_turn_ms_ = wall_ms();
  }
  bool firing(const std::string& alert) const {
    for (std::size_t i = 0; i < kFlipAlerts.size(); ++i) {
      if (alert == kFlipAlerts[i]) return world_.on[i];
    }
    return alert == kSteady;
  }
  std::int64_t last_turn_ms() const { return last_turn_ms_; }
  // The episode of `alert` going on now; null when it is off.
  Episode* current(const std::string& alert) {
    for (auto it = episodes_.rbegin(); it != episodes_.rend(); ++it) {
      if (it->alert == alert) return it->off_ms == 0 ? &*it : nullptr;
    }
    return nullptr;
  }
  // The episode of `alert` that `starts_at_ms` falls in; null when none.
  Episode* episode_at(const std::string& alert, std::int64_t starts_at_ms) {
    Episode* found = nullptr;
    for (Episode& episode : episodes_) {
      if (episode.alert == alert && episode.on_ms - 1000 <= starts_at_ms) found = &episode;
    }
    if (found && found->off_ms != 0 && starts_at_ms > found->off_ms + 5000) return nullptr;
    return found;
  }
  std::vector<Episode>& episodes() { return episodes_; }

 private:
  World& world_;
  std::vector<Episode> episodes_;
  std::int64_t last_turn_ms_ = 0;
};

void apply_turns(Truth& truth, int round, When when) {
  for (const Turn& turn : kPlan) {
    if (turn.round == round && turn.when == when) truth.turn(turn.alert, round);
  }
}

// Whether /api/v1/alerts shows exactly the test's truth: each alert firing once while on, absent
// while off.
bool shows_truth(const json& alerts, const Truth& truth) {
  std::map<std::string, int> firing;
  for (const json& alert : alerts["alerts"]) {
    if (alert.value("state", "") != "firing") return false;
    ++firing[alert["labels"].value("alertname", "")];
  }
  std::map<std::string, int> expected{{kSteady, 1}};
  for (const char* name : kFlipAlerts) {
    if (truth.firing(name)) expected[name] = 1;
  }
  return firing == expected;
}

// Waits until /api/v1/alerts shows the truth from an evaluation made at least 1.5 s (a scrape
// interval and its slack) after the last turn, then notes each firing alert's activeAt in its
// episode.
void checkpoint(Agent& agent, Truth& truth) {
  const SteadyTime deadline = std::chrono::steady_clock::now() + kCheckpointTimeout;
  json alerts;
  for (;;) {
    drain_output(agent.process);
    json groups = get_data(agent.port, "/api/v1/rules")["groups"];
    const std::int64_t evaluated =
        groups.empty() ? -1 : parse_time_ms(groups[0].value("lastEvaluation", ""));
    alerts = get_data(agent.port, "/api/v1/alerts");
    if (evaluated >= truth.last_turn_ms() + 1500 && shows_truth(alerts, truth)) break;
    REQUIRE_MESSAGE(std::chrono::steady_clock::now() < deadline,
                    "the agent never showed the test's alerts: " << alerts.dump() << agent.said());
    std::this_thread::sleep_for(100ms);
  }
  for (const json& alert : alerts["alerts"]) {
    Episode* episode = truth.current(alert["labels"].value("alertname", ""));
    REQUIRE(episode != nullptr);
    episode->active_at.insert(parse_time_ms(alert.value("activeAt", "")));
  }
}

// Files every request the receiver got under its episode; returns how many carried an alert
// that fits no episode.
int file_requests(Truth& truth, const std::vector<RecordedRequest>& requests) {
  for (Episode& episode : truth.episodes()) {
    episode.firing_keys.clear();
    episode.resolved_keys.clear();
    episode.paged_starts_at.clear();
  }
  int strays = 0;
  for (const RecordedRequest& request : requests) {
    const json body = body_of(request);
    for (const json& alert : body["alerts"]) {
      const std::int64_t starts_at = parse_time_ms(alert.value("startsAt", ""));
      Episode* episode = truth.episode_at(alert["labels"].value("alertname", ""), starts_at);
      if (episode == nullptr) {
        ++strays;
      } else if (alert.value("status", "") == "firing") {
        episode->firing_keys.insert(request.idempotency_key);
        episode->paged_starts_at.insert(starts_at);
      } else {
        episode->resolved_keys.insert(request.idempotency_key);
      }
    }
  }
  return strays;
}

// Each episode, for a failing check's message.
std::string describe(const std::vector<Episode>& episodes) {
  std::string text;
  for (const Episode& e : episodes) {
    text += "\n  " + e.alert + " on " + std::to_string(e.on_ms) + " (round " +
            std::to_string(e.on_round) + ") off " + std::to_string(e.off_ms) + " (round " +
            std::to_string(e.off_round) + "): " + std::to_string(e.firing_keys.size()) +
            " page keys, " + std::to_string(e.resolved_keys.size()) + " resolution keys, activeAt";
    for (std::int64_t at : e.active_at) text += " " + std::to_string(at);
  }
  return text;
}

struct Tally {
  int episodes = 0, ended = 0;
  int lost = 0, duplicated = 0, resolutions_lost = 0, resolutions_duplicated = 0;
};

Tally tally(Truth& truth) {
  Tally t;
  for (const Episode& episode : truth.episodes()) {
    ++t.episodes;
    t.lost += episode.firing_keys.empty() ? 1 : 0;
    t.duplicated += std::max<int>(0, static_cast<int>(episode.firing_keys.size()) - 1);
    if (episode.off_ms == 0) continue;
    ++t.ended;
    t.resolutions_lost += episode.resolved_keys.empty() ? 1 : 0;
    t.resolutions_duplicated +=
        std::max<int>(0, static_cast<int>(episode.resolved_keys.size()) - 1);
  }
  return t;
}

bool outbox_drained(int port) {
  auto depth = sample_value(get_metrics(port), "vitals_outbox_depth");
  if (depth.value_or(1) != 0) return false;
  for (const json& row : get_data(port, "/api/v1/notifications?limit=10000")) {
    if (row.value("state", "") == "pending") return false;
  }
  return true;
}

// The agent's "alert due" lines (what the rule engine handed the notifier), for a failing
// check's message.
void keep_due_lines(const Process& process, const std::string& run, std::string& kept) {
  for (const std::string& line : process.output()) {
    if (line.find("msg=\"alert due\"") != std::string::npos) kept += "\n  " + run + ": " + line;
  }
}

// What one kill left: when, and the outbox rows still pending in the file.
struct Kill {
  SteadyTime at;
  std::set<std::string> pending;
};

// Seconds from each restart to the first arrival of a row pending at the kill before it.
std::vector<double> pending_delivery_seconds(const std::vector<Kill>& kills,
                                             const std::vector<SteadyTime>& spawns,
                                             const SlowReceiver& hook) {
  std::vector<double> seconds;
  const auto arrivals = hook.arrivals();
  for (std::size_t k = 0; k < kills.size() && k + 1 < spawns.size(); ++k) {
    if (kills[k].pending.empty()) continue;
    for (const auto& [key, at] : arrivals) {
      if (at > spawns[k + 1] && kills[k].pending.contains(key)) {
        seconds.push_back(std::chrono::duration<double>(at - spawns[k + 1]).count());
        break;
      }
    }
  }
  return seconds;
}

// How many of the counter's values the agent still holds, of those it was served.
std::string window_samples_lost(int port, long served) {
  json result = get_data(port, "/api/v1/query?query=world_scrapes_total%5B30m%5D")["result"];
  std::set<std::string> values;
  for (const json& series : result) {
    for (const json& point : series["values"]) values.insert(point[1].get<std::string>());
  }
  return std::to_string(served - static_cast<long>(values.size())) + " of " +
         std::to_string(served) + " window samples of a 1 s counter";
}

TEST_CASE("kill -9 under load, twenty times, loses and duplicates no firing alert") {
  World world;
  LoopbackHttpServer pinged([](httplib::Server& s) {
    s.Get("/ping", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("pong", "text/plain");
    });
  });
  std::vector<ExampleService> shops;
  shops.push_back(start_example({}));
  shops.push_back(start_example({"--degrade"}));
  SlowReceiver hook;
  TempDir dir;
  const std::string config = config_for(dir, world, pinged, shops, hook.url());
  const std::string storage = dir.file("data/vitals.db");
  std::filesystem::create_directories(dir.file("data"));
  const int port = unused_port();
  const std::string listen = "127.0.0.1:" + std::to_string(port);
  const SteadyTime test_started = std::chrono::steady_clock::now();

  Truth truth(world);
  ApiReader reader(port);
  bool survived = true;
  std::vector<double> serving_seconds;
  std::vector<SteadyTime> spawns;
  std::vector<Kill> kills;
  int watched = 0, watch_failures = 0, integrity_checks = 0;
  std::string due_lines;
  for (int round = 0; round < kRounds; ++round) {
    CAPTURE(round);
    apply_turns(truth, round, When::Down);
    spawns.push_back(std::chrono::steady_clock::now());
    ExitStatus killed;
    if (killed_before_serving(round)) {
      Process process = spawn_with_stderr(
          VITALS_AGENT_BIN, {"--config.file=" + config, "--web.listen-address=" + listen,
                             "--storage.path=" + storage});
      sleep_draining(process, std::chrono::milliseconds(kRunMs[round]));
      killed = process.kill();
      keep_due_lines(process, "round " + std::to_string(round), due_lines);
    } else {
      Agent agent = start_agent(config, storage, listen);
      serving_seconds.push_back(seconds_since(spawns.back()));
      ServingWatch watch(agent.port);
      if (has_checkpoint(round)) checkpoint(agent, truth);
      const int before = turn_before_kill_ms(round);
      sleep_draining(agent.process, std::chrono::milliseconds(kRunMs[round] - before));
      apply_turns(truth, round, When::BeforeKill);
      sleep_draining(agent.process, std::chrono::milliseconds(before));
      watch.stop();
      watched += watch.requests();
      watch_failures += watch.failures();
      CHECK_MESSAGE(watch.failures() == 0, watch.first_failure());
      killed = agent.process.kill();
      keep_due_lines(agent.process, "round " + std::to_string(round), due_lines);
    }
    kills.push_back({std::chrono::steady_clock::now(), {}});
    due_lines += "\n  round " + std::to_string(round) + " killed at " + std::to_string(wall_ms());
    CHECK_MESSAGE(killed.signal == SIGKILL,
                  "the agent ended before the kill: " << to_string(killed));
    survived = survived && killed.signal == SIGKILL;
    for (const std::string& file : sqlite_files(dir.file("data"))) {
      const std::string integrity = integrity_check(file);
      CHECK_MESSAGE(integrity == "ok", file << ": " << integrity);
      survived = survived && integrity == "ok";
      ++integrity_checks;
    }
    kills.back().pending = pending_keys(dir.file("data/vitals-outbox.db"));
  }

  // The last run: a clean start that delivers what the kills left and stops with SIGTERM.
  spawns.push_back(std::chrono::steady_clock::now());
  Agent agent = start_agent(config, storage, listen);
  serving_seconds.push_back(seconds_since(spawns.back()));
  checkpoint(agent, truth);
  int strays = 0;
  Tally counts;
  bool drained = false;
  const SteadyTime deadline = std::chrono::steady_clock::now() + kDeliveryTimeout;
  do {
    sleep_draining(agent.process, 250ms);
    strays = file_requests(truth, hook.server.requests());
    counts = tally(truth);
    drained = counts.lost == 0 && counts.resolutions_lost == 0 && outbox_drained(agent.port);
  } while (!drained && std::chrono::steady_clock::now() < deadline);
  const std::string window_lost = window_samples_lost(agent.port, world.scrapes);

  CHECK_MESSAGE(drained, "the outbox did not drain: "
                             << get_data(agent.port, "/api/v1/notifications").dump());
  keep_due_lines(agent.process, "last run", due_lines);
  const std::string story = describe(truth.episodes()) + due_lines;
  CHECK_MESSAGE(counts.lost == 0, story);
  CHECK_MESSAGE(counts.duplicated == 0, story);
  CHECK_MESSAGE(counts.resolutions_lost == 0, story);
  CHECK_MESSAGE(counts.resolutions_duplicated == 0, story);
  CHECK(strays == 0);
  for (const Episode& episode : truth.episodes()) {
    CAPTURE(episode.alert);
    CAPTURE(episode.on_ms);
    // One activeAt per episode across every restart, and the pages carry it as startsAt.
    CHECK(episode.active_at.size() == 1);
    for (std::int64_t starts_at : episode.paged_starts_at) {
      CHECK(episode.active_at.contains(starts_at));
    }
  }
  CHECK(reader.limited == 0);
  CHECK(reader.answered > 0);

  agent.process.send_signal(SIGTERM);
  auto ended = agent.process.wait_exit(kStartTimeout);
  REQUIRE_MESSAGE(ended, why(ended));
  CHECK_MESSAGE(ended->exited_with(0), to_string(*ended));
  for (const std::string& file : sqlite_files(dir.file("data"))) {
    CHECK_MESSAGE(integrity_check(file) == "ok", file);
  }
  survived = survived && ended->exited_with(0) && drained;

  const std::size_t requests = hook.server.count();
  std::set<std::string> keys;
  for (const RecordedRequest& request : hook.server.requests())
    keys.insert(request.idempotency_key);
  const std::vector<double> pending_seconds = pending_delivery_seconds(kills, spawns, hook);
  MESSAGE(watched << " requests to /metrics and / while up, " << watch_failures << " failed; "
                  << reader.answered.load() << " API answers; " << integrity_checks
                  << " integrity checks; " << seconds_since(test_started) << " s");
  record_figure(
      {.fault = "kill -9 under load \u00d7" + std::to_string(kRounds),
       .survived = survived,
       .lost = std::to_string(counts.lost) + " of " + std::to_string(counts.episodes) +
               " firing episodes lost, " + std::to_string(counts.duplicated) + " duplicated, " +
               std::to_string(requests - keys.size()) + " redelivered (same key); resolutions " +
               std::to_string(counts.resolutions_lost) + " of " + std::to_string(counts.ended) +
               " lost, " + std::to_string(counts.resolutions_duplicated) + " duplicated; " +
               window_lost,
       .time_to_report = "restart to serving median " + format_seconds(median(serving_seconds)) +
                         ", max " + format_seconds(largest(serving_seconds)) +
                         "; to the first pending page delivered median " +
                         format_seconds(median(pending_seconds)) + ", max " +
                         format_seconds(largest(pending_seconds)) + " (" +
                         std::to_string(pending_seconds.size()) + " kills left one)",
       .reported_by = "vitals_outbox_depth, /api/v1/notifications, /api/v1/alerts activeAt"});
}

}  // namespace
}  // namespace vitals::testing
