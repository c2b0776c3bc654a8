#include "agent/config/yaml_reader.h"

#include <algorithm>

#include "agent/config/matcher.h"
#include "agent/config/value_syntax.h"
#include "vitals/common/duration.h"

namespace vitals::detail {
namespace {

std::string quoted(const std::string& text) {
  return "\"" + text + "\"";
}

// How an error names the mapping it is about: "in services[0]" or "at top level".
std::string context(const std::string& path) {
  return path.empty() ? "at top level" : "in " + path;
}

}  // namespace

std::string describe(const YAML::Node& node) {
  if (node.IsMap()) return "a mapping";
  if (node.IsSequence()) return "a list";
  if (node.IsNull()) return "nothing";
  return quoted(node.Scalar());
}

SourceLocation YamlReader::where(const YAML::Node& node) const {
  YAML::Mark mark = node.Mark();
  if (mark.is_null()) return SourceLocation{file_, 0, 0};
  return SourceLocation{file_, mark.line + 1, mark.column + 1};
}

void YamlReader::fail(SourceLocation at, std::string message) {
  if (error_) return;
  error_ = Error{ErrorCode::InvalidArgument, std::move(message), std::move(at)};
}

SourceLocation YamlReader::location(const std::string& path) const {
  auto found = locations_.find(path);
  return found == locations_.end() ? SourceLocation{file_, 0, 0} : found->second;
}

MapReader::MapReader(YamlReader& reader, YAML::Node node, std::string path,
                     std::initializer_list<std::string_view> allowed, SourceLocation fallback)
    : reader_(reader), node_(node), path_(std::move(path)) {
  // A null value's mark points past it (often at the next line), so use the key's place then.
  where_ = node_.IsNull() ? std::move(fallback) : reader_.where(node_);
  if (!reader_.ok() || node_.IsNull()) return;
  if (!node_.IsMap()) {
    std::string got = ", got " + describe(node_);
    reader_.fail(where_, path_.empty() ? "expected a mapping at top level" + got
                                       : path_ + ": expected a mapping" + got);
    return;
  }
  check_keys(allowed);
}

void MapReader::check_keys(std::initializer_list<std::string_view> allowed) {
  for (const auto& pair : node_) {
    const YAML::Node& key_node = pair.first;
    if (!key_node.IsScalar()) {
      reader_.fail(reader_.where(key_node),
                   "expected a plain key " + context(path_) + ", got " + describe(key_node));
      return;
    }
    const std::string& key = key_node.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      reader_.fail(reader_.where(key_node), "unknown key " + quoted(key) + " " + context(path_));
      return;
    }
    if (find(key) != nullptr) {
      reader_.fail(reader_.where(key_node), "duplicate key " + quoted(key) + " " + context(path_));
      return;
    }
    entries_.push_back(Entry{key, key_node, pair.second});
  }
}

const MapReader::Entry* MapReader::find(std::string_view key) const {
  for (const Entry& entry : entries_) {
    if (entry.key == key) return &entry;
  }
  return nullptr;
}

std::vector<std::string> MapReader::keys() const {
  std::vector<std::string> keys;
  for (const Entry& entry : entries_) keys.push_back(entry.key);
  return keys;
}

std::string MapReader::path_of(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

SourceLocation MapReader::where(std::string_view key) const {
  const Entry* entry = find(key);
  if (entry == nullptr) return where_;
  if (entry->value.IsNull() || entry->value.Mark().is_null()) return reader_.where(entry->key_node);
  return reader_.where(entry->value);
}

bool MapReader::has(std::string_view key) const {
  const Entry* entry = find(key);
  return entry != nullptr && !entry->value.IsNull();
}

void MapReader::fail(std::string_view key, const std::string& message) const {
  reader_.fail(where(key), path_of(key) + ": " + message);
}

bool MapReader::require(std::string_view key) const {
  if (has(key)) return true;
  reader_.fail(where(key),
               "missing required key " + quoted(std::string(key)) + " " + context(path_));
  return false;
}

std::optional<std::string> MapReader::scalar(std::string_view key,
                                             std::string_view expected) const {
  if (!reader_.ok() || !has(key)) return std::nullopt;
  const YAML::Node& value = find(key)->value;
  if (!value.IsScalar()) {
    fail(key, "expected " + std::string(expected) + ", got " + describe(value));
    return std::nullopt;
  }
  reader_.remember(path_of(key), where(key));
  return value.Scalar();
}

bool MapReader::read(std::string_view key, std::string& out) const {
  auto text = scalar(key, "a string");
  if (text) out = std::move(*text);
  return text.has_value();
}

bool MapReader::read(std::string_view key, bool& out) const {
  auto text = scalar(key, "true or false");
  if (!text) return false;
  auto value = parse_bool(*text);
  if (!value) fail(key, "expected true or false, got " + quoted(*text));
  if (value) out = *value;
  return value.has_value();
}

bool MapReader::read(std::string_view key, double& out) const {
  auto text = scalar(key, "a number");
  if (!text) return false;
  auto value = parse_double(*text);
  if (!value) fail(key, "expected a number, got " + quoted(*text));
  if (value) out = *value;
  return value.has_value();
}

bool MapReader::read(std::string_view key, Duration& out) const {
  auto text = scalar(key, "a duration like 15s");
  if (!text) return false;
  auto value = parse_duration(*text);
  if (!value) fail(key, "expected a duration like 15s, got " + quoted(*text));
  if (value) out = *value;
  return value.has_value();
}

std::optional<unsigned long long> MapReader::count(std::string_view key,
                                                   unsigned long long max) const {
  auto text = scalar(key, "a non-negative integer");
  if (!text) return std::nullopt;
  auto value = parse_int(*text);
  if (!value || *value < 0) {
    fail(key, "expected a non-negative integer, got " + quoted(*text));
    return std::nullopt;
  }
  if (static_cast<unsigned long long>(*value) > max) {
    fail(key, *text + " is too large (at most " + std::to_string(max) + ")");
    return std::nullopt;
  }
  return static_cast<unsigned long long>(*value);
}

bool MapReader::read(std::string_view key, std::vector<std::string>& out) const {
  std::vector<YamlItem> list = items(key);
  if (!reader_.ok() || !has(key)) return false;
  std::vector<std::string> values;
  for (const YamlItem& item : list) {
    if (!item.node.IsScalar()) {
      reader_.fail(item.where, item.path + ": expected a string, got " + describe(item.node));
      return false;
    }
    values.push_back(item.node.Scalar());
  }
  out = std::move(values);
  return true;
}

bool MapReader::read(std::string_view key, LabelMap& out) const {
  if (!reader_.ok() || !has(key)) return false;
  const YAML::Node& value = find(key)->value;
  if (!value.IsMap()) {
    fail(key, "expected a mapping, got " + describe(value));
    return false;
  }
  LabelMap values;
  for (const auto& pair : value) {
    SourceLocation at = reader_.where(pair.first);
    if (!pair.first.IsScalar() || !(pair.second.IsScalar() || pair.second.IsNull())) {
      reader_.fail(at, path_of(key) + ": expected string keys and values");
      return false;
    }
    const std::string& name = pair.first.Scalar();
    if (!values.emplace(name, pair.second.IsNull() ? "" : pair.second.Scalar()).second) {
      reader_.fail(at, "duplicate key " + quoted(name) + " in " + path_of(key));
      return false;
    }
    reader_.remember(path_of(key) + "." + name, at);
  }
  reader_.remember(path_of(key), where(key));
  out = std::move(values);
  return true;
}

bool MapReader::read_labels(std::string_view key, LabelMap& out) const {
  LabelMap labels;
  if (!read(key, labels)) return false;
  for (const auto& [name, value] : labels) {
    if (is_label_name(name)) continue;
    std::string path = path_of(key) + "." + name;
    reader_.fail(reader_.location(path), path_of(key) + ": invalid label name " + quoted(name) +
                                             " (want [a-zA-Z_][a-zA-Z0-9_]*)");
    return false;
  }
  out = std::move(labels);
  return true;
}

bool MapReader::read_url(std::string_view key, std::string& out) const {
  auto text = scalar(key, "a URL");
  if (!text) return false;
  if (auto problem = url_problem(*text)) {
    fail(key, "invalid URL " + quoted(*text) + ": " + *problem);
    return false;
  }
  out = std::move(*text);
  return true;
}

bool MapReader::read_byte_size(std::string_view key, std::uint64_t& out) const {
  auto text = scalar(key, "a size like 10MB");
  if (!text) return false;
  auto value = parse_byte_size(*text);
  if (!value) fail(key, "expected a size like 10MB, got " + quoted(*text));
  if (value) out = *value;
  return value.has_value();
}

bool MapReader::read_host_port(std::string_view key, std::string& out) const {
  auto text = scalar(key, "host:port");
  if (!text) return false;
  if (!parse_host_port(*text)) {
    fail(key, "expected host:port, got " + quoted(*text));
    return false;
  }
  out = std::move(*text);
  return true;
}

bool MapReader::read_regex(std::string_view key, std::string& out) const {
  auto text = scalar(key, "a regex");
  if (!text) return false;
  if (auto problem = regex_problem(*text)) {
    fail(key, "invalid regex " + quoted(*text) + ": " + *problem);
    return false;
  }
  out = std::move(*text);
  return true;
}

bool MapReader::read_matchers(std::string_view key, std::vector<std::string>& out) const {
  std::vector<std::string> matchers;
  if (!read(key, matchers)) return false;
  for (std::size_t i = 0; i < matchers.size(); ++i) {
    auto parsed = parse_label_matcher(matchers[i]);
    if (parsed) continue;
    std::string path = path_of(key) + "[" + std::to_string(i) + "]";
    reader_.fail(reader_.location(path), path + ": " + parsed.error().message);
    return false;
  }
  out = std::move(matchers);
  return true;
}

MapReader MapReader::map(std::string_view key,
                         std::initializer_list<std::string_view> allowed) const {
  if (has(key)) reader_.remember(path_of(key), where(key));
  return MapReader(reader_, has(key) ? find(key)->value : YAML::Node(), path_of(key), allowed,
                   where(key));
}

std::vector<YamlItem> MapReader::items(std::string_view key) const {
  if (!reader_.ok() || !has(key)) return {};
  const YAML::Node& list = find(key)->value;
  if (!list.IsSequence()) {
    fail(key, "expected a list, got " + describe(list));
    return {};
  }
  reader_.remember(path_of(key), where(key));
  std::vector<YamlItem> result;
  for (const YAML::Node& item : list) {
    std::string path = path_of(key) + "[" + std::to_string(result.size()) + "]";
    SourceLocation at = item.Mark().is_null() ? where(key) : reader_.where(item);
    reader_.remember(path, at);
    result.push_back(YamlItem{item, path, at});
  }
  return result;
}

}  // namespace vitals::detail
