// `vitals-agent check rules` against the real `promtool check rules` (Debian's prometheus
// package) on every conformance rule file: both accept or both refuse. Debian's promtool is
// Prometheus 2.42 and the files come from 3.x; where 3.x changed the answer, we follow 3.x and
// the difference is listed below.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;

namespace {

const fs::path kConformance = VITALS_CONFORMANCE_DIR;
const std::string kAgent = VITALS_AGENT_BIN;
const std::string kPromtool = "/usr/bin/promtool";

// Files Prometheus 2.42 refuses that 3.x accepts: 3.x takes any UTF-8 label, annotation and
// metric name (2.x only [a-zA-Z_][a-zA-Z0-9_]*). The legacy_validation file is "bad" only under
// 3.x's optional legacy scheme, tested in conformance_files_test.cc.
const std::map<std::string, std::string> kThreeOnly = {
    {"utf-8_annotation.good.yaml", "UTF-8 annotation name"},
    {"utf-8_lname.good.yaml", "UTF-8 label name"},
    {"legacy_validation_annotation.bad.yaml", "UTF-8 annotation name"},
};

using Verdict = vitals::testing::CommandResult;

// Runs `binary args… file`, stderr joined to stdout.
Verdict run(const std::string& binary, std::vector<std::string> args, const std::string& file) {
  args.insert(args.begin(), binary);
  args.push_back(file);
  return vitals::testing::run_command(args, std::chrono::seconds(30));
}

std::vector<fs::path> rule_files() {
  std::vector<fs::path> files;
  for (const char* sub : {"rulefmt", "promtool"}) {
    fs::path dir = kConformance / sub;
    if (!fs::is_directory(dir)) continue;
    for (const auto& entry : fs::directory_iterator(dir)) {
      std::string ext = entry.path().extension().string();
      if (ext == ".yml" || ext == ".yaml") files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("check rules accepts and refuses the conformance files as promtool check rules does") {
  std::vector<fs::path> files = rule_files();
  if (files.empty()) {
    MESSAGE("skipped: no conformance data under " << kConformance.string());
    return;
  }
  bool have_promtool = fs::exists(kPromtool);
  if (!have_promtool) MESSAGE("promtool not installed: checking our verdicts alone");
  int compared = 0;
  for (const fs::path& file : files) {
    std::string name = file.filename().string();
    CAPTURE(file.string());
    Verdict ours = run(kAgent, {"check", "rules"}, file.string());
    CAPTURE(ours.output);
    REQUIRE((ours.code == 0 || ours.code == 1));
    CHECK(ours.output.starts_with("Checking " + file.string() + "\n"));
    if (name.ends_with(".good.yaml")) CHECK(ours.code == 0);
    if (name.ends_with(".bad.yaml") && !kThreeOnly.contains(name)) CHECK(ours.code == 1);
    if (!have_promtool) continue;
    Verdict theirs = run(kPromtool, {"check", "rules"}, file.string());
    CAPTURE(theirs.output);
    if (auto known = kThreeOnly.find(name); known != kThreeOnly.end()) {
      // Prometheus 3 accepts it (a 3.x feature: the known->second); 2.42 does not.
      CHECK(ours.code == 0);
      CHECK(theirs.code == 1);
      continue;
    }
    CHECK(ours.code == theirs.code);
    ++compared;
  }
  CHECK(compared > 0);
}

TEST_CASE("check rules over several files exits like promtool over the same files") {
  const fs::path dir = kConformance / "promtool";
  if (!fs::is_directory(dir) || !fs::exists(kPromtool)) {
    MESSAGE("skipped: needs the conformance data and /usr/bin/promtool");
    return;
  }
  // Sh joins the files into one argument list through "$@".
  auto both = [&](const std::vector<std::string>& names) {
    std::vector<std::string> args = {"check", "rules"};
    for (std::size_t i = 0; i + 1 < names.size(); ++i) args.push_back((dir / names[i]).string());
    std::string last = (dir / names.back()).string();
    return std::pair(run(kAgent, args, last).code, run(kPromtool, args, last).code);
  };
  auto [ours_ok, theirs_ok] = both({"rules.yml", "rules_duplicates.yml", "at-modifier.yml"});
  CHECK(ours_ok == 0);
  CHECK(theirs_ok == 0);
  auto [ours_bad, theirs_bad] = both({"rules.yml", "rules-bad.yml"});
  CHECK(ours_bad == 1);
  CHECK(theirs_bad == 1);
}

TEST_CASE("check rules takes Prometheus 3's group settings, which promtool 2.42 does not know") {
  // query_offset (2.53) and group labels (3.x) are newer than Debian's promtool: it refuses them
  // as unknown fields, and we follow 3.x.
  vitals::testing::TempDir dir;
  std::string file = dir.write_file("three.yml", R"(groups:
  - name: g
    query_offset: 1m
    labels: {team: cards}
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
)");
  Verdict ours = run(kAgent, {"check", "rules"}, file);
  CAPTURE(ours.output);
  CHECK(ours.code == 0);
  if (!fs::exists(kPromtool)) return;
  Verdict theirs = run(kPromtool, {"check", "rules"}, file);
  CAPTURE(theirs.output);
  CHECK(theirs.code == 1);
  CHECK(theirs.output.find("field query_offset not found") != std::string::npos);
}
