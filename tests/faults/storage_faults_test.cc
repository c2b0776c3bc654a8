// Storage faults (docs/faults.md): the agent's storage directory on a real, small file system
// that fills up, and on one that turns read-only under it as ext4 does on an error with
// errors=remount-ro. Each agent runs in a private mount namespace (unshare -m), so its mount
// goes when it does, however the test ends; the test reaches its files through
// /proc/<pid>/root. Throughout, the agent must keep serving /metrics and its status page, keep
// watching its targets, and say what is wrong.
#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
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

// Longer than the history writer's longest retry backoff (5 s), with room for a loaded machine.
constexpr auto kRecoveryTimeout = 20s;

constexpr const char* kReportedBy =
    "vitals_history_write_errors_total, log \"history writes failing\"; the page: "
    "vitals_outbox_write_errors_total, log \"outbox write failed; sending from memory\"";

// Two services (one is stopped during the fault) and a probe, all every second, so the history
// writer commits every second or so; a rule that pages `hook` when the doomed service goes.
std::string write_config(TempDir& dir, const ExampleService& steady, const ExampleService& doomed,
                         const RecordingServer& hook) {
  dir.write_file("rules.yml",
                 "groups:\n"
                 "  - name: storage\n"
                 "    rules:\n"
                 "      - alert: DoomedGone\n"
                 "        expr: vitals_service_health{service=\"doomed\"} == 0\n");
  return dir.write_file("vitals.yml",
                        "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
                        "services:\n"
                        "  - name: steady\n    health_url: " +
                            steady.url("/health") +
                            "\n"
                            "  - name: doomed\n    health_url: " +
                            doomed.url("/health") +
                            "\n"
                            "probes:\n"
                            "  - name: livez\n    http: {url: " +
                            steady.url("/livez") +
                            "}\n"
                            "rule_files: [rules.yml]\n"
                            "alerting:\n"
                            "  route: {receiver: oncall, group_wait: 0s, group_interval: 1s}\n"
                            "  receivers:\n"
                            "    - name: oncall\n"
                            "      webhook_configs: [{url: " +
                            hook.url("/hook") + "}]\n");
}

// Runs `mount_script` (which mounts a file system on "$1") in a new private mount namespace,
// then execs the agent with its storage in that directory; waits until it serves. As root a
// plain mount namespace, else one inside a user namespace. The shell execs unshare, which execs
// the shell that execs the agent: the Process is the agent itself.
Agent start_agent_on_mount(const std::string& mount_script, const std::vector<std::string>& args,
                           const std::string& config, const std::string& storage_dir) {
  auto unshare = find_on_path("unshare");
  REQUIRE_MESSAGE(unshare, "the storage faults need unshare (util-linux)");
  std::vector<std::string> launcher = {
      *unshare,
      ::geteuid() == 0 ? "-m" : "-Urm",
      "--propagation",
      "private",
      "/bin/sh",
      "-c",
      mount_script + " && shift " + std::to_string(args.size()) + " && exec \"$@\"",
      "sh"};
  launcher.insert(launcher.end(), args.begin(), args.end());
  return start_agent_via(std::move(launcher), config, storage_dir + "/vitals.db");
}

// `path` (a path in the agent's mount namespace) as the test reaches it.
std::string inside(const Agent& agent, const std::string& path) {
  return "/proc/" + std::to_string(agent.process.pid()) + "/root" + path;
}

// Waits until the history writer has committed more rows than `than`.
std::vector<Sample> wait_for_rows_after(Agent& agent, double than, Duration timeout) {
  return wait_for_metrics(
      agent,
      [&](const std::vector<Sample>& s) {
        return metric_value(s, "vitals_history_rows_written_total") > than;
      },
      timeout);
}

// Both services healthy and the probe up, logged, and the history writing.
void wait_until_watching(Agent& agent) {
  agent.wait_for_state("steady", "service", "healthy");
  agent.wait_for_state("doomed", "service", "healthy");
  agent.wait_for_state("livez", "probe", "up");
  auto samples = wait_for_rows_after(agent, 0, kSettleTimeout);
  REQUIRE_MESSAGE(metric_value(samples, "vitals_history_rows_written_total") > 0, agent.said());
}

// Stops `doomed` and checks that the agent still sees it go, in its log and its API, and pages
// for it: the fault is in its storage, not in its watching or its notifications (the outbox
// cannot write either).
void check_still_watching(Agent& agent, ExampleService& doomed, const RecordingServer& hook) {
  doomed.process.kill();
  agent.wait_for_state("doomed", "service", "unreachable");
  json services = poll_data(agent.port, "/api/v1/services", [](json data) {
    return find_by(data["services"], "name", "doomed").value("status", "") == "unreachable";
  });
  CHECK_MESSAGE(
      find_by(services["services"], "name", "doomed").value("status", "") == "unreachable",
      services.dump());
  SteadyTime deadline = std::chrono::steady_clock::now() + kRecoveryTimeout;
  while (hook.count() == 0 && std::chrono::steady_clock::now() < deadline) {
    drain_output(agent.process);
    std::this_thread::sleep_for(50ms);
  }
  REQUIRE_MESSAGE(hook.count() > 0, "no page while the storage failed; alerts: "
                                        << get_data(agent.port, "/api/v1/alerts").dump()
                                        << agent.said());
  json page = body_of(hook.requests()[0]);
  CHECK(page["status"] == "firing");
  CHECK(page["alerts"][0]["labels"]["alertname"] == "DoomedGone");
  // Sent from memory, since the outbox could not keep it; and said so.
  auto samples = get_metrics(agent.port);
  CHECK_MESSAGE(metric_value(samples, "vitals_outbox_write_errors_total") > 0, agent.said());
  std::string logged = agent.wait_for_log({"outbox write failed; sending from memory"});
  CHECK_MESSAGE(logged.find("err=") != std::string::npos, logged);
}

// How many changes to unreachable `history` holds (of the doomed service).
int unreachable_changes(const json& history) {
  int count = 0;
  for (const auto& change : history.value("changes", json::array())) {
    if (change.value("kind", "") == "service" && change.value("status", "") == "unreachable") {
      ++count;
    }
  }
  return count;
}

bool has_unreachable_change(const json& history) {
  return unreachable_changes(history) > 0;
}

// PRAGMA integrity_check of every SQLite file in `storage_dir` of the running `agent`; "" when
// all say "ok". Run by the sqlite3 shell inside the agent's mount namespace: SQLite resolves
// symbolic links in a path, so through /proc/<pid>/root it would open the test's own (empty)
// directory instead.
std::string integrity_problems(const Agent& agent, const std::string& storage_dir) {
  std::string problems;
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(inside(agent, storage_dir))) {
    if (entry.path().extension() != ".db") continue;
    ++files;
    std::vector<std::string> args = {"--target", std::to_string(agent.process.pid()), "--mount"};
    if (::geteuid() != 0) args.insert(args.end(), {"--user", "--preserve-credentials"});
    args.insert(args.end(), {"sqlite3", storage_dir + "/" + entry.path().filename().string(),
                             "PRAGMA integrity_check;"});
    ToolRun run = run_to_exit("nsenter", args);
    if (!run.status.exited_with(0) || run.output != "ok\n") {
      problems += entry.path().filename().string() + ": " + run.output + "\n";
    }
  }
  if (files == 0) problems = "no .db file in " + storage_dir;
  return problems;
}

// Writes zeros to `path` until the file system has no room left; returns the bytes written.
std::size_t fill(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  REQUIRE_MESSAGE(fd >= 0, "cannot create " << path << ": " << std::strerror(errno));
  static const std::vector<char> zeros(64 * 1024);
  std::size_t total = 0;
  for (std::size_t size : {zeros.size(), std::size_t{4096}}) {
    for (;;) {
      ssize_t n = ::write(fd, zeros.data(), size);
      if (n <= 0) break;
      total += static_cast<std::size_t>(n);
    }
  }
  int error = errno;
  ::close(fd);
  CHECK_MESSAGE(error == ENOSPC, "filling " << path << " stopped on " << std::strerror(error));
  return total;
}

// The loop device under `dir` in the mount table of process `pid`: "loop3".
std::string loop_device_of(pid_t pid, const std::string& dir) {
  std::ifstream mountinfo("/proc/" + std::to_string(pid) + "/mountinfo");
  for (std::string line; std::getline(mountinfo, line);) {
    std::istringstream fields(line);
    std::string id, parent, device, root, mount_point;
    fields >> id >> parent >> device >> root >> mount_point;
    if (mount_point != dir) continue;
    std::size_t source = line.find(" - ext4 /dev/");
    if (source == std::string::npos) continue;
    std::string rest = line.substr(source + std::string(" - ext4 /dev/").size());
    return rest.substr(0, rest.find(' '));
  }
  FAIL("no ext4 loop mount at " << dir << " in process " << pid);
  return "";
}

// Whether the kernel still has `image` on a loop device (it clears one when its last mount goes).
bool image_attached(const std::string& image) {
  ToolRun listed = run_to_exit("losetup", {"-j", image});
  return listed.output.find(image) != std::string::npos;
}

TEST_CASE("a full disk under the storage costs no history and the agent says so") {
  TempDir dir;
  const std::string storage = dir.file("data");
  std::filesystem::create_directories(storage);
  ExampleService steady = start_example({});
  ExampleService doomed = start_example({});
  RecordingServer hook;
  std::string config = write_config(dir, steady, doomed, hook);
  // 16 MiB: room for the agent's files, then a filler takes the rest.
  Agent agent =
      start_agent_on_mount("mount -t tmpfs -o size=16m tmpfs \"$1\"", {storage}, config, storage);
  wait_until_watching(agent);
  ServingWatch watch(agent.port);

  const std::string filler = inside(agent, storage + "/filler");
  const SteadyTime filled_at = std::chrono::steady_clock::now();
  std::size_t filled = fill(filler);
  MESSAGE("filler took " << filled << " bytes");
  auto full = wait_for_metrics(
      agent,
      [](const std::vector<Sample>& s) {
        return metric_value(s, "vitals_history_write_errors_total") > 0;
      },
      kRecoveryTimeout);
  const double time_to_report = seconds_since(filled_at);
  REQUIRE_MESSAGE(metric_value(full, "vitals_history_write_errors_total") > 0,
                  "the disk is full and the agent does not say so" << agent.said());
  std::string logged = agent.wait_for_log({"history writes failing"}, kRecoveryTimeout);
  CHECK_MESSAGE(logged.find("reason=") != std::string::npos, logged);
  check_still_watching(agent, doomed, hook);

  const double rows_before =
      metric_value(get_metrics(agent.port), "vitals_history_rows_written_total");
  REQUIRE(std::filesystem::remove(filler));
  auto resumed = wait_for_rows_after(agent, rows_before, kRecoveryTimeout);
  CHECK_MESSAGE(metric_value(resumed, "vitals_history_rows_written_total") > rows_before,
                "no history written after space came back" << agent.said());
  agent.wait_for_log({"history writes resumed"}, kRecoveryTimeout);
  // The change seen while the disk was full reaches the history once there is room.
  json history = poll_data(agent.port, "/api/v1/history?target=doomed", has_unreachable_change,
                           kRecoveryTimeout);
  CHECK_MESSAGE(has_unreachable_change(history), history.dump());
  auto after = wait_for_metrics(
      agent,
      [](const std::vector<Sample>& s) {
        return metric_value(s, "vitals_history_queue_depth") == 0;
      },
      kRecoveryTimeout);
  watch.stop();
  CHECK_MESSAGE(watch.failures() == 0, watch.summary() << ": " << watch.first_failure());
  MESSAGE(watch.summary());
  std::string problems = integrity_problems(agent, storage);
  CHECK_MESSAGE(problems.empty(), problems);
  ExitStatus stopped = agent.process.terminate(kEventTimeout);
  CHECK_MESSAGE(stopped.exited_with(0), to_string(stopped) << agent.said());

  const double dropped = metric_value(after, "vitals_history_dropped_total");
  const double window_dropped = metric_value(after, "vitals_window_dropped_total");
  std::string lost =
      dropped == 0 ? "none" : std::to_string(static_cast<long>(dropped)) + " history records";
  if (window_dropped > 0) {
    lost += ", " + std::to_string(static_cast<long>(window_dropped)) + " window records";
  }
  record_figure({.fault = "disk full (tmpfs, filled then freed)",
                 .survived = watch.failures() == 0 && problems.empty() && stopped.exited_with(0) &&
                             has_unreachable_change(history),
                 .lost = lost,
                 .time_to_report = format_seconds(time_to_report),
                 .reported_by = kReportedBy});
}

TEST_CASE(
    "a storage file system gone read-only on an error stops no watching and the agent says so") {
  if (::geteuid() != 0) {
    MESSAGE("skipped: mounting an ext4 image on a loop device needs root");
    return;
  }
  if (!run_to_exit("losetup", {"-f"}).status.exited_with(0)) {
    MESSAGE("skipped: no free loop device (a container without /dev/loop*?)");
    return;
  }
  TempDir dir;
  const std::string storage = dir.file("data");
  const std::string image = dir.file("storage.img");
  std::filesystem::create_directories(storage);
  { std::ofstream(image).close(); }
  std::filesystem::resize_file(image, 64 << 20);
  ToolRun made = run_to_exit("mkfs.ext4", {"-q", "-F", image});
  REQUIRE_MESSAGE(made.status.exited_with(0), made.output);
  ExampleService steady = start_example({});
  ExampleService doomed = start_example({});
  RecordingServer hook;
  std::string config = write_config(dir, steady, doomed, hook);
  // A loop mount is cleared by the kernel when the namespace holding it goes.
  const std::string mount_ext4 = "mount -o loop,errors=remount-ro \"$2\" \"$1\"";
  Agent agent = start_agent_on_mount(mount_ext4, {storage, image}, config, storage);
  wait_until_watching(agent);
  ServingWatch watch(agent.port);

  // What ext4 does when it meets an error with errors=remount-ro: the file system turns
  // read-only at once, whatever is open for writing.
  const std::string device = loop_device_of(agent.process.pid(), storage);
  const SteadyTime broken_at = std::chrono::steady_clock::now();
  {
    std::ofstream trigger("/sys/fs/ext4/" + device + "/trigger_fs_error");
    trigger << "vitals fault test\n";
    REQUIRE_MESSAGE(trigger.flush(), "cannot write /sys/fs/ext4/" << device << "/trigger_fs_error");
  }
  auto broken = wait_for_metrics(
      agent,
      [](const std::vector<Sample>& s) {
        return metric_value(s, "vitals_history_write_errors_total") > 0;
      },
      kRecoveryTimeout);
  const double time_to_report = seconds_since(broken_at);
  REQUIRE_MESSAGE(metric_value(broken, "vitals_history_write_errors_total") > 0,
                  "the storage is read-only and the agent does not say so" << agent.said());
  std::string logged = agent.wait_for_log({"history writes failing"}, kRecoveryTimeout);
  CHECK_MESSAGE(logged.find("reason=") != std::string::npos, logged);
  check_still_watching(agent, doomed, hook);
  auto last = wait_for_metrics(
      agent,
      [](const std::vector<Sample>& s) {
        return metric_value(s, "vitals_history_queue_depth") > 0;
      },
      kRecoveryTimeout);
  watch.stop();
  CHECK_MESSAGE(watch.failures() == 0, watch.summary() << ": " << watch.first_failure());
  MESSAGE(watch.summary());

  // Linux takes such a file system back to read-write only through an unmount and fsck (a
  // remount keeps it read-only), so the operator's way back is a restart: the agent must stop
  // in time, and start again on the checked file system with its history.
  const double queued = metric_value(last, "vitals_history_queue_depth");
  ExitStatus stopped = agent.process.terminate(kEventTimeout);
  CHECK_MESSAGE(stopped.exited_with(0), to_string(stopped) << agent.said());
  // What it could not write it says it lost.
  auto flush_failed = agent.process.wait_for_line_where(
      [](std::string_view line) {
        return line.find("history flush failed at shutdown") != std::string_view::npos;
      },
      kEventTimeout);
  CHECK_MESSAGE(flush_failed, why(flush_failed));
  SteadyTime deadline = std::chrono::steady_clock::now() + kEventTimeout;
  while (image_attached(image) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  REQUIRE_MESSAGE(!image_attached(image), "the loop device stayed after the agent stopped");
  ToolRun checked = run_to_exit("e2fsck", {"-f", "-y", image}, "/dev/null",
                                Streams::StdoutAndStderr, kEventTimeout);
  CHECK_MESSAGE(checked.status.exit_code <= 1, checked.output);

  Agent again = start_agent_on_mount(mount_ext4, {storage, image}, config, storage);
  again.wait_for_state("steady", "service", "healthy");
  auto resumed = wait_for_rows_after(again, 0, kRecoveryTimeout);
  CHECK_MESSAGE(metric_value(resumed, "vitals_history_rows_written_total") > 0, again.said());
  // The restarted agent records the doomed service's state afresh: one change to unreachable,
  // and a second when the one seen while the storage was read-only was kept.
  json history =
      poll_data(again.port, "/api/v1/history?target=doomed", has_unreachable_change, kEventTimeout);
  CHECK_MESSAGE(has_unreachable_change(history), history.dump());
  std::string problems = integrity_problems(again, storage);
  CHECK_MESSAGE(problems.empty(), problems);
  ExitStatus stopped_again = again.process.terminate(kEventTimeout);
  CHECK_MESSAGE(stopped_again.exited_with(0), to_string(stopped_again) << again.said());

  std::string lost = queued == 0 ? "none"
                                 : std::to_string(static_cast<long>(queued)) +
                                       " history records queued at the stop";
  if (unreachable_changes(history) < 2) lost += ", the doomed service's change among them";
  record_figure({.fault = "read-only storage (ext4 errors=remount-ro), restart after fsck",
                 .survived = watch.failures() == 0 && problems.empty() && stopped.exited_with(0),
                 .lost = lost,
                 .time_to_report = format_seconds(time_to_report),
                 .reported_by = kReportedBy});
}

}  // namespace
}  // namespace vitals::testing
