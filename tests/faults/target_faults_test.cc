// The fault suite's misbehaving targets (docs/faults.md): a service that hangs, resets, trickles,
// streams 100 MB, lists a million series, sends invalid UTF-8 or repeats series, and a DNS server
// that never answers. Each case runs the real agent against a FaultyTarget and a well-behaved
// control service, switches the fault on once the target is seen healthy, and records how long
// the agent took to say so, whether the control kept its pace, and the agent's peak memory.
#include <doctest/doctest.h>
#include <signal.h>

#include <fstream>

#include "tests/faults/fault_support.h"
#include "tests/faults/faulty_target.h"

namespace vitals::testing {
namespace {

constexpr auto kReportTimeout = 30s;
constexpr auto kFaultHeld = 3s;  // how long a fault stays on after the agent reported it

// Peak resident memory of a process (VmHWM), in MiB; 0 when /proc cannot tell.
double peak_rss_mib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmHWM:")) return std::strtod(line.c_str() + 6, nullptr) / 1024;
  }
  return 0;
}

double control_scrapes(int port) {
  return metric_value(get_metrics(port), "vitals_scrapes_total",
                      {{"result", "success"}, {"service", "control"}});
}

// The next log line that contains every one of `parts`.
Result<std::string> wait_for_parts(Process& agent, const std::vector<std::string>& parts) {
  return agent.wait_for_line_where(
      [&](std::string_view text) {
        for (const std::string& part : parts) {
          if (text.find(part) == std::string_view::npos) return false;
        }
        return true;
      },
      kReportTimeout);
}

// One fault against the victim service (and, with `dns_probe`, a probe asking a DNS server that
// never answers).
struct TargetFault {
  std::string name;                      // the table's fault column
  Fault fault = Fault::None;             // what the victim does
  std::string victim_settings{};         // extra YAML keys of the victim service
  std::vector<std::string> reported{};   // parts of the log line that says what is wrong
  std::vector<std::string> recovered{};  // parts of the log line once it is over; none: skip
  std::string reported_by{};             // where the table says it was reported
  // A metric that must show it, besides the log.
  std::function<bool(const std::vector<Sample>&)> counted{};
  // The agent also probes a DNS server that never answers, from its start: the fault is then on
  // from the start, and the time to report counts from it.
  bool dns_probe = false;
};

void run(const TargetFault& spec) {
  TempDir dir;
  ExampleService control = start_example({});
  FaultyTarget victim;
  LoopbackSocket silent_dns(SOCK_DGRAM);  // never read, never answered
  const std::string config = dir.write_file(
      "vitals.yml",
      "global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}\n"
      "services:\n"
      "  - name: control\n"
      "    health_url: " +
          control.url("/health") + "\n" + "    metrics_url: " + control.url("/metrics") + "\n" +
          "  - name: victim\n"
          "    health_url: " +
          victim.url("/health") + "\n" + "    metrics_url: " + victim.url("/metrics") + "\n" +
          spec.victim_settings +
          (spec.dns_probe ? "probes:\n"
                            "  - name: victim-dns\n"
                            "    interval: 1s\n"
                            "    timeout: 1s\n"
                            "    dns: {name: victim.example, server: " +
                                silent_dns.address() + ", record: A}\n"
                          : "") +
          "status_page:\n"
          "  components: [{name: Victim, services: [victim]}, {name: Control, services: "
          "[control]}]\n");
  SteadyTime fault_on = std::chrono::steady_clock::now();
  Agent agent = start_agent(config, dir.file("data/vitals.db"));
  agent.wait_for_state("victim", "service", "healthy");
  agent.wait_for_state("control", "service", "healthy");

  ServingWatch watch(agent.port);
  const double control_before = control_scrapes(agent.port);
  const SteadyTime paced_from = std::chrono::steady_clock::now();
  if (!spec.dns_probe) fault_on = std::chrono::steady_clock::now();
  victim.set(spec.fault);
  double report_seconds = 0;
  if (!spec.reported.empty()) {
    auto line = wait_for_parts(agent.process, spec.reported);
    REQUIRE_MESSAGE(line, spec.name << ": the agent never said so: " << why(line) << agent.said());
    report_seconds = seconds_since(fault_on);
    MESSAGE(spec.name << ": " << *line);
  }
  // Without a log line to wait for, the metric is the report.
  if (spec.counted) {
    const Duration wait = spec.reported.empty() ? Duration(kReportTimeout) : kSettleTimeout;
    CHECK_MESSAGE(spec.counted(wait_for_metrics(agent, spec.counted, wait)),
                  spec.name << ": its metric never showed it");
  }
  if (spec.reported.empty()) report_seconds = seconds_since(fault_on);

  // The fault stays on a while: the control service keeps its pace all along.
  while (seconds_since(fault_on) <
         report_seconds + std::chrono::duration<double>(kFaultHeld).count()) {
    drain_output(agent.process);
    std::this_thread::sleep_for(100ms);
  }
  const double fault_seconds = seconds_since(paced_from);
  const double control_scraped = control_scrapes(agent.port) - control_before;
  // At 1 s intervals, a start delay and the last run still in flight cost up to two.
  CHECK_MESSAGE(control_scraped >= fault_seconds - 2,
                "control scraped " << control_scraped << " times in " << fault_seconds << " s");

  victim.set(Fault::None);
  if (!spec.recovered.empty()) {
    auto line = wait_for_parts(agent.process, spec.recovered);
    CHECK_MESSAGE(line, spec.name << ": no recovery: " << why(line));
  }
  watch.stop();
  CHECK_MESSAGE(watch.failures() == 0, watch.first_failure());
  const double peak_mib = peak_rss_mib(agent.process.pid());

  ExitStatus stopped = agent.process.terminate(10s);
  CHECK_MESSAGE(stopped.exited_with(0), to_string(stopped) << agent.said());
  const std::string integrity = integrity_check(dir.file("data/vitals.db"));
  CHECK(integrity == "ok");

  const bool survived = watch.failures() == 0 && stopped.exited_with(0) && integrity == "ok";
  char lost[96];
  std::snprintf(lost, sizeof lost, "none: control scraped %.0f times in %.1f s", control_scraped,
                fault_seconds);
  char memory[48];
  std::snprintf(memory, sizeof memory, "; peak RSS %.0f MiB", peak_mib);
  record_figure({.fault = spec.name,
                 .survived = survived,
                 .lost = control_scraped >= fault_seconds - 2 ? lost : "control fell behind",
                 .time_to_report = format_seconds(report_seconds),
                 .reported_by = spec.reported_by + memory});
}

const std::vector<std::string> kVictimUnreachable = {
    "msg=\"state change\" target=victim kind=service status=unreachable"};
const std::vector<std::string> kVictimHealthy = {
    "msg=\"state change\" target=victim kind=service status=healthy"};
const std::vector<std::string> kMetricsFailed = {"msg=\"metrics scrape failed\" service=victim"};
const std::vector<std::string> kMetricsRecovered = {
    "msg=\"metrics scrape recovered\" service=victim"};

bool metrics_failure_counted(const std::vector<Sample>& samples) {
  return metric_value(samples, "vitals_metrics_scrapes_total",
                      {{"result", "failure"}, {"service", "victim"}}) > 0;
}

bool health_failure_counted(const std::vector<Sample>& samples) {
  return metric_value(samples, "vitals_scrapes_total",
                      {{"result", "failure"}, {"service", "victim"}}) > 0;
}

TEST_CASE("a target that hangs is reported unreachable after its timeout") {
  std::vector<std::string> reported = kVictimUnreachable;
  reported.push_back("timeout");
  run({.name = "target hangs",
       .fault = Fault::Hang,
       .reported = reported,
       .recovered = kVictimHealthy,
       .reported_by = "state unreachable (timeout), vitals_scrapes_total failure, up 0",
       .counted = health_failure_counted});
}

TEST_CASE("a target that resets its connections is reported unreachable") {
  run({.name = "target resets connections",
       .fault = Fault::Reset,
       .reported = kVictimUnreachable,
       .recovered = kVictimHealthy,
       .reported_by = "state unreachable, vitals_scrapes_total failure, up 0",
       .counted = health_failure_counted});
}

TEST_CASE("a target that trickles bytes is cut off at its timeout") {
  std::vector<std::string> reported = kVictimUnreachable;
  reported.push_back("timeout");
  run({.name = "target trickles a byte per 100 ms",
       .fault = Fault::Trickle,
       .reported = reported,
       .recovered = kVictimHealthy,
       .reported_by = "state unreachable (timeout), vitals_scrapes_total failure",
       .counted = health_failure_counted});
}

TEST_CASE("a 100 MB body is refused at the body size limit") {
  run({.name = "100 MB bodies, body_size_limit 10MB",
       .fault = Fault::HugeBody,
       .victim_settings = "    body_size_limit: 10MB\n",
       .reported = kVictimUnreachable,
       .recovered = kVictimHealthy,
       .reported_by = "state unreachable (body larger than), metrics scrape failed log",
       .counted = metrics_failure_counted});
}

// Without a limit the agent reads what comes, as Prometheus does: the health body is malformed
// past its first bytes, the metrics body only too large for comfort. The figure is the memory.
TEST_CASE("a 100 MB body without a size limit is read and refused as malformed") {
  run({.name = "100 MB bodies, no body_size_limit",
       .fault = Fault::HugeBody,
       .reported = kVictimUnreachable,
       .recovered = kVictimHealthy,
       .reported_by = "state unreachable (malformed health JSON)",
       .counted = health_failure_counted});
}

TEST_CASE("a million series fail the scrape at the sample limit") {
  std::vector<std::string> reported = kMetricsFailed;
  reported.push_back("sample_limit");
  run({.name = "1,000,000 series, sample_limit 50000",
       .fault = Fault::MillionSeries,
       .victim_settings = "    sample_limit: 50000\n",
       .reported = reported,
       .recovered = kMetricsRecovered,
       .reported_by =
           "metrics scrape failed log (sample_limit), vitals_metrics_scrapes_total, up 0",
       .counted = metrics_failure_counted});
}

// Without a limit a million series are a legitimate scrape, ingested as Prometheus would; at a
// 5 s interval, so the figure shows what holding them costs rather than a backlog of scrapes.
TEST_CASE("a million series without a sample limit are ingested and counted") {
  run({.name = "1,000,000 series, no sample_limit",
       .fault = Fault::MillionSeries,
       .victim_settings = "    interval: 5s\n    timeout: 5s\n",
       .reported_by = "vitals_window_series over a million (no fault to report)",
       .counted = [](const std::vector<Sample>& s) {
         return metric_value(s, "vitals_window_series") >= 1'000'000;
       }});
}

TEST_CASE("invalid UTF-8 fails the health and the metrics scrape, never the agent") {
  run({.name = "invalid UTF-8 in health JSON and labels",
       .fault = Fault::InvalidUtf8,
       .reported = kMetricsFailed,
       .recovered = kMetricsRecovered,
       .reported_by = "metrics scrape failed log (invalid UTF-8), health scrape failure",
       .counted = [](const std::vector<Sample>& s) {
         return metrics_failure_counted(s) && health_failure_counted(s);
       }});
}

TEST_CASE("repeated series are refused as duplicates and counted") {
  run({.name = "duplicate series",
       .fault = Fault::DuplicateSeries,
       .reported = {"msg=\"metrics scrape refused samples\"", "service=victim"},
       .reported_by = "vitals_window_duplicate_samples_total, refused samples log",
       .counted = [](const std::vector<Sample>& s) {
         return metric_value(s, "vitals_window_duplicate_samples_total") > 0;
       }});
}

TEST_CASE("a DNS server that never answers fails its probe at the timeout") {
  run({.name = "DNS server never answers",
       .fault = Fault::None,
       .reported = {"msg=\"state change\" target=victim-dns kind=probe status=down"},
       .reported_by = "probe down (timeout), probe_failure_reason, vitals_probes_total failure",
       .counted =
           [](const std::vector<Sample>& s) {
             return metric_value(s, "vitals_probes_total",
                                 {{"probe", "victim-dns"}, {"result", "failure"}}) > 0;
           },
       .dns_probe = true});
}

}  // namespace
}  // namespace vitals::testing
