// Runs one of the agent's commands (`check rules`, `test rules`…) in the test's own process
// and keeps its exit code and what it wrote to each stream.
#pragma once

#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace vitals::testing {

struct CommandOutput {
  int code = 0;
  std::string out;
  std::string err;
};

template <typename Command>
CommandOutput run_in_process(Command command, const std::vector<std::string>& args) {
  std::vector<std::string_view> views(args.begin(), args.end());
  std::ostringstream out;
  std::ostringstream err;
  CommandOutput result;
  result.code = command(views, out, err);
  result.out = out.str();
  result.err = err.str();
  return result;
}

}  // namespace vitals::testing
