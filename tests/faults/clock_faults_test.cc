// Clock faults (docs/faults.md): the wall clock jumping forwards and backwards under a running
// agent, as an NTP step or an operator's `date -s` does. The agent runs under libfaketime
// (LD_PRELOAD), whose offset the test rewrites in a file; CLOCK_MONOTONIC stays real, as a real
// step leaves it. After each jump: scrapes and probes keep their pace (the scheduler is on the
// steady clock), /metrics and the status page keep serving, a firing alert neither resolves nor
// notifies again, history keeps being written, and the agent says that the clock moved.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "tests/faults/fault_support.h"
#include "tests/integration/agent_fixture.h"
#include "tests/integration/webhook_receiver.h"
#include "tests/support/recording_server.h"

namespace vitals::testing {
namespace {

using nlohmann::json;

// At most a few seconds late on a loaded machine, once per second when on time.
constexpr auto kPaceTimeout = 15s;
constexpr int kRunsAfterJump = 3;

constexpr const char* kRules = R"(groups:
  - name: clock
    rules:
      - alert: DownIsDown
        expr: vitals_service_health{service="down"} == 0
)";

// libfaketime's multi-threaded build, where Debian's `libfaketime` package puts it.
std::string libfaketime() {
  for (const char* path : {"/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1",
                           "/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1",
                           "/usr/lib/faketime/libfaketimeMT.so.1"}) {
    if (::access(path, R_OK) == 0) return path;
  }
  FAIL("libfaketime is not installed: run scripts/setup");
  return "";
}

// Sets the offset libfaketime adds to the wall clock: "+0", "+10m", "-5m" … Written to a new
// file renamed over the old one, so the agent never reads half a line.
void set_offset(const std::string& file, const std::string& offset) {
  const std::string next = file + ".next";
  {
    std::ofstream out(next, std::ios::trunc);
    out << offset << "\n";
    REQUIRE(out.flush());
  }
  std::filesystem::rename(next, file);
}

// The agent with the wall clock `offset_file` says, and the steady clock real.
Agent start_agent_with_faketime(const std::string& offset_file, const std::string& config,
                                const std::string& storage) {
  return start_agent_via(
      {"/usr/bin/env", "LD_PRELOAD=" + libfaketime(), "FAKETIME_TIMESTAMP_FILE=" + offset_file,
       "FAKETIME_NO_CACHE=1", "FAKETIME_DONT_FAKE_MONOTONIC=1"},
      config, storage);
}

// What the test follows across a jump.
struct Counts {
  double scrapes = 0;  // successful health scrapes of "up"
  double probes = 0;   // successful runs of the probe "livez"
  double rows = 0;     // history rows written
  double out_of_order = 0;
  double clock_jumps = 0;
  double evaluations = 0;   // of the rule group
  double missed = 0;        // its iterations counted as missed
  double evaluated_at = 0;  // Unix time of its last evaluation

  static Counts of(const std::vector<Sample>& s) {
    Counts counts{
        metric_value(s, "vitals_scrapes_total", {{"service", "up"}, {"result", "success"}}),
        metric_value(s, "vitals_probes_total", {{"probe", "livez"}, {"result", "success"}}),
        metric_value(s, "vitals_history_rows_written_total"),
        metric_value(s, "vitals_window_out_of_order_samples_total"),
        metric_value(s, "vitals_clock_jumps_total")};
    for (const Sample& sample : s) {
      if (sample.name == "vitals_rule_group_evaluations_total") counts.evaluations += sample.value;
      if (sample.name == "vitals_rule_group_iterations_missed_total") counts.missed += sample.value;
      if (sample.name == "vitals_rule_group_last_evaluation_timestamp_seconds") {
        counts.evaluated_at = std::max(counts.evaluated_at, sample.value);
      }
    }
    return counts;
  }
};

// Waits until scrapes, probes and history rows have all moved on past `before`, scrapes and
// probes by kRunsAfterJump runs at least, and rule evaluations too unless `rules_wait`: after a
// step back no rule group evaluates at the stepped-back time, by design (it would read the
// window's past; docs/faults.md).
Counts wait_for_pace(Agent& agent, const Counts& before, bool rules_wait = false) {
  auto samples = wait_for_metrics(
      agent,
      [&](const std::vector<Sample>& s) {
        Counts now = Counts::of(s);
        return now.scrapes >= before.scrapes + kRunsAfterJump &&
               now.probes >= before.probes + kRunsAfterJump &&
               (rules_wait || now.evaluations >= before.evaluations + kRunsAfterJump) &&
               now.rows > before.rows;
      },
      kPaceTimeout);
  Counts now = Counts::of(samples);
  CHECK_MESSAGE(now.scrapes >= before.scrapes + kRunsAfterJump,
                "scrapes stalled: " << before.scrapes << " -> " << now.scrapes);
  CHECK_MESSAGE(now.probes >= before.probes + kRunsAfterJump,
                "probes stalled: " << before.probes << " -> " << now.probes);
  if (rules_wait) {
    // Evaluations may go on at the time the window has reached (an early one at the last
    // evaluation's time + 1 ms), never at the stepped-back time.
    CHECK_MESSAGE(now.evaluated_at >= before.evaluated_at,
                  "rules evaluated at a stepped-back time: " << before.evaluated_at << " -> "
                                                             << now.evaluated_at);
  } else {
    CHECK_MESSAGE(now.evaluations >= before.evaluations + kRunsAfterJump,
                  "rule evaluations stalled: " << before.evaluations << " -> " << now.evaluations);
  }
  CHECK_MESSAGE(now.rows > before.rows, "history stalled at " << now.rows << " rows");
  return now;
}

// The alert DownIsDown in /api/v1/alerts; an empty object when absent.
json the_alert(int port) {
  const json data = get_data(port, "/api/v1/alerts");
  for (const json& alert : data["alerts"]) {
    if (alert["labels"].value("alertname", "") == "DownIsDown") return alert;
  }
  return json::object();
}

// Steps the wall clock to `offset` and follows the agent until it has said so and run a few
// scrapes and probes past it; records the jump's figure.
void jump(Agent& agent, const RecordingServer& hook, const std::string& offset_file,
          const std::string& offset, const std::string& direction) {
  const std::size_t notified = hook.count();
  const json alert_before = the_alert(agent.port);
  const Counts before = Counts::of(get_metrics(agent.port));
  ServingWatch watch(agent.port);
  const SteadyTime jumped_at = std::chrono::steady_clock::now();
  set_offset(offset_file, offset);
  std::string said = agent.wait_for_log({"the wall clock jumped", "by=" + direction}, kPaceTimeout);
  const double time_to_report = seconds_since(jumped_at);
  MESSAGE(said);

  Counts after = wait_for_pace(agent, before, /*rules_wait=*/direction == "-");
  const double watched = seconds_since(jumped_at);
  MESSAGE("rule iterations counted as missed across the jump: " << after.missed - before.missed);
  CHECK_MESSAGE(after.clock_jumps > before.clock_jumps, "vitals_clock_jumps_total did not move");
  // The same alert, still firing: not resolved and fired again as a new one.
  const json alert_after = the_alert(agent.port);
  const bool kept_firing = alert_after.value("state", "") == "firing" &&
                           alert_after.value("activeAt", "") == alert_before.value("activeAt", "-");
  CHECK_MESSAGE(kept_firing, "before: " << alert_before.dump() << "\nafter: " << alert_after.dump()
                                        << agent.said());
  CHECK_MESSAGE(hook.count() == notified,
                "the jump notified again (or resolved): " << hook.requests().back().body);
  watch.stop();
  CHECK_MESSAGE(watch.failures() == 0, watch.summary() << ": " << watch.first_failure());
  MESSAGE(watch.summary());

  // Samples older than their series' last are refused until the wall clock is back where it
  // was: after a jump back, every sample of every known series for as long as the jump.
  const double refused = after.out_of_order - before.out_of_order;
  std::string lost = refused == 0 ? "none"
                                  : "window samples for as long as the jump (" +
                                        std::to_string(static_cast<long>(refused)) +
                                        " in the first " + format_seconds(watched) + ")";
  record_figure({.fault = std::string("wall clock jumps ") +
                          (direction == "+" ? "forwards" : "back") + " 3 min",
                 .survived = watch.failures() == 0 && hook.count() == notified && kept_firing,
                 .lost = lost,
                 .time_to_report = format_seconds(time_to_report),
                 .reported_by = "log \"the wall clock jumped\", vitals_clock_jumps_total"});
}

TEST_CASE("the wall clock jumping forwards and backwards stops no scrape, probe or alert") {
  TempDir dir;
  const std::string offset_file = dir.write_file("faketime", "+0\n");
  ExampleService up = start_example({});
  ExampleService down = start_example({"--fail"});
  RecordingServer hook;
  dir.write_file("rules.yml", kRules);
  std::string config =
      dir.write_file("vitals.yml",
                     "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
                     "services:\n"
                     "  - name: up\n    health_url: " +
                         up.url("/health") +
                         "\n"
                         "  - name: down\n    health_url: " +
                         down.url("/health") +
                         "\n"
                         "probes:\n"
                         "  - name: livez\n    http: {url: " +
                         up.url("/livez") +
                         "}\n"
                         "rule_files: [rules.yml]\n"
                         "alerting:\n"
                         "  route: {receiver: oncall, group_by: [alertname], group_wait: 0s,\n"
                         "          group_interval: 1s, repeat_interval: 1h}\n"
                         "  receivers:\n"
                         "    - name: oncall\n"
                         "      webhook_configs: [{url: " +
                         hook.url("/hook") + "}]\n");
  Agent agent = start_agent_with_faketime(offset_file, config, dir.file("vitals.db"));
  agent.wait_for_state("down", "service", "unhealthy");
  std::vector<RecordedRequest> paged = wait_requests(hook, 0);
  CHECK(body_of(paged[0])["status"] == "firing");
  wait_for_pace(agent, Counts::of(get_metrics(agent.port)));

  // Three minutes: the agent's own target series are written at least once a minute, so after
  // a longer step forward their newest sample can lie past PromQL's 5-minute lookback until the
  // next write, and an alert over them resolves and fires again (docs/faults.md, a known bug).
  jump(agent, hook, offset_file, "+3m", "+");
  jump(agent, hook, offset_file, "+0", "-");

  std::vector<Sample> end = get_metrics(agent.port);
  ExitStatus stopped = agent.process.terminate(kEventTimeout);
  CHECK_MESSAGE(stopped.exited_with(0), to_string(stopped) << agent.said());
  for (const char* file : {"vitals.db", "vitals-window.db", "vitals-alerts.db", "vitals-status.db",
                           "vitals-outbox.db", "vitals-notify.db"}) {
    CHECK_MESSAGE(integrity_check(dir.file(file)) == "ok", file);
  }
  CHECK(metric_value(end, "vitals_history_dropped_total") == 0);
}

}  // namespace
}  // namespace vitals::testing
