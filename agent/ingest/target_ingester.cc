#include "agent/ingest/target_ingester.h"

#include <algorithm>
#include <array>
#include <functional>

namespace vitals {
namespace {

// The series every scrape adds, by TargetIngester::ReportSeries.
constexpr std::array<std::string_view, 3> kReportNames{"up", "scrape_duration_seconds",
                                                       "scrape_samples_scraped"};

std::shared_ptr<const std::vector<std::string>> report_names() {
  std::vector<std::string> names(kReportNames.begin(), kReportNames.end());
  std::sort(names.begin(), names.end());
  return std::make_shared<const std::vector<std::string>>(std::move(names));
}

}  // namespace

// Collects the body's samples so nothing is appended unless the whole body parses, and the
// series texts of this body when they differ from the last one's.
class TargetIngester::Collector final : public ExpositionVisitor {
 public:
  Collector(TargetIngester& owner, std::int64_t scrape_ms)
      : pending(owner.pending_), owner_(owner), scrape_ms_(scrape_ms) {
    pending.clear();
  }

  std::string_view expected_series(std::size_t index) const override {
    return owner_.last_texts_.at(index);
  }

  void on_sample(const ParsedSample& sample) override {
    if (!error_.empty()) return;
    const std::size_t position = position_++;
    SeriesRef ref = 0;
    if (sample.expected) {
      ref = owner_.in_order_[position].ref;
    } else {
      // Keyed on the text as written: hashing it costs less than joining the parsed labels.
      const std::uint64_t hash = std::hash<std::string_view>{}(sample.series_text);
      ref = owner_.series_at(position, hash, sample);
      if (!texts_changed_) {
        texts_changed_ = true;
        texts.copy_prefix(owner_.last_texts_, position);
      }
    }
    if (ref == 0) {
      error_ = "invalid series " + std::string(sample.name);
      return;
    }
    if (texts_changed_) texts.push_back(sample.series_text);
    pending.push_back({ref, sample.timestamp_ms.value_or(scrape_ms_), sample.value});
  }

  std::vector<Pending>& pending;  // the owner's, reused
  SeriesTexts texts;              // this body's, once one differs from the last body's at its index
  bool texts_changed() const { return texts_changed_; }
  const std::string& error() const { return error_; }

 private:
  TargetIngester& owner_;
  std::int64_t scrape_ms_;
  std::size_t position_ = 0;
  bool texts_changed_ = false;
  std::string error_;
};

std::string_view TargetIngester::SeriesTexts::at(std::size_t index) const {
  if (index >= ends_.size()) return {};
  const std::size_t begin = index == 0 ? 0 : ends_[index - 1];
  return std::string_view(chars_).substr(begin, ends_[index] - begin);
}

void TargetIngester::SeriesTexts::push_back(std::string_view text) {
  chars_.append(text);
  ends_.push_back(chars_.size());
}

void TargetIngester::SeriesTexts::copy_prefix(const SeriesTexts& from, std::size_t count) {
  count = std::min(count, from.ends_.size());
  ends_.assign(from.ends_.begin(), from.ends_.begin() + static_cast<std::ptrdiff_t>(count));
  chars_.assign(from.chars_, 0, count == 0 ? 0 : from.ends_[count - 1]);
}

void TargetIngester::SeriesTexts::truncate(std::size_t count) {
  if (count >= ends_.size()) return;
  ends_.resize(count);
  chars_.resize(count == 0 ? 0 : ends_[count - 1]);
}

void TargetIngester::SeriesTexts::clear() {
  chars_.clear();
  ends_.clear();
}

TargetIngester::TargetIngester(SampleWindow& window, LabelPairs target_labels,
                               std::uint64_t sample_limit)
    : window_(window),
      target_labels_(std::move(target_labels)),
      sample_limit_(sample_limit),
      names_(report_names()) {}

SeriesRef TargetIngester::series_at(std::size_t position, std::uint64_t hash,
                                    const ParsedSample& sample) {
  if (position < in_order_.size() && in_order_[position].hash == hash) {
    return in_order_[position].ref;
  }
  same_order_ = false;
  SeriesRef ref = series_for(hash, sample);
  if (ref == 0) return 0;
  if (position < in_order_.size()) {
    in_order_[position] = {hash, ref};
  } else {
    in_order_.push_back({hash, ref});
  }
  return ref;
}

// The scraped labels, with the target's attached: a scraped label the target also sets keeps
// its value under exported_<name> (and exported_exported_… if that is taken too).
SeriesRef TargetIngester::series_for(std::uint64_t hash, const ParsedSample& sample) {
  // The hot path: a hit allocates nothing.
  if (auto cached = refs_.find(hash); cached != refs_.end()) return cached->second;
  LabelPairs labels;
  labels.reserve(sample.labels.size() + target_labels_.size() + 1);
  labels.push_back({"__name__", std::string(sample.name)});
  auto taken = [&](std::string_view name) {
    return std::any_of(labels.begin(), labels.end(),
                       [&](const LabelPair& l) { return l.name == name; }) ||
           std::any_of(target_labels_.begin(), target_labels_.end(),
                       [&](const LabelPair& l) { return l.name == name; });
  };
  for (const LabelView& label : sample.labels) {
    std::string name(label.name);
    while (taken(name)) name = "exported_" + name;
    labels.push_back({std::move(name), std::string(label.value)});
  }
  labels.insert(labels.end(), target_labels_.begin(), target_labels_.end());
  auto ref = window_.get_or_create(std::move(labels));
  if (!ref) return 0;
  refs_.emplace(hash, *ref);
  note_name(sample.name);
  return *ref;
}

// Copy on write: outcomes already handed out keep the list they got.
void TargetIngester::note_name(std::string_view name) {
  auto at = std::lower_bound(names_->begin(), names_->end(), name);
  if (at != names_->end() && *at == name) return;
  auto more = std::make_shared<std::vector<std::string>>(*names_);
  more->emplace(more->begin() + (at - names_->begin()), name);
  names_ = std::move(more);
}

IngestOutcome TargetIngester::ingest(std::string_view body, ExpositionFormat format,
                                     std::int64_t scrape_ms, Duration took) {
  // Texts read in another format were checked by other rules.
  if (format != last_format_) last_texts_.clear();
  last_format_ = format;
  Collector collector(*this, scrape_ms);
  same_order_ = !last_scraped_.empty();
  auto parsed = parse_exposition(body, format, collector, {.max_samples = sample_limit_});
  if (!parsed || !collector.error().empty()) {
    // in_order_ may have changed where this body differed; the texts must follow it.
    if (collector.texts_changed()) last_texts_.clear();
    return fail(parsed ? collector.error() : parsed.error().message, scrape_ms, took);
  }
  if (collector.texts_changed()) {
    last_texts_ = std::move(collector.texts);
  } else {
    last_texts_.truncate(collector.pending.size());
  }

  IngestOutcome outcome{.up = true};
  for (const Pending& p : collector.pending) {
    AppendStatus status = window_.append(p.ref, p.t_ms, p.value);
    if (status == AppendStatus::Appended || status == AppendStatus::Unchanged) {
      ++outcome.samples;
    } else {
      ++outcome.rejected;
    }
    if (status == AppendStatus::NotFound) forget(p.ref);
  }
  // The same series in the same order as last time: none vanished, none is new.
  if (!same_order_ || collector.pending.size() != in_order_.size()) {
    in_order_.resize(collector.pending.size());
    std::vector<SeriesRef> current;
    current.reserve(collector.pending.size());
    for (const Pending& p : collector.pending) current.push_back(p.ref);
    std::sort(current.begin(), current.end());
    current.erase(std::unique(current.begin(), current.end()), current.end());
    mark_vanished(current, scrape_ms);
    last_scraped_ = std::move(current);
  }
  write_report(scrape_ms, true, took, outcome.samples);
  outcome.metric_names = names_;
  return outcome;
}

IngestOutcome TargetIngester::fail(std::string error, std::int64_t scrape_ms, Duration took) {
  mark_vanished({}, scrape_ms);
  last_scraped_.clear();
  write_report(scrape_ms, false, took, 0);
  return IngestOutcome{.up = false, .error = std::move(error), .metric_names = names_};
}

// The window removed a series that sat idle past retention: the next scrape that has it makes
// it anew (this one's sample is lost, a gap of one interval after a long silence).
void TargetIngester::forget(SeriesRef ref) {
  std::erase_if(refs_, [ref](const auto& entry) { return entry.second == ref; });
  in_order_.clear();
  last_texts_.clear();
  same_order_ = false;
}

// Prometheus' staleness: a series absent from this scrape ends now, not five minutes later.
void TargetIngester::mark_vanished(const std::vector<SeriesRef>& current, std::int64_t t_ms) {
  for (SeriesRef ref : last_scraped_) {
    if (!std::binary_search(current.begin(), current.end(), ref)) window_.mark_stale(ref, t_ms);
  }
}

void TargetIngester::write_report(std::int64_t t_ms, bool up, Duration took, std::size_t samples) {
  append_report(ReportSeries::Up, t_ms, up ? 1 : 0);
  append_report(ReportSeries::Duration, t_ms, std::chrono::duration<double>(took).count());
  append_report(ReportSeries::Samples, t_ms, static_cast<double>(samples));
}

void TargetIngester::append_report(ReportSeries series, std::int64_t t_ms, double value) {
  SeriesRef& ref = report_refs_[static_cast<std::size_t>(series)];
  if (ref == 0) {
    LabelPairs labels = target_labels_;
    labels.push_back({"__name__", std::string(kReportNames[static_cast<std::size_t>(series)])});
    auto made = window_.get_or_create(std::move(labels));
    if (!made) return;
    ref = *made;
  }
  if (window_.append(ref, t_ms, value) == AppendStatus::NotFound) ref = 0;
}

}  // namespace vitals
