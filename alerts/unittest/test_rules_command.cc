#include "alerts/unittest/test_rules_command.h"

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>

#include <re2/re2.h>

#include "alerts/unittest/runner.h"

namespace vitals::unittest {
namespace {

constexpr std::string_view kUsage = "usage: vitals-agent test rules [--run=REGEX]... FILE...\n";

struct TestFlags {
  RunOptions options{};
  std::vector<std::string> files{};
};

// The reason the arguments cannot run, or nothing.
std::optional<std::string> parse_test_flags(const std::vector<std::string_view>& args,
                                            TestFlags& flags) {
  std::vector<std::string> runs;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--run") {
      if (i + 1 == args.size()) return "flag --run needs a value";
      runs.emplace_back(args[++i]);
    } else if (arg.starts_with("--run=")) {
      runs.emplace_back(arg.substr(6));
    } else if (arg.starts_with("--")) {
      return "unknown flag " + std::string(arg);
    } else {
      flags.files.emplace_back(arg);
    }
  }
  for (const std::string& run : runs) {
    flags.options.run_pattern += (flags.options.run_pattern.empty() ? "" : "|") + run;
  }
  if (!flags.options.run_pattern.empty()) {
    RE2 pattern(flags.options.run_pattern, RE2::Quiet);
    if (!pattern.ok()) return "invalid --run pattern: " + pattern.error();
  }
  if (flags.files.empty()) return "required argument 'test-rule-file' not provided";
  // kingpin's ExistingFiles check, before any file runs.
  for (const std::string& file : flags.files) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) return "path '" + file + "' does not exist";
    if (std::filesystem::is_directory(file, ec)) return "'" + file + "' is a directory";
  }
  return std::nullopt;
}

// promtool writes the verdict line and blank lines to stdout and the failures to stderr; the
// flushes keep them in order when both go to one terminal.
bool test_one(const std::string& file, const RunOptions& options, std::ostream& out,
              std::ostream& err) {
  out << "Unit Testing:  " << file << "\n" << std::flush;
  FileResult result = run_test_file(file, options);
  for (const std::string& warning : result.warnings) err << warning << "\n";
  if (result.failures.empty()) {
    err << std::flush;
    out << "  SUCCESS\n\n" << std::flush;
    return true;
  }
  err << "  FAILED:\n";
  for (const std::string& failure : result.failures) {
    err << failure << "\n" << std::flush;
    out << "\n" << std::flush;
  }
  out << "\n" << std::flush;
  return false;
}

}  // namespace

int test_rules_command(const std::vector<std::string_view>& args, std::ostream& out,
                       std::ostream& err) {
  TestFlags flags;
  if (auto problem = parse_test_flags(args, flags)) {
    err << "vitals-agent: error: " << *problem << "\n" << kUsage;
    return 1;
  }
  bool passed = true;
  for (const std::string& file : flags.files) {
    passed = test_one(file, flags.options, out, err) && passed;
  }
  return passed ? 0 : 1;
}

}  // namespace vitals::unittest
