#include "agent/store/label_set.h"

#include <algorithm>
#include <functional>

namespace vitals {

Result<LabelPairs> normalize_labels(LabelPairs labels) {
  std::erase_if(labels, [](const LabelPair& label) { return label.value.empty(); });
  if (labels.empty()) return make_error(ErrorCode::InvalidArgument, "empty label set");
  std::sort(labels.begin(), labels.end());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i].name.empty()) return make_error(ErrorCode::InvalidArgument, "empty label name");
    if (i > 0 && labels[i].name == labels[i - 1].name) {
      return make_error(ErrorCode::InvalidArgument,
                        "label name \"" + labels[i].name + "\" is not unique");
    }
  }
  return labels;
}

namespace detail {

std::size_t LabelSetHash::operator()(const LabelSet& set) const {
  // FNV-1a over the ids: cheap, and the ids are already well spread.
  std::uint64_t hash = 14695981039346656037ULL;
  for (const SymbolPair& pair : set) {
    hash = (hash ^ pair.name) * 1099511628211ULL;
    hash = (hash ^ pair.value) * 1099511628211ULL;
  }
  return static_cast<std::size_t>(hash);
}

LabelSet SymbolTable::acquire(const LabelPairs& labels) {
  LabelSet set;
  set.reserve(labels.size());
  MutexLock lock(mu_);
  for (const LabelPair& label : labels) {
    set.push_back(SymbolPair{.name = intern(label.name), .value = intern(label.value)});
  }
  return set;
}

void SymbolTable::release(const LabelSet& set) {
  MutexLock lock(mu_);
  for (const SymbolPair& pair : set) {
    unref(pair.name);
    unref(pair.value);
  }
}

LabelSet SymbolTable::find(const LabelPairs& labels) const {
  LabelSet set;
  set.reserve(labels.size());
  MutexLock lock(mu_);
  for (const LabelPair& label : labels) {
    auto name = by_text_.find(label.name);
    auto value = by_text_.find(label.value);
    if (name == by_text_.end() || value == by_text_.end()) return {};
    set.push_back(SymbolPair{.name = name->second, .value = value->second});
  }
  return set;
}

LabelPairs SymbolTable::strings(const LabelSet& set) const {
  LabelPairs labels;
  labels.reserve(set.size());
  MutexLock lock(mu_);
  for (const SymbolPair& pair : set) {
    labels.push_back(
        LabelPair{.name = *entries_[pair.name].text, .value = *entries_[pair.value].text});
  }
  return labels;
}

TextPairs SymbolTable::texts(const LabelSet& set) const {
  TextPairs texts;
  texts.reserve(set.size());
  MutexLock lock(mu_);
  for (const SymbolPair& pair : set) {
    texts.emplace_back(entries_[pair.name].text, entries_[pair.value].text);
  }
  return texts;
}

std::size_t SymbolTable::size() const {
  MutexLock lock(mu_);
  return entries_.size() - free_.size();
}

std::size_t SymbolTable::bytes() const {
  // Per live string: its entry, the shared_ptr control block with the std::string, and a hash
  // node with its bucket; long strings add their heap buffer (text_bytes_).
  constexpr std::size_t kPerSymbol = sizeof(Entry) + 16 + sizeof(std::string) + 48;
  MutexLock lock(mu_);
  return (entries_.size() - free_.size()) * kPerSymbol + free_.size() * sizeof(Entry) + text_bytes_;
}

SymbolId SymbolTable::intern(std::string_view text) {
  if (auto found = by_text_.find(text); found != by_text_.end()) {
    ++entries_[found->second].refs;
    return found->second;
  }
  SymbolId id;
  if (free_.empty()) {
    id = static_cast<SymbolId>(entries_.size());
    entries_.emplace_back();
  } else {
    id = free_.back();
    free_.pop_back();
  }
  Entry& entry = entries_[id];
  entry.text = std::make_shared<const std::string>(text);
  entry.refs = 1;
  by_text_.emplace(*entry.text, id);
  if (text.size() > 15) text_bytes_ += text.size() + 1;  // past the small-string buffer
  return id;
}

void SymbolTable::unref(SymbolId id) {
  Entry& entry = entries_[id];
  if (--entry.refs > 0) return;
  by_text_.erase(*entry.text);
  if (entry.text->size() > 15) text_bytes_ -= entry.text->size() + 1;
  entry.text.reset();  // index snapshots may still share the string; it goes with the last
  free_.push_back(id);
}

}  // namespace detail
}  // namespace vitals
