// A typed reader over yaml-cpp nodes for configuration files: mappings with a fixed set of
// allowed keys, typed scalars and lists, and errors that name file:line:col (1-based).
// Internal to agent/config.
#pragma once

#include <concepts>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "agent/config/config.h"
#include "vitals/common/error.h"

namespace vitals::detail {

// The state of one read: the file name, the first error, and where each value came from.
// Reads after an error do nothing, so a section reader can read every field in a row without
// checking each one; the first error is the one to fix, later ones are often its echoes.
class YamlReader {
 public:
  explicit YamlReader(std::string file) : file_(std::move(file)) {}

  const std::string& file() const { return file_; }
  bool ok() const { return !error_.has_value(); }
  const Error& error() const { return *error_; }  // only when !ok()

  // yaml-cpp marks are 0-based; ours are 1-based. Line 0 when the node has no mark.
  SourceLocation where(const YAML::Node& node) const;

  // Records an InvalidArgument error unless one is recorded already.
  void fail(SourceLocation at, std::string message);

  void remember(const std::string& path, const SourceLocation& at) { locations_[path] = at; }
  // Where the value at `path` was remembered; line 0 when it was not.
  SourceLocation location(const std::string& path) const;
  SourceMap take_locations() { return std::move(locations_); }

 private:
  std::string file_;
  std::optional<Error> error_;
  SourceMap locations_;
};

// One element of a list: its node, its path ("services[2]") and where it starts.
struct YamlItem {
  YAML::Node node{};
  std::string path{};
  SourceLocation where{};
};

// A mapping whose keys were checked against a fixed set. A null node (`web:` with nothing after
// it, or a section left out) reads as an empty mapping, so every field keeps its default.
// Typed reads leave `out` alone when the key is absent or null and return true only when they
// stored a valid value.
class MapReader {
 public:
  MapReader(YamlReader& reader, YAML::Node node, std::string path,
            std::initializer_list<std::string_view> allowed, SourceLocation fallback = {});
  // One element of a list read as a mapping.
  MapReader(YamlReader& reader, const YamlItem& item,
            std::initializer_list<std::string_view> allowed)
      : MapReader(reader, item.node, item.path, allowed, item.where) {}

  const std::string& path() const { return path_; }
  std::string path_of(std::string_view key) const;
  SourceLocation where() const { return where_; }
  SourceLocation where(std::string_view key) const;  // the value, or its key when null
  bool has(std::string_view key) const;              // present and not null
  bool contains(std::string_view key) const { return find(key) != nullptr; }  // even when null
  std::vector<std::string> keys() const;                                      // in file order
  YamlReader& reader() const { return reader_; }

  // Records "<path.key>: <message>" at the key's value.
  void fail(std::string_view key, const std::string& message) const;
  // Records `missing required key "key" in <path>` unless the key has a value.
  bool require(std::string_view key) const;

  bool read(std::string_view key, std::string& out) const;
  bool read(std::string_view key, bool& out) const;
  bool read(std::string_view key, double& out) const;
  bool read(std::string_view key, Duration& out) const;
  bool read(std::string_view key, std::vector<std::string>& out) const;
  bool read(std::string_view key, LabelMap& out) const;  // any keys, e.g. HTTP headers
  template <class T>
  bool read(std::string_view key, std::optional<T>& out) const {
    T value{};
    if (!has(key) || !read(key, value)) return false;
    out = std::move(value);
    return true;
  }
  // A non-negative integer that fits T.
  template <std::integral T>
  bool read_count(std::string_view key, T& out) const {
    std::optional<unsigned long long> value = count(key, std::numeric_limits<T>::max());
    if (value) out = static_cast<T>(*value);
    return value.has_value();
  }
  bool read_labels(std::string_view key, LabelMap& out) const;  // names checked
  bool read_url(std::string_view key, std::string& out) const;
  bool read_byte_size(std::string_view key, std::uint64_t& out) const;
  bool read_host_port(std::string_view key, std::string& out) const;
  bool read_regex(std::string_view key, std::string& out) const;
  bool read_matchers(std::string_view key, std::vector<std::string>& out) const;

  // The mapping under `key` (empty when absent or null).
  MapReader map(std::string_view key, std::initializer_list<std::string_view> allowed) const;
  // The elements of the list under `key` (none when absent or null).
  std::vector<YamlItem> items(std::string_view key) const;

 private:
  struct Entry {
    std::string key;
    YAML::Node key_node;
    YAML::Node value;
  };
  const Entry* find(std::string_view key) const;
  // The scalar text of `key`'s value, or an error naming `expected` when it is not a scalar.
  std::optional<std::string> scalar(std::string_view key, std::string_view expected) const;
  std::optional<unsigned long long> count(std::string_view key, unsigned long long max) const;
  void check_keys(std::initializer_list<std::string_view> allowed);

  YamlReader& reader_;
  YAML::Node node_;
  std::string path_;
  SourceLocation where_;
  std::vector<Entry> entries_;
};

// "a mapping", "a list" or the scalar in quotes: what a type error says it got.
std::string describe(const YAML::Node& node);

}  // namespace vitals::detail
