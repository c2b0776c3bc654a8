#include "alerts/rules/check_rules.h"

#include <iostream>
#include <iterator>
#include <optional>
#include <string>

#include "alerts/rules/rule_file.h"

namespace vitals::rules {
namespace {

constexpr std::string_view kUsage =
    "usage: vitals-agent check rules [--lint=duplicate-rules|all|none] [--lint-fatal] "
    "[FILE...]\n";

struct CheckFlags {
  bool lint_duplicates = true;
  bool lint_fatal = false;
  std::vector<std::string> files{};
};

std::optional<CheckFlags> parse_check_flags(const std::vector<std::string_view>& args,
                                            std::ostream& err) {
  CheckFlags flags;
  for (std::string_view arg : args) {
    if (arg == "--lint-fatal") {
      flags.lint_fatal = true;
    } else if (arg.starts_with("--lint=")) {
      std::string_view value = arg.substr(7);
      if (value != "none" && value != "all" && value != "duplicate-rules") {
        err << "vitals-agent: unknown --lint value \"" << value << "\"\n" << kUsage;
        return std::nullopt;
      }
      flags.lint_duplicates = value != "none";
    } else if (arg.starts_with("--")) {
      err << "vitals-agent: unknown flag " << arg << "\n" << kUsage;
      return std::nullopt;
    } else {
      flags.files.emplace_back(arg);
    }
  }
  return flags;
}

std::size_t count_rules(const std::vector<GroupSpec>& groups) {
  std::size_t n = 0;
  for (const GroupSpec& group : groups) n += group.rules.size();
  return n;
}

// promtool's wording, so scripts that read its output read ours.
std::string duplicates_text(const std::vector<DuplicateRule>& duplicates) {
  std::string text =
      "lint error " + std::to_string(duplicates.size()) + " duplicate rule(s) found.\n";
  for (const DuplicateRule& duplicate : duplicates) {
    text += "Metric: " + duplicate.name + "\nLabel(s):\n";
    for (const auto& [name, value] : duplicate.labels) text += "\t" + name + ": " + value + "\n";
  }
  return text + "Might cause inconsistency while recording expressions";
}

enum class Outcome { Passed, LintFailed, Failed };

Outcome check_one(const RuleFileReport& report, const CheckFlags& flags, std::ostream& out,
                  std::ostream& err) {
  Outcome outcome = Outcome::Passed;
  if (!report.errors.empty()) {
    out << std::flush;
    err << "  FAILED:\n";
    for (const Error& error : report.errors) err << to_string(error) << "\n";
    outcome = Outcome::Failed;
  } else if (auto duplicates = find_duplicate_rules(report.groups);
             flags.lint_duplicates && !duplicates.empty()) {
    out << std::flush;
    err << "  FAILED:\n" << duplicates_text(duplicates) << "\n";
    outcome = Outcome::LintFailed;
  } else {
    out << "  SUCCESS: " << count_rules(report.groups) << " rules found\n";
  }
  err << std::flush;
  out << "\n" << std::flush;
  return outcome;
}

}  // namespace

int check_rules_command(const std::vector<std::string_view>& args, std::ostream& out,
                        std::ostream& err) {
  auto flags = parse_check_flags(args, err);
  if (!flags) return 2;
  bool failed = false;
  bool lint_failed = false;
  auto record = [&](Outcome outcome) {
    failed = failed || outcome == Outcome::Failed;
    lint_failed = lint_failed || outcome == Outcome::LintFailed;
  };
  if (flags->files.empty()) {
    out << "Checking standard input\n";
    std::string text(std::istreambuf_iterator<char>(std::cin), {});
    record(check_one(check_rule_file_text(text, "standard input"), *flags, out, err));
  }
  for (const std::string& file : flags->files) {
    out << "Checking " << file << "\n";
    record(check_one(check_rule_file(file), *flags, out, err));
  }
  if (failed) return 1;
  if (lint_failed && flags->lint_fatal) return 3;
  return 0;
}

}  // namespace vitals::rules
