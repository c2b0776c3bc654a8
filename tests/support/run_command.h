// Runs a command-line tool to its end and keeps what it printed, for tests that compare tools'
// verdicts (ours against promtool's): stderr is joined to stdout through /bin/sh, in the order
// written, as a user sees it in a terminal.
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/why.h"

namespace vitals::testing {

struct CommandResult {
  int code = -1;  // the exit code; -1 when killed by a signal
  std::string output;
};

// `command` is the program and its arguments.
inline CommandResult run_command(const std::vector<std::string>& command,
                                 std::chrono::seconds timeout) {
  std::vector<std::string> sh_args = {"-c", "exec \"$@\" 2>&1", "sh"};
  sh_args.insert(sh_args.end(), command.begin(), command.end());
  auto process = Process::spawn("/bin/sh", sh_args);
  REQUIRE_MESSAGE(process, why(process));
  // Read to the end of its output (a line that never matches), then collect the exit.
  (void)process->wait_for_line_where([](std::string_view) { return false; }, timeout);
  auto status = process->wait_exit(std::chrono::seconds(10));
  REQUIRE_MESSAGE(status, why(status));
  CommandResult result;
  result.code = status->exit_code.value_or(-1);
  for (const std::string& line : process->output()) result.output += line + "\n";
  return result;
}

}  // namespace vitals::testing
