#include "alerts/rules/yaml_merge.h"

#include <vector>

namespace vitals::rules::detail {
namespace {

// Aliases let a small file name the same subtree many times; the walk below visits it each
// time, so it stops after this many nodes (a billion-laughs file) or this deep.
constexpr long kMaxVisits = 1'000'000;
constexpr int kMaxDepth = 200;

bool is_merge_key(const YAML::Node& key) {
  return key.IsScalar() && key.Scalar() == "<<" &&
         (key.Tag() == "?" || key.Tag() == "tag:yaml.org,2002:merge");
}

bool has_key(const YAML::Node& map, const std::string& key) {
  for (const auto& pair : map) {
    if (pair.first.IsScalar() && !is_merge_key(pair.first) && pair.first.Scalar() == key) {
      return true;
    }
  }
  return false;
}

class MergeResolver {
 public:
  explicit MergeResolver(const std::string& file) : file_(file) {}

  void visit(YAML::Node node, int depth) {
    if (error_ || node.IsScalar() || node.IsNull()) return;
    if (++visits_ > kMaxVisits || depth > kMaxDepth) {
      fail(node, "the document nests aliases too deeply to expand");
      return;
    }
    if (node.IsSequence()) {
      for (YAML::Node child : node) visit(child, depth + 1);
      return;
    }
    if (!node.IsMap()) return;
    merge_into(node, depth);
    for (const auto& pair : node) visit(pair.second, depth + 1);
  }

  const std::optional<Error>& error() const { return error_; }

 private:
  void merge_into(YAML::Node map, int depth) {
    std::vector<YAML::Node> merge_keys;
    std::vector<YAML::Node> sources;
    for (const auto& pair : map) {
      if (!is_merge_key(pair.first)) continue;
      merge_keys.push_back(pair.first);
      if (pair.second.IsMap()) {
        sources.push_back(pair.second);
      } else if (pair.second.IsSequence()) {
        for (YAML::Node item : pair.second) {
          if (!item.IsMap()) return fail(item, kMergeValue);
          sources.push_back(item);
        }
      } else {
        return fail(pair.second, kMergeValue);
      }
    }
    if (merge_keys.empty()) return;
    for (YAML::Node& key : merge_keys) map.remove(key);
    for (YAML::Node& source : sources) {
      visit(source, depth + 1);  // a merged mapping may merge others itself
      if (error_) return;
      for (const auto& pair : source) {
        if (!pair.first.IsScalar() || !has_key(map, pair.first.Scalar())) {
          map.force_insert(pair.first, pair.second);
        }
      }
    }
  }

  void fail(const YAML::Node& at, const char* message) {
    if (error_) return;
    YAML::Mark mark = at.Mark();
    std::optional<SourceLocation> where;
    if (!mark.is_null()) where = SourceLocation{file_, mark.line + 1, mark.column + 1};
    error_ = Error{ErrorCode::InvalidArgument, message, where};
  }

  static constexpr const char* kMergeValue =
      "map merge requires map or sequence of maps as the value";

  const std::string& file_;
  std::optional<Error> error_;
  long visits_ = 0;
};

}  // namespace

Result<void> resolve_merge_keys(YAML::Node root, const std::string& file) {
  MergeResolver resolver(file);
  resolver.visit(root, 0);
  if (resolver.error()) return tl::unexpected(*resolver.error());
  return {};
}

}  // namespace vitals::rules::detail
