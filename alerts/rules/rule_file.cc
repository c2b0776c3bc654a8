// The edge of the rule-file reader: YAML text or a file in, yaml-cpp's exceptions turned into
// errors, merge keys resolved, then each group and each rule read with its own YamlReader so a
// problem in one does not hide the problems in the others.
#include "alerts/rules/rule_file.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>

#include <yaml-cpp/yaml.h>

#include "agent/config/value_syntax.h"
#include "agent/config/yaml_reader.h"
#include "alerts/rules/rule_checks.h"
#include "alerts/rules/yaml_merge.h"
#include "vitals/common/duration.h"

namespace vitals::rules {
namespace {

using vitals::detail::MapReader;
using vitals::detail::YamlItem;
using vitals::detail::YamlReader;

// Every name under `key` (a mapping read already) with where its key was written.
std::map<std::string, SourceLocation> key_places(const MapReader& m, std::string_view key,
                                                 const std::map<std::string, std::string>& map) {
  std::map<std::string, SourceLocation> places;
  for (const auto& entry : map) {
    places[entry.first] = m.reader().location(m.path_of(key) + "." + entry.first);
  }
  return places;
}

// A YAML int, as Go decodes `limit` into an int. Negative limits mean no limit, as 0 does.
void read_limit(const MapReader& m, std::size_t& out) {
  std::string text;
  if (!m.read("limit", text)) return;
  auto value = vitals::detail::parse_int(text);
  if (!value) {
    m.fail("limit", "expected an integer, got \"" + text + "\"");
    return;
  }
  out = *value > 0 ? static_cast<std::size_t>(*value) : 0;
}

RuleSpec make_spec(detail::RuleFields&& f, promql::ExprPtr parsed) {
  RuleSpec spec;
  spec.where = f.where;
  spec.parsed = std::shared_ptr<const promql::Expr>(std::move(parsed));
  if (f.alert.empty()) {
    spec.rule = RecordingRuleSpec{
        .record = std::move(f.record), .expr = std::move(f.expr), .labels = std::move(f.labels)};
  } else {
    spec.rule = AlertingRuleSpec{.name = std::move(f.alert),
                                 .expr = std::move(f.expr),
                                 .for_ms = to_ms(f.for_duration),
                                 .keep_firing_for_ms = to_ms(f.keep_firing_for),
                                 .labels = std::move(f.labels),
                                 .annotations = std::move(f.annotations)};
  }
  return spec;
}

class FileChecker {
 public:
  FileChecker(const std::string& file, const RuleFileOptions& options)
      : file_(file), options_(options) {}

  RuleFileReport run(std::string_view text) {
    try {
      read_file(text);
    } catch (const YAML::Exception& e) {
      // Not expected once the text has parsed; kept so no yaml-cpp exception crosses our edge.
      add(Error{ErrorCode::Internal, "reading " + file_ + ": " + e.what(), std::nullopt});
    }
    // Groups and rules are read in file order; a rule's own checks run in rulefmt's order.
    // Sorting by place makes the list read top to bottom.
    std::stable_sort(report_.errors.begin(), report_.errors.end(), [](auto& a, auto& b) {
      auto line = [](const Error& e) { return e.where ? e.where->line : 0; };
      auto column = [](const Error& e) { return e.where ? e.where->column : 0; };
      return std::pair(line(a), column(a)) < std::pair(line(b), column(b));
    });
    return std::move(report_);
  }

 private:
  void read_file(std::string_view text) {
    YAML::Node root;
    try {
      root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
      std::optional<SourceLocation> where;
      if (!e.mark.is_null()) where = SourceLocation{file_, e.mark.line + 1, e.mark.column + 1};
      add(Error{ErrorCode::InvalidArgument, "invalid YAML: " + e.msg, where});
      return;
    }
    if (auto merged = detail::resolve_merge_keys(root, file_); !merged) {
      add(merged.error());
      return;
    }
    YamlReader reader(file_);
    MapReader top(reader, root, "", {"groups"});
    std::vector<YamlItem> groups = top.items("groups");
    if (!reader.ok()) {
      add(reader.error());
      return;
    }
    for (const YamlItem& item : groups) read_group(item);
  }

  void read_group(const YamlItem& item) {
    YamlReader reader(file_);
    MapReader g(reader, item, {"name", "interval", "query_offset", "limit", "labels", "rules"});
    GroupSpec group;
    group.file = file_;
    group.where = item.where;
    // The rules first: a bad group field should not hide the rules' own problems.
    std::vector<YamlItem> rules = g.items("rules");
    g.read("name", group.name);
    Duration interval{};
    Duration query_offset{};
    if (g.read("interval", interval)) group.interval_ms = to_ms(interval);
    if (g.read("query_offset", query_offset)) group.query_offset_ms = to_ms(query_offset);
    read_limit(g, group.limit);
    g.read("labels", group.labels);
    if (reader.ok()) {
      check_group(group, key_places(g, "labels", group.labels));
    } else {
      add(reader.error());
    }
    for (std::size_t i = 0; i < rules.size(); ++i) {
      if (auto rule = read_rule(rules[i], group.name, i + 1)) group.rules.push_back(*rule);
    }
    report_.groups.push_back(std::move(group));
  }

  void check_group(const GroupSpec& group, const std::map<std::string, SourceLocation>& places) {
    if (group.name.empty()) {
      add(Error{ErrorCode::InvalidArgument, "groupname must not be empty", group.where});
    } else if (!group_names_.insert(group.name).second) {
      add(Error{ErrorCode::InvalidArgument,
                "groupname: \"" + group.name + "\" is repeated in the same file", group.where});
    }
    for (Error& error : detail::check_group_labels(group.labels, places, group.name, group.where,
                                                   options_.names)) {
      add(std::move(error));
    }
  }

  std::optional<RuleSpec> read_rule(const YamlItem& item, const std::string& group,
                                    std::size_t index) {
    YamlReader reader(file_);
    MapReader m(reader, item,
                {"record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations"});
    detail::RuleFields f;
    f.where = item.where;
    m.read("record", f.record);
    m.read("alert", f.alert);
    m.read("expr", f.expr);
    m.read("for", f.for_duration);
    m.read("keep_firing_for", f.keep_firing_for);
    m.read("labels", f.labels);
    m.read("annotations", f.annotations);
    if (!reader.ok()) {
      add(reader.error());
      return std::nullopt;
    }
    f.record_at = m.where("record");
    f.alert_at = m.where("alert");
    f.expr_at = m.where("expr");
    f.label_at = key_places(m, "labels", f.labels);
    f.annotation_at = key_places(m, "annotations", f.annotations);
    promql::ExprPtr parsed;
    std::vector<Error> errors = detail::check_rule(f, group, index, options_.names, parsed);
    for (Error& error : errors) add(std::move(error));
    if (!errors.empty()) return std::nullopt;
    return make_spec(std::move(f), std::move(parsed));
  }

  void add(Error error) { report_.errors.push_back(std::move(error)); }

  const std::string& file_;
  const RuleFileOptions& options_;
  RuleFileReport report_;
  std::set<std::string> group_names_;
};

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

Result<std::string> read_text(const std::string& path) {
  auto fail = [&](int err) {
    return make_error(err == ENOENT ? ErrorCode::NotFound : ErrorCode::Unavailable,
                      "cannot read rule file \"" + path + "\": " + std::strerror(err));
  };
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return fail(EISDIR);
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) return fail(errno);
  std::string text;
  char buffer[16384];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, file.get())) text.append(buffer, n);
  if (std::ferror(file.get())) return fail(errno != 0 ? errno : EIO);
  return text;
}

Result<std::vector<GroupSpec>> groups_or_error(RuleFileReport report) {
  if (!report.errors.empty()) return tl::unexpected(combine_errors(report.errors));
  return std::move(report.groups);
}

}  // namespace

RuleFileReport check_rule_file_text(std::string_view text, const std::string& name,
                                    const RuleFileOptions& options) {
  return FileChecker(name, options).run(text);
}

RuleFileReport check_rule_file(const std::string& path, const RuleFileOptions& options) {
  auto text = read_text(path);
  if (!text) return RuleFileReport{.groups = {}, .errors = {text.error()}};
  return check_rule_file_text(*text, path, options);
}

Result<std::vector<GroupSpec>> parse_rule_file(std::string_view text, const std::string& name,
                                               const RuleFileOptions& options) {
  return groups_or_error(check_rule_file_text(text, name, options));
}

Result<std::vector<GroupSpec>> load_rule_file(const std::string& path,
                                              const RuleFileOptions& options) {
  return groups_or_error(check_rule_file(path, options));
}

Error combine_errors(const std::vector<Error>& errors) {
  Error combined = errors.front();
  for (std::size_t i = 1; i < errors.size(); ++i) combined.message += "\n" + to_string(errors[i]);
  return combined;
}

}  // namespace vitals::rules
