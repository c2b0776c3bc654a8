// Series identity for the sample window: a label set (with __name__) whose strings are interned
// once in a SymbolTable, each series keeping only sorted (name, value) pairs of symbol ids.
// SymbolTable is thread-safe; LabelPairs and LabelSet are plain values.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "vitals/common/error.h"
#include "vitals/common/mutex.h"

namespace vitals {

// A series handle. Never 0, and never given to a second label set while the process runs.
using SeriesRef = std::uint64_t;

struct LabelPair {
  std::string name{};
  std::string value{};

  auto operator<=>(const LabelPair&) const = default;
};
using LabelPairs = std::vector<LabelPair>;

// Prometheus' rules for a label set: labels with empty values are dropped (an empty value means
// "no such label"), the rest sorted by name; InvalidArgument when no label is left or a name
// repeats or is empty.
Result<LabelPairs> normalize_labels(LabelPairs labels);

namespace detail {

using SymbolId = std::uint32_t;
// One interned string, shared by the symbol table and index snapshots, never copied.
using SharedText = std::shared_ptr<const std::string>;

struct SymbolPair {
  SymbolId name = 0;
  SymbolId value = 0;

  bool operator==(const SymbolPair&) const = default;
};
// Sorted by the name strings, like the LabelPairs it was made from.
using LabelSet = std::vector<SymbolPair>;

struct LabelSetHash {
  std::size_t operator()(const LabelSet& set) const;
};

// A label set as shared strings, for the postings index.
using TextPairs = std::vector<std::pair<SharedText, SharedText>>;

// Interned strings, each counted by the label sets holding it and freed with the last one. Ids
// are reused after a string is freed, so an id is only meaningful while a label set holding it
// is alive: a series' ids must be read under the lock that keeps the series alive.
// Thread-safe; every call holds the table's mutex briefly.
class SymbolTable {
 public:
  // The set for `labels` (normalized) adding one reference to each string, interning new ones.
  LabelSet acquire(const LabelPairs& labels) EXCLUDES(mu_);
  // Drops the references acquire() added.
  void release(const LabelSet& set) EXCLUDES(mu_);
  // The set for `labels` without adding references; empty when a string is not interned (then
  // no series has these labels).
  LabelSet find(const LabelPairs& labels) const EXCLUDES(mu_);

  LabelPairs strings(const LabelSet& set) const EXCLUDES(mu_);
  TextPairs texts(const LabelSet& set) const EXCLUDES(mu_);

  std::size_t size() const EXCLUDES(mu_);
  // Approximate heap bytes: strings, entries and the lookup table.
  std::size_t bytes() const EXCLUDES(mu_);

 private:
  struct Entry {
    SharedText text{};
    std::uint32_t refs = 0;  // 0: free, its id on free_
  };
  SymbolId intern(std::string_view text) REQUIRES(mu_);
  void unref(SymbolId id) REQUIRES(mu_);

  mutable Mutex mu_;
  std::vector<Entry> entries_ GUARDED_BY(mu_);  // indexed by id
  std::vector<SymbolId> free_ GUARDED_BY(mu_);
  // Views into the entries' strings, which stay put while the entry lives.
  std::unordered_map<std::string_view, SymbolId> by_text_ GUARDED_BY(mu_);
  std::size_t text_bytes_ GUARDED_BY(mu_) = 0;
};

}  // namespace detail
}  // namespace vitals
