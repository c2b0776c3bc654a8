// `vitals-agent test rules [--run=REGEX]... FILE...`: runs promtool's rule unit-test files with
// `promtool test rules`' output and exit codes.
#pragma once

#include <iosfwd>
#include <string_view>
#include <vector>

namespace vitals::unittest {

// For each file, "Unit Testing:  FILE" on `out`, then "  SUCCESS" on `out`, or "  FAILED:" and
// each failure on `err` with a blank line on `out` after each; a blank line on `out` after every
// file. rule_files patterns that match nothing are warned about on `err`. As with promtool, a
// FILE that does not exist or is a directory stops everything before any file runs.
// --run (repeatable, joined with |) keeps only test groups whose name the pattern finds.
// Returns 0 when every file passed, 1 when one failed or the arguments are wrong (promtool's
// codes for both).
int test_rules_command(const std::vector<std::string_view>& args, std::ostream& out,
                       std::ostream& err);

}  // namespace vitals::unittest
