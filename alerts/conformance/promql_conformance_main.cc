// promql-conformance: runs Prometheus' promqltest files against vitals' PromQL engine and prints
// a table per file, then `passed: P failed: F skipped: S` as its last line.
//
//   promql-conformance [-v] [--require-pass a,b,…] [--no-range-mode] [--no-at-modifier]
//                      [DIR] [FILE…]
//
// DIR defaults to $VITALS_CONFORMANCE_DIR/promql (then the first argument is a FILE unless it
// names a directory or holds a '/'); a missing DIR is reported and skipped (exit 0).
// FILEs (with or without .test) pick files in DIR; the default is every *.test there. With
// --require-pass, the exit status is 1 when a named file has a failure or was not run.
// --no-range-mode and --no-at-modifier leave out promqltest's second looks at instant cases.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "alerts/conformance/runner.h"

namespace {

namespace fs = std::filesystem;
using vitals::conformance::FileReport;

struct Flags {
  bool verbose = false;
  bool range_mode = true;
  bool at_modifier = true;
  std::set<std::string> require_pass{};
  std::string dir{};
  std::vector<std::string> files{};
};

std::string stem(std::string name) {
  if (name.ends_with(".test")) name.resize(name.size() - 5);
  return name;
}

void split_into(const std::string& list, std::set<std::string>& out) {
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t end = std::min(list.find(',', start), list.size());
    if (end > start) out.insert(stem(list.substr(start, end - start)));
    start = end + 1;
  }
}

int usage() {
  std::cerr << "usage: promql-conformance [-v] [--require-pass FILE,FILE…] [--no-range-mode] "
               "[--no-at-modifier] [DIR] [FILE…]\n";
  return 2;
}

// False on a usage error.
bool parse_flags(int argc, char** argv, Flags& flags) {
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-v" || arg == "--verbose") {
      flags.verbose = true;
    } else if (arg == "--no-range-mode") {
      flags.range_mode = false;
    } else if (arg == "--no-at-modifier") {
      flags.at_modifier = false;
    } else if (arg == "--require-pass" && i + 1 < argc) {
      split_into(argv[++i], flags.require_pass);
    } else if (arg.starts_with("--require-pass=")) {
      split_into(arg.substr(15), flags.require_pass);
    } else if (arg.starts_with("-")) {
      return false;
    } else {
      positional.push_back(arg);
    }
  }
  // The first argument is DIR unless $VITALS_CONFORMANCE_DIR is set and it looks like a file
  // name (no directory of that name, no '/').
  const char* env = std::getenv("VITALS_CONFORMANCE_DIR");
  const bool first_is_dir =
      !positional.empty() && (env == nullptr || fs::is_directory(positional.front()) ||
                              positional.front().find('/') != std::string::npos);
  if (first_is_dir) {
    flags.dir = positional.front();
    positional.erase(positional.begin());
  } else if (env != nullptr) {
    flags.dir = (fs::path(env) / "promql").string();
  }
  flags.files = std::move(positional);
  return !flags.dir.empty();
}

std::vector<fs::path> pick_files(const Flags& flags) {
  std::vector<fs::path> out;
  if (flags.files.empty()) {
    for (const auto& entry : fs::directory_iterator(flags.dir)) {
      if (entry.path().extension() == ".test") out.push_back(entry.path());
    }
  }
  for (const std::string& name : flags.files)
    out.push_back(fs::path(flags.dir) / (stem(name) + ".test"));
  std::sort(out.begin(), out.end());
  return out;
}

std::string shorten(std::string text, std::size_t limit = 300) {
  if (text.size() > limit) text = text.substr(0, limit) + "…";
  return text;
}

void print_row(const FileReport& report) {
  std::printf("%-28s %7d %7d %8d  %s\n", report.file.c_str(), report.passed, report.failed,
              report.skipped, report.top_skip_reasons().c_str());
}

void print_failures(const FileReport& report) {
  if (!report.error.empty()) std::printf("%s: %s\n", report.file.c_str(), report.error.c_str());
  for (const auto& failure : report.failures) {
    std::printf("%s:%d: %s\n    expected: %s\n    got:      %s\n", report.file.c_str(),
                failure.line, shorten(failure.expr).c_str(), shorten(failure.expected).c_str(),
                shorten(failure.got).c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  if (!parse_flags(argc, argv, flags)) return usage();
  if (!fs::is_directory(flags.dir)) {
    std::printf("conformance folder %s not found: skipped\n", flags.dir.c_str());
    return 0;
  }
  vitals::conformance::RunnerOptions options;
  options.check_range_mode = flags.range_mode;
  options.check_at_modifier = flags.at_modifier;

  std::vector<FileReport> reports;
  for (const fs::path& path : pick_files(flags)) {
    reports.push_back(vitals::conformance::run_test_path(path.string(), options));
  }
  std::printf("%-28s %7s %7s %8s  %s\n", "file", "passed", "failed", "skipped", "top skip reasons");
  int passed = 0;
  int failed = 0;
  int skipped = 0;
  for (const FileReport& report : reports) {
    print_row(report);
    passed += report.passed, failed += report.failed, skipped += report.skipped;
  }
  if (flags.verbose) {
    for (const FileReport& report : reports) print_failures(report);
  }
  int status = 0;
  for (const std::string& name : flags.require_pass) {
    auto it = std::find_if(reports.begin(), reports.end(),
                           [&](const FileReport& r) { return stem(r.file) == name; });
    if (it == reports.end()) {
      std::printf("required file %s.test was not run\n", name.c_str());
      status = 1;
    } else if (it->failed > 0) {
      std::printf("required file %s has %d failures\n", it->file.c_str(), it->failed);
      status = 1;
    }
  }
  std::printf("passed: %d failed: %d skipped: %d\n", passed, failed, skipped);
  return status;
}
