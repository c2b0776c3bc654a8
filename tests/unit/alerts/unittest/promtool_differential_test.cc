// `vitals-agent test rules` against the real `promtool test rules` (Debian's prometheus package,
// Prometheus 2.42) on every file of ../shared/conformance/promtool and on our own examples in
// data/: both exit alike, and where the failure text comes from the test file alone (not from
// an engine's error wording) both print the same text. The conformance files come from
// Prometheus 3.x; the ones 2.42 cannot run the 3.x way are listed with the reason and checked
// against 3.x's answer instead. The shipped rules (alerts/rules.d) pass `check rules` and their
// tests under both tools, with the same text.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/run_command.h"

namespace fs = std::filesystem;

namespace {

const fs::path kConformance = fs::path(VITALS_CONFORMANCE_DIR) / "promtool";
const fs::path kData = VITALS_UNITTEST_DATA_DIR;
const std::string kAgent = VITALS_AGENT_BIN;
const std::string kPromtool = "/usr/bin/promtool";
// The shipped rules are alerts/rules.d/NAME.yml, each tested by alerts/rules.d/tests/NAME_test.yml
// (a folder of their own, so the `rules.d/*.yml` glob of a configuration loads no test file).
const fs::path kShippedRules = VITALS_SHIPPED_RULES_DIR;
const fs::path kShippedTests = kShippedRules / "tests";

struct ThreeOnly {
  std::string reason;
  int ours = 0;  // Prometheus 3's exit code, which we follow
};

// Files promtool 2.42 does not run as Prometheus 3 does.
const std::map<std::string, ThreeOnly> kThreeOnly = {
    {"rules_run_fuzzy.yml",
     {"fuzzy_compare is a 3.x key (2.42 refuses the file); its \"wrong fuzzy match\" group fails "
      "by design, Prometheus' own test runs it with --run correct",
      1}},
    {"rules_run_no_fuzzy.yml", {"fuzzy_compare is a 3.x key; the file fails by design", 1}},
    {"start-time-test.yml", {"start_timestamp is a 3.x key (2.42 refuses the file)", 0}},
    {"unittest.yml",
     {"native-histogram input series and `histogram` samples are 3.x (2.42 refuses the file); "
      "vitals has no native histograms either, so its histogram cases fail",
      1}},
    {"no-test-group-interval.yml",
     {"2.42 loads the series of a test group without `interval` at interval 0; 3.x (and vitals) "
      "use evaluation_interval",
      0}},
};

// Files whose whole output must match promtool's: their failures (if any) are printed from the
// test file, not from an engine's error message.
const std::set<std::string> kSameText = {
    "at-modifier-test.yml", "failing.yml",    "long-period.yml",         "negative-offset-test.yml",
    "rules_run.yml",        "cards_test.yml", "probes_failing_test.yml",
};

using Verdict = vitals::testing::CommandResult;

// Runs `binary test rules [args…]`, stderr joined to stdout.
Verdict run(const std::string& binary, std::vector<std::string> args) {
  args.insert(args.begin(), {binary, "test", "rules"});
  return vitals::testing::run_command(args, std::chrono::seconds(60));
}

// True when every failure printed is a native-histogram case: the rest of the file passed.
bool only_histograms_fail(const std::string& output) {
  std::size_t failures = 0;
  std::size_t start = output.find("  FAILED:\n");
  if (start == std::string::npos) return false;
  std::istringstream lines(output.substr(start + 10));
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    if (line.find("native histogram") == std::string::npos) return false;
    ++failures;
  }
  return failures > 0;
}

std::vector<fs::path> yaml_files(const fs::path& dir) {
  std::vector<fs::path> files;
  if (!fs::is_directory(dir)) return files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".yml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("test rules exits as promtool test rules does on every conformance file") {
  std::vector<fs::path> files = yaml_files(kConformance);
  if (files.empty()) {
    MESSAGE("skipped: no conformance data under " << kConformance.string());
    return;
  }
  if (!fs::exists(kPromtool)) {
    MESSAGE("skipped: promtool is not installed (Debian's prometheus package)");
    return;
  }
  int compared = 0;
  for (const fs::path& file : files) {
    const std::string name = file.filename().string();
    CAPTURE(name);
    Verdict ours = run(kAgent, {file.string()});
    CAPTURE(ours.output);
    if (auto known = kThreeOnly.find(name); known != kThreeOnly.end()) {
      MESSAGE("not compared with promtool 2.42: " << name << ": " << known->second.reason);
      CHECK(ours.code == known->second.ours);
      if (name == "unittest.yml") CHECK(only_histograms_fail(ours.output));
      continue;
    }
    Verdict theirs = run(kPromtool, {file.string()});
    CAPTURE(theirs.output);
    CHECK(ours.code == theirs.code);
    if (kSameText.contains(name)) CHECK(ours.output == theirs.output);
    ++compared;
  }
  CHECK(compared >= 15);
}

TEST_CASE("test rules agrees with promtool on our own passing and failing examples") {
  if (!fs::exists(kPromtool)) {
    MESSAGE("skipped: promtool is not installed (Debian's prometheus package)");
    return;
  }
  for (const char* name : {"cards_test.yml", "probes_failing_test.yml"}) {
    CAPTURE(name);
    const std::string file = (kData / name).string();
    Verdict ours = run(kAgent, {file});
    Verdict theirs = run(kPromtool, {file});
    CHECK(ours.code == theirs.code);
    CHECK(ours.output == theirs.output);
  }
  // Both files at once: one failure fails the run.
  Verdict ours = run(
      kAgent, {(kData / "cards_test.yml").string(), (kData / "probes_failing_test.yml").string()});
  Verdict theirs = run(kPromtool, {(kData / "cards_test.yml").string(),
                                   (kData / "probes_failing_test.yml").string()});
  CHECK(ours.code == 1);
  CHECK(theirs.code == 1);
  CHECK(ours.output == theirs.output);
}

TEST_CASE("every shipped rule file has its test file and every test file its rule file") {
  std::vector<fs::path> rule_files = yaml_files(kShippedRules);
  REQUIRE(!rule_files.empty());
  for (const fs::path& rules : rule_files) {
    CAPTURE(rules);
    CHECK_FALSE(rules.stem().string().ends_with("_test"));
    CHECK(fs::exists(kShippedTests / (rules.stem().string() + "_test.yml")));
  }
  for (const fs::path& test : yaml_files(kShippedTests)) {
    CAPTURE(test);
    const std::string stem = test.stem().string();
    REQUIRE(stem.ends_with("_test"));
    CHECK(fs::exists(kShippedRules / (stem.substr(0, stem.size() - 5) + ".yml")));
  }
}

TEST_CASE("both tools accept every shipped rule file") {
  for (const fs::path& rules : yaml_files(kShippedRules)) {
    CAPTURE(rules);
    Verdict ours = vitals::testing::run_command({kAgent, "check", "rules", rules.string()},
                                                std::chrono::seconds(60));
    CAPTURE(ours.output);
    CHECK(ours.code == 0);
    if (!fs::exists(kPromtool)) continue;
    Verdict theirs = vitals::testing::run_command({kPromtool, "check", "rules", rules.string()},
                                                  std::chrono::seconds(60));
    CAPTURE(theirs.output);
    CHECK(theirs.code == 0);
    CHECK(ours.output == theirs.output);
  }
}

TEST_CASE("the shipped rule files' tests pass under both tools with the same text") {
  std::size_t compared = 0;
  for (const fs::path& test : yaml_files(kShippedTests)) {
    const std::string file = test.string();
    CAPTURE(file);
    Verdict ours = run(kAgent, {file});
    CAPTURE(ours.output);
    CHECK(ours.code == 0);
    if (fs::exists(kPromtool)) {
      Verdict theirs = run(kPromtool, {file});
      CAPTURE(theirs.output);
      CHECK(theirs.code == 0);
      CHECK(ours.output == theirs.output);
    }
    ++compared;
  }
  CHECK(compared >= yaml_files(kShippedRules).size());
  CHECK(compared >= 4);
}

TEST_CASE("a missing test file stops test rules before any file runs, as in promtool") {
  const std::vector<std::string> args = {(kData / "cards_test.yml").string(),
                                         (kData / "missing_test.yml").string()};
  Verdict ours = run(kAgent, args);
  CHECK(ours.code == 1);
  CHECK(ours.output.find("Unit Testing:") == std::string::npos);
  if (!fs::exists(kPromtool)) return;
  CHECK(run(kPromtool, args).code == 1);
}

TEST_CASE("the 3.x-only conformance files pass where 3.x passes them") {
  if (!fs::is_directory(kConformance)) {
    MESSAGE("skipped: no conformance data under " << kConformance.string());
    return;
  }
  // Prometheus' own test runs these with --run, keeping the groups meant to pass.
  CHECK(run(kAgent, {"--run", "correct", (kConformance / "rules_run_fuzzy.yml").string()}).code ==
        0);
  CHECK(run(kAgent, {"--run=correct", (kConformance / "rules_run.yml").string()}).code == 0);
  Verdict no_fuzzy = run(kAgent, {(kConformance / "rules_run_no_fuzzy.yml").string()});
  CHECK(no_fuzzy.output.find("got: {__name__=\"test_low\"} 2.9999999999999996E+00") !=
        std::string::npos);
}
