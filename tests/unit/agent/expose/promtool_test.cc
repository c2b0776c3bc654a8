// The real `promtool check metrics` (Debian's prometheus package) on what /metrics serves: the
// target series and the agent's own metrics together, fed on stdin as in its documentation.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "agent/expose/agent_metrics.h"
#include "agent/expose/target_series.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/agent/expose/sample_snapshot.h"

extern char** environ;

namespace {

struct ToolRun {
  int exit_code = -1;    // -1 when killed by a signal
  std::string output{};  // stdout and stderr together
};

std::optional<std::string> find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

// Runs `promtool check metrics` with `text` on stdin. Fails the test when promtool is missing:
// a lint that silently does not run would let bad names ship.
ToolRun check_metrics(const std::string& text) {
  auto promtool = find_on_path("promtool");
  REQUIRE_MESSAGE(promtool,
                  "promtool not found on PATH: run scripts/setup, which installs "
                  "Debian's prometheus package (it ships /usr/bin/promtool)");
  vitals::testing::TempDir dir;
  std::string input = dir.write_file("metrics.txt", text);
  std::string output = dir.file("promtool.out");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, input.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::string arg0 = *promtool, check = "check", metrics = "metrics";
  char* argv[] = {arg0.data(), check.data(), metrics.data(), nullptr};
  pid_t pid = -1;
  int spawned = posix_spawn(&pid, promtool->c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE_MESSAGE(spawned == 0, "cannot start " << *promtool);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  ToolRun run;
  if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  std::ifstream in(output);
  std::stringstream said;
  said << in.rdbuf();
  run.output = said.str();
  return run;
}

std::string agent_exposition() {
  vitals::Exposition out;
  vitals::write_target_series(out, vitals::testing::sample_snapshot());
  vitals::AgentMetrics metrics;
  metrics.set_targets({"card-service", "feed-service"}, {"card-service"}, {"card-api"});
  metrics.scrape_finished("card-service", true, 0.02);
  metrics.metrics_scrape_finished("card-service", true);
  metrics.probe_finished("card-api", false, 3);
  metrics.set_scheduler({.runs_started = 10, .in_flight = 1}, std::chrono::milliseconds(4));
  metrics.set_loop_lag(0.001);
  metrics.set_history({.rows_written = 5, .batches = 1});
  metrics.config_reloaded(true, vitals::WallTime(std::chrono::seconds(1767225600)));
  return out.text() + metrics.render();
}

}  // namespace

TEST_CASE("promtool check metrics accepts the agent's exposition without lint problems") {
  std::string text = agent_exposition();
  ToolRun run = check_metrics(text);
  CHECK_MESSAGE(run.exit_code == 0, "promtool said:\n" << run.output << "\non:\n" << text);
  CHECK_MESSAGE(run.output.empty(), "promtool said:\n" << run.output);
}

TEST_CASE("promtool check metrics does report a lint problem, so the check above means something") {
  ToolRun run = check_metrics(
      "# HELP vitals_scrapes counted without _total\n"
      "# TYPE vitals_scrapes counter\n"
      "vitals_scrapes 1\n");
  CHECK(run.exit_code != 0);
  CHECK_MESSAGE(run.output.find("_total") != std::string::npos, "promtool said:\n" << run.output);
}
