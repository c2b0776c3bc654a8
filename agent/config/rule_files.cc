// Expands rule_files patterns into file names with glob(3).
#include <glob.h>

#include <set>

#include "agent/config/config.h"

namespace vitals {
namespace {

bool has_wildcard(const std::string& pattern) {
  return pattern.find_first_of("*?[") != std::string::npos;
}

}  // namespace

std::vector<std::string> expand_rule_pattern(const RuleFilePattern& pattern) {
  if (!has_wildcard(pattern.path)) return {pattern.path};
  glob_t matches{};
  std::vector<std::string> files;
  // glob(3) sorts its results; GLOB_NOMATCH and read errors both leave nothing to add.
  if (glob(pattern.path.c_str(), 0, nullptr, &matches) == 0) {
    for (std::size_t i = 0; i < matches.gl_pathc; ++i) files.emplace_back(matches.gl_pathv[i]);
  }
  globfree(&matches);
  return files;
}

std::vector<std::string> expand_rule_files(const Config& config) {
  std::vector<std::string> files;
  std::set<std::string> seen;
  for (const RuleFilePattern& pattern : config.rule_files) {
    for (std::string& file : expand_rule_pattern(pattern)) {
      if (seen.insert(file).second) files.push_back(std::move(file));
    }
  }
  return files;
}

}  // namespace vitals
