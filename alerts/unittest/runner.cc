#include "alerts/unittest/runner.h"

#include <glob.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include <re2/re2.h>

#include "alerts/rules/rule_file.h"
#include "alerts/unittest/group_runner.h"

namespace vitals::unittest {
namespace {

// promtool's resolveAndGlobFilepaths: relative names are joined to the test file's directory
// and cleaned (so "rules.yml" next to "tests/t.yml" reads "tests/rules.yml"), then globbed.
std::vector<std::string> resolve_rule_files(const UnitTestFile& file,
                                            std::vector<std::string>& warnings) {
  const std::filesystem::path dir = std::filesystem::path(file.path).parent_path();
  std::vector<std::string> matched;
  for (const std::string& name : file.rule_files) {
    std::string pattern = name;
    if (!name.empty() && std::filesystem::path(name).is_relative()) {
      pattern = (dir / name).lexically_normal().string();
    }
    glob_t found{};
    if (!pattern.empty() && ::glob(pattern.c_str(), 0, nullptr, &found) == 0) {
      for (std::size_t i = 0; i < found.gl_pathc; ++i) matched.emplace_back(found.gl_pathv[i]);
    } else {
      warnings.push_back("  WARNING: no file match pattern " + pattern);
    }
    ::globfree(&found);
  }
  return matched;
}

// Prometheus' LoadGroups: the first file that does not load fails them all; a file named twice
// is loaded once.
void load_rules(const std::vector<std::string>& files, detail::GroupContext& context) {
  std::set<std::string> seen;
  for (const std::string& path : files) {
    if (!seen.insert(path).second) continue;
    rules::RuleFileReport report = rules::check_rule_file(path);
    if (!report.errors.empty()) {
      context.rule_groups.clear();
      for (const Error& error : report.errors) context.rule_errors.push_back(to_string(error));
      return;
    }
    for (rules::GroupSpec& group : report.groups) context.rule_groups.push_back(std::move(group));
  }
}

// promtool's orderedGroups sorts by the position in group_eval_order, a group not named there
// counting as 0 (the first place), in no particular order among equals; file order is ours.
void order_groups(const std::map<std::string, int>& order, std::vector<rules::GroupSpec>& groups) {
  auto rank = [&](const rules::GroupSpec& group) {
    auto found = order.find(group.name);
    return found == order.end() ? 0 : found->second;
  };
  std::stable_sort(groups.begin(), groups.end(),
                   [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
}

}  // namespace

FileResult run_test_file(const UnitTestFile& file, const RunOptions& options) {
  FileResult result;
  std::vector<std::string> rule_files = resolve_rule_files(file, result.warnings);
  std::map<std::string, int> order;
  for (const std::string& name : file.group_eval_order) {
    if (!order.emplace(name, static_cast<int>(order.size())).second) {
      result.failures.push_back("group name repeated in evaluation order: " + name);
      return result;
    }
  }
  std::unique_ptr<RE2> run;
  if (!options.run_pattern.empty()) run = std::make_unique<RE2>(options.run_pattern);

  detail::GroupContext context{.evaluation_interval_ms = file.evaluation_interval_ms,
                               .fuzzy_compare = file.fuzzy_compare};
  bool loaded = false;
  for (const TestGroup& group : file.tests) {
    if (run && !RE2::PartialMatch(group.name, *run)) continue;
    if (!loaded) {
      load_rules(rule_files, context);
      order_groups(order, context.rule_groups);
      loaded = true;
    }
    for (std::string& failure : detail::run_test_group(group, context)) {
      result.failures.push_back(std::move(failure));
    }
  }
  return result;
}

FileResult run_test_file(const std::string& path, const RunOptions& options) {
  auto file = load_unit_test_file(path);
  if (!file) return FileResult{.failures = {to_string(file.error())}};
  return run_test_file(*file, options);
}

}  // namespace vitals::unittest
