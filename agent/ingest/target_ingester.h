// Turns one scraped /metrics body into samples in the window, the way Prometheus scrapes: the
// target's labels attached (a scraped label that clashes becomes exported_<name>, as with
// honor_labels: false), each series' ref cached from scrape to scrape, series that vanished
// (or all of them, when the scrape failed) marked stale at once, and the scrape's own up,
// scrape_duration_seconds and scrape_samples_scraped.
//
// The cache is keyed by a 64-bit hash of the series text as scraped, not the text: 16 bytes a
// series instead of ~150, and no key read from cold memory. A body usually lists the same
// series in the same order as last time, so the hash is checked at the same position first,
// then in a map. Two different series of one target with the same hash (odds of about n^2 /
// 2^65 for n series) would share one series; a service crafting such a pair can only confuse
// its own series, which it could do by sending wrong values anyway. Before any of that, the
// parser is offered the last body's series text at each index: a line repeating it skips its
// labels and its hash altogether (most scrapes repeat every series in the same order).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "agent/scrape/text_format_parser.h"
#include "agent/store/sample_window.h"

namespace vitals {

struct IngestOutcome {
  bool up = false;
  std::string error{};       // why the scrape failed; empty when up
  std::size_t samples = 0;   // scraped and accepted
  std::size_t rejected = 0;  // out of order or duplicate
  // Every metric name the target has had (sorted, shared until a new one appears): what rules
  // reading them may want to look at again.
  std::shared_ptr<const std::vector<std::string>> metric_names{};
};

// Not thread-safe: one scrape of a target at a time, which the scheduler guarantees; any
// thread may run it (the agent uses its CPU pool, not the network thread).
class TargetIngester {
 public:
  // `target_labels` (service, instance and the configured labels) go on every series.
  TargetIngester(SampleWindow& window, LabelPairs target_labels, std::uint64_t sample_limit);

  // A body arrived: parse it whole first (a malformed one stores nothing), then append.
  IngestOutcome ingest(std::string_view body, ExpositionFormat format, std::int64_t scrape_ms,
                       Duration took);
  // No usable body: up 0 and every series of the last scrape marked stale.
  IngestOutcome fail(std::string error, std::int64_t scrape_ms, Duration took);

 private:
  struct Pending {
    SeriesRef ref;
    std::int64_t t_ms;
    double value;
  };
  class Collector;

  // The series texts of a body, in its order, packed in one buffer.
  class SeriesTexts {
   public:
    std::string_view at(std::size_t index) const;  // empty past the end
    void push_back(std::string_view text);
    void copy_prefix(const SeriesTexts& from, std::size_t count);
    void truncate(std::size_t count);
    void clear();

   private:
    std::string chars_;
    std::vector<std::size_t> ends_;
  };

  struct KnownSeries {
    std::uint64_t hash = 0;  // of the series text as scraped
    SeriesRef ref = 0;
  };

  SeriesRef series_at(std::size_t position, std::uint64_t hash, const ParsedSample& sample);
  SeriesRef series_for(std::uint64_t hash, const ParsedSample& sample);
  void write_report(std::int64_t t_ms, bool up, Duration took, std::size_t samples);
  enum class ReportSeries : std::uint8_t { Up, Duration, Samples };
  void append_report(ReportSeries series, std::int64_t t_ms, double value);
  void mark_vanished(const std::vector<SeriesRef>& current, std::int64_t t_ms);
  void forget(SeriesRef ref);
  void note_name(std::string_view name);

  SampleWindow& window_;
  const LabelPairs target_labels_;
  const std::uint64_t sample_limit_;
  std::unordered_map<std::uint64_t, SeriesRef> refs_;  // hash of the series text -> ref
  std::vector<KnownSeries> in_order_;                  // the last body's series, in its order
  SeriesTexts last_texts_;  // in_order_'s texts, for the parser to skip (may be shorter)
  ExpositionFormat last_format_ = ExpositionFormat::PrometheusText;
  bool same_order_ = false;                                // this body so far matches in_order_
  std::vector<SeriesRef> last_scraped_;                    // sorted
  std::array<SeriesRef, 3> report_refs_{};                 // by ReportSeries; 0 until made
  std::shared_ptr<const std::vector<std::string>> names_;  // sorted; see IngestOutcome
  // The samples of the body being ingested, kept between scrapes (24 bytes a series): made
  // anew, they were a malloc and a free every scrape, of a size glibc's caches do not hold.
  std::vector<Pending> pending_;
};

}  // namespace vitals
