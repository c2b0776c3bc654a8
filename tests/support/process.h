// A child process for integration tests: spawns a real binary, reads its stdout line by line,
// and is always stopped and reaped, even when a test fails half-way.
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "vitals/common/clock.h"
#include "vitals/common/error.h"

namespace vitals::testing {

// How a child ended: exactly one of the two is set.
struct ExitStatus {
  std::optional<int> exit_code;
  std::optional<int> signal;

  bool exited_with(int code) const { return exit_code == code; }
};

// "exit code 0" or "killed by signal 9 (Killed)".
std::string to_string(const ExitStatus& status);

// Owns one child: its stdout comes through a pipe, its stderr goes to the test's own stderr, so
// a failing test shows what the child said. Not thread-safe: one test thread drives it.
// The destructor kills and reaps the child if it is still running.
class Process {
 public:
  // Starts `binary` with `args` (argv[1..]) in the test's environment, with default signal
  // handling and no signals blocked. Unavailable when the binary cannot be started.
  static Result<Process> spawn(const std::string& binary, const std::vector<std::string>& args);

  Process(Process&& other) noexcept;
  Process& operator=(Process&& other) noexcept;
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  ~Process();

  pid_t pid() const { return pid_; }

  // Returns the earliest stdout line for which `matches` is true and that no earlier wait
  // returned, reading more output until there is one. Lines that did not match stay available
  // to later waits, so a test need not wait for lines in the order the child printed them.
  // Timeout when no line matches in time; Unavailable when the child closes its stdout first.
  Result<std::string> wait_for_line_where(const std::function<bool(std::string_view)>& matches,
                                          Duration timeout);
  // The same for a line starting with `prefix`.
  Result<std::string> wait_for_line(std::string_view prefix, Duration timeout);
  // The same for a line matching `pattern` (regex_search); returns the match's groups, [0] being
  // the whole match.
  Result<std::vector<std::string>> wait_for_match(const std::regex& pattern, Duration timeout);
  // Every stdout line read so far, for failure messages.
  const std::vector<std::string>& output() const { return lines_; }

  // Sends `signal` without waiting. Harmless once the child has been reaped.
  void send_signal(int signal);
  // Waits up to `timeout` for the child to exit; Timeout when it is still running.
  Result<ExitStatus> wait_exit(Duration timeout);
  // SIGTERM, then SIGKILL when the child has not exited within `grace`; returns how it ended.
  ExitStatus terminate(Duration grace);
  // SIGKILL and reap.
  ExitStatus kill();

 private:
  Process(pid_t pid, int stdout_fd, int exit_fd);
  enum class ReadOutcome { Data, Timeout, Closed };
  // Appends whatever stdout has ready, waiting up to `timeout` for some.
  ReadOutcome read_some(Duration timeout);
  // Moves complete lines from partial_ to lines_.
  void split_lines();
  void add_line(std::string line);
  void close_fds();
  ExitStatus reap();

  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int exit_fd_ = -1;  // a pidfd: readable once the child has exited
  std::optional<ExitStatus> exit_status_;
  std::string partial_;
  std::vector<std::string> lines_;
  std::vector<bool> returned_;  // per line: already returned by a wait_for_*
};

}  // namespace vitals::testing
