// Label matchers and the inverted index the window selects series through: for each label name,
// its values, each with the sorted refs of the series carrying that pair. An index is an
// immutable snapshot; apply() makes the next one, sharing every list the changes leave alone.
// LabelMatcher and PostingsIndex are safe to use from any number of threads (both immutable).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "agent/store/label_set.h"
#include "vitals/common/error.h"
#include "vitals/common/match_op.h"

namespace re2 {
class RE2;
}

namespace vitals {

// One `name op "value"` of a PromQL selector. Regexes are RE2, anchored at both ends as in
// Prometheus (`=~"a|b"` matches "a" and "b", not "ab"), `.` matching newlines too, compiled once
// in make() and shared by copies. A missing label reads as "", so `x=""` selects series without x.
class LabelMatcher {
 public:
  // InvalidArgument naming the regex when it does not compile.
  static Result<LabelMatcher> make(std::string name, MatchOp op, std::string value);

  const std::string& name() const { return name_; }
  MatchOp op() const { return op_; }
  const std::string& value() const { return value_; }
  bool matches(std::string_view value) const;

 private:
  LabelMatcher(std::string name, MatchOp op, std::string value,
               std::shared_ptr<const re2::RE2> regex);

  std::string name_;
  MatchOp op_;
  std::string value_;
  std::shared_ptr<const re2::RE2> regex_;  // null for = and !=
};

namespace detail {

using RefList = std::vector<SeriesRef>;  // sorted, no repeats
using RefListPtr = std::shared_ptr<const RefList>;

RefList intersect(const RefList& a, const RefList& b);
RefList unite(const RefList& a, const RefList& b);
RefList subtract(const RefList& a, const RefList& b);

// A series entering or leaving the index, with its labels as shared strings.
struct PostingsChange {
  SeriesRef ref = 0;
  TextPairs labels{};
  bool added = true;
};

class PostingsIndex {
 public:
  struct ValuePostings {
    SharedText value{};
    RefListPtr refs{};
  };
  using ValueList = std::vector<ValuePostings>;  // sorted by value
  struct NamePostings {
    SharedText name{};
    std::shared_ptr<const ValueList> values{};
  };

  PostingsIndex() = default;

  // This index with `changes` applied, in order; `version` says which changes it holds.
  std::shared_ptr<const PostingsIndex> apply(std::span<const PostingsChange> changes,
                                             std::uint64_t version) const;

  // The series every matcher accepts, sorted. No matchers select nothing; matchers that all
  // accept "" (such as a lone `x!="y"`) start from every series.
  RefList select(std::span<const LabelMatcher> matchers) const;

  std::vector<std::string> names() const;                        // sorted
  std::vector<std::string> values(std::string_view name) const;  // sorted; none for unknown
  std::uint64_t version() const { return version_; }
  std::size_t series() const { return all_->size(); }
  std::size_t bytes() const { return bytes_; }  // approximate heap bytes of lists and entries

 private:
  const ValueList* find_name(std::string_view name) const;
  RefList matching(const LabelMatcher& matcher, bool want) const;

  std::vector<NamePostings> names_{};  // sorted by name
  RefListPtr all_ = std::make_shared<const RefList>();
  std::uint64_t version_ = 0;
  std::size_t bytes_ = 0;
};

}  // namespace detail
}  // namespace vitals
