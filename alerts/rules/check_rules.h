// `vitals-agent check rules [--lint=duplicate-rules|all|none] [--lint-fatal] FILE...`: checks
// rule files like `promtool check rules`, with its output and exit codes.
#pragma once

#include <iosfwd>
#include <string_view>
#include <vector>

namespace vitals::rules {

// For each file, "Checking FILE" on `out`, then "  SUCCESS: N rules found" on `out`, or
// "  FAILED:" and one "file:line:col: reason" per problem on `err`; a blank line after each.
// Duplicate rules (same name and labels) are reported as promtool's lint does, as a failure
// that does not change the exit code unless --lint-fatal. With no FILE, standard input is read.
// Returns 0 when every file passed, 1 when one had errors, 3 when only lint failed under
// --lint-fatal, 2 for a usage error.
int check_rules_command(const std::vector<std::string_view>& args, std::ostream& out,
                        std::ostream& err);

}  // namespace vitals::rules
