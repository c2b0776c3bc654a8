#include "agent/store/postings.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <utility>

#include <re2/re2.h>

namespace vitals {

Result<LabelMatcher> LabelMatcher::make(std::string name, MatchOp op, std::string value) {
  std::shared_ptr<const re2::RE2> regex;
  if (op == MatchOp::Regex || op == MatchOp::NotRegex) {
    re2::RE2::Options options;
    options.set_dot_nl(true);  // Prometheus compiles "^(?s:" + value + ")$"
    options.set_log_errors(false);
    auto compiled = std::make_shared<const re2::RE2>(value, options);
    if (!compiled->ok()) {
      return make_error(ErrorCode::InvalidArgument,
                        "invalid regex \"" + value + "\": " + compiled->error());
    }
    regex = std::move(compiled);
  }
  return LabelMatcher(std::move(name), op, std::move(value), std::move(regex));
}

LabelMatcher::LabelMatcher(std::string name, MatchOp op, std::string value,
                           std::shared_ptr<const re2::RE2> regex)
    : name_(std::move(name)), op_(op), value_(std::move(value)), regex_(std::move(regex)) {}

bool LabelMatcher::matches(std::string_view value) const {
  switch (op_) {
    case MatchOp::Equal:
      return value == value_;
    case MatchOp::NotEqual:
      return value != value_;
    case MatchOp::Regex:
      return re2::RE2::FullMatch(value, *regex_);
    case MatchOp::NotRegex:
      return !re2::RE2::FullMatch(value, *regex_);
  }
  return false;
}

namespace detail {
namespace {

struct Delta {
  SharedText value{};
  RefList added{};
  RefList removed{};
};
// name -> value -> delta; the views point into the changes' shared strings.
using Deltas = std::map<std::string_view, std::pair<SharedText, std::map<std::string_view, Delta>>>;

void sort_unique(RefList& refs) {
  std::sort(refs.begin(), refs.end());
  refs.erase(std::unique(refs.begin(), refs.end()), refs.end());
}

RefList unite_all(std::vector<RefList> lists) {
  RefList all;
  for (const RefList& list : lists) all.insert(all.end(), list.begin(), list.end());
  sort_unique(all);
  return all;
}

std::size_t list_bytes(const PostingsIndex::ValueList& values) {
  constexpr std::size_t kPerValue = sizeof(PostingsIndex::ValuePostings) + 16 + sizeof(RefList);
  std::size_t bytes = values.size() * kPerValue;
  for (const auto& entry : values) bytes += entry.refs->size() * sizeof(SeriesRef);
  return bytes;
}

RefListPtr updated(const RefList& old, Delta& delta) {
  sort_unique(delta.added);
  sort_unique(delta.removed);
  return std::make_shared<const RefList>(subtract(unite(old, delta.added), delta.removed));
}

// The value list of one name after its deltas: both inputs are sorted by value, so one merge.
PostingsIndex::ValueList merge_values(const PostingsIndex::ValueList& old,
                                      std::map<std::string_view, Delta>& deltas) {
  PostingsIndex::ValueList result;
  result.reserve(old.size() + deltas.size());
  auto next = old.begin();
  const RefList empty;
  for (auto& [value, delta] : deltas) {
    for (; next != old.end() && *next->value < value; ++next) result.push_back(*next);
    const bool existing = next != old.end() && *next->value == value;
    RefListPtr refs = updated(existing ? *next->refs : empty, delta);
    if (!refs->empty()) result.push_back({existing ? next->value : delta.value, std::move(refs)});
    if (existing) ++next;
  }
  result.insert(result.end(), next, old.end());
  return result;
}

Deltas group(std::span<const PostingsChange> changes, RefList& added, RefList& removed) {
  Deltas deltas;
  for (const PostingsChange& change : changes) {
    (change.added ? added : removed).push_back(change.ref);
    for (const auto& [name, value] : change.labels) {
      auto& [name_text, values] = deltas[*name];
      name_text = name;
      Delta& delta = values[*value];
      delta.value = value;
      (change.added ? delta.added : delta.removed).push_back(change.ref);
    }
  }
  return deltas;
}

}  // namespace

RefList intersect(const RefList& a, const RefList& b) {
  RefList out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

RefList unite(const RefList& a, const RefList& b) {
  RefList out;
  out.reserve(a.size() + b.size());
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

RefList subtract(const RefList& a, const RefList& b) {
  RefList out;
  out.reserve(a.size());
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

std::shared_ptr<const PostingsIndex> PostingsIndex::apply(std::span<const PostingsChange> changes,
                                                          std::uint64_t version) const {
  auto next = std::make_shared<PostingsIndex>();
  next->version_ = version;
  RefList added;
  RefList removed;
  Deltas deltas = group(changes, added, removed);
  Delta all{.added = std::move(added), .removed = std::move(removed)};
  next->all_ = updated(*all_, all);
  next->bytes_ = bytes_ + next->all_->size() * sizeof(SeriesRef) - all_->size() * sizeof(SeriesRef);
  const ValueList no_values;
  auto old = names_.begin();
  for (auto& [name, entry] : deltas) {
    for (; old != names_.end() && *old->name < name; ++old) next->names_.push_back(*old);
    const bool existing = old != names_.end() && *old->name == name;
    const ValueList& old_values = existing ? *old->values : no_values;
    auto values = std::make_shared<const ValueList>(merge_values(old_values, entry.second));
    next->bytes_ = next->bytes_ + list_bytes(*values) - list_bytes(old_values);
    if (!values->empty()) next->names_.push_back({existing ? old->name : entry.first, values});
    if (existing) ++old;
  }
  next->names_.insert(next->names_.end(), old, names_.end());
  return next;
}

RefList PostingsIndex::select(std::span<const LabelMatcher> matchers) const {
  if (matchers.empty()) return {};
  std::vector<RefList> keep;
  std::vector<RefList> drop;
  for (const LabelMatcher& matcher : matchers) {
    // A series without the label reads "" for it. When the matcher accepts "", the series it
    // rejects are those whose value it rejects; otherwise it accepts only values it accepts.
    if (matcher.matches("")) {
      drop.push_back(matching(matcher, false));
    } else {
      keep.push_back(matching(matcher, true));
    }
  }
  std::sort(keep.begin(), keep.end(),
            [](const RefList& a, const RefList& b) { return a.size() < b.size(); });
  RefList result = keep.empty() ? *all_ : std::move(keep.front());
  for (std::size_t i = 1; i < keep.size() && !result.empty(); ++i) {
    result = intersect(result, keep[i]);
  }
  if (result.empty() || drop.empty()) return result;
  return subtract(result, unite_all(std::move(drop)));
}

// The series whose value of the matcher's label is accepted (want) or rejected (!want) by it.
RefList PostingsIndex::matching(const LabelMatcher& matcher, bool want) const {
  const ValueList* values = find_name(matcher.name());
  if (values == nullptr) return {};
  const bool equality = matcher.op() == MatchOp::Equal || matcher.op() == MatchOp::NotEqual;
  if (equality && want == (matcher.op() == MatchOp::Equal)) {
    // One value to look up rather than a scan.
    auto it = std::lower_bound(
        values->begin(), values->end(), matcher.value(),
        [](const ValuePostings& entry, const std::string& value) { return *entry.value < value; });
    if (it == values->end() || *it->value != matcher.value()) return {};
    return *it->refs;
  }
  std::vector<RefList> lists;
  for (const ValuePostings& entry : *values) {
    if (matcher.matches(*entry.value) == want) lists.push_back(*entry.refs);
  }
  if (lists.size() == 1) return std::move(lists.front());
  return unite_all(std::move(lists));
}

const PostingsIndex::ValueList* PostingsIndex::find_name(std::string_view name) const {
  auto it = std::lower_bound(
      names_.begin(), names_.end(), name,
      [](const NamePostings& entry, std::string_view key) { return *entry.name < key; });
  if (it == names_.end() || *it->name != name) return nullptr;
  return it->values.get();
}

std::vector<std::string> PostingsIndex::names() const {
  std::vector<std::string> names;
  names.reserve(names_.size());
  for (const NamePostings& entry : names_) names.push_back(*entry.name);
  return names;
}

std::vector<std::string> PostingsIndex::values(std::string_view name) const {
  std::vector<std::string> result;
  const ValueList* values = find_name(name);
  if (values == nullptr) return result;
  result.reserve(values->size());
  for (const ValuePostings& entry : *values) result.push_back(*entry.value);
  return result;
}

}  // namespace detail
}  // namespace vitals
