// Reads a scraped /metrics body in the Prometheus text format 0.0.4 or the OpenMetrics 1.0 text
// format and hands each sample to a visitor, without building a tree and without a heap
// allocation per sample. The first malformed line fails the whole body with its number.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "vitals/common/error.h"

namespace vitals {

enum class ExpositionFormat : std::uint8_t { PrometheusText, OpenMetrics };

// `application/openmetrics-text` (any version, any parameters, any case) is OpenMetrics;
// everything else, an absent header included, is the Prometheus text format, as Prometheus
// falls back to it.
ExpositionFormat format_from_content_type(std::string_view content_type);

// The text format knows Counter, Gauge, Histogram, Summary and Unknown ("untyped").
enum class MetricType : std::uint8_t {
  Unknown,
  Counter,
  Gauge,
  Histogram,
  GaugeHistogram,
  Summary,
  Info,
  StateSet,
};

// The spelling of a TYPE line: "counter", "gaugehistogram", "unknown"…
std::string_view to_string(MetricType type);

// Every NaN the parser returns carries these bits (Prometheus' "normal NaN"), whatever its
// spelling, so a scraped NaN can never be mistaken for a stale marker.
inline constexpr std::uint64_t kScrapedNaNBits = 0x7ff8000000000001ULL;

struct LabelView {
  std::string_view name{};
  std::string_view value{};  // unescaped
};

struct ParsedExemplar {
  std::span<const LabelView> labels{};
  double value = 0;
  std::optional<std::int64_t> timestamp_ms{};
};

// Every view (names, labels, exemplar) is valid only during the on_sample call.
struct ParsedSample {
  std::string_view name{};  // as written: "http_request_duration_seconds_bucket"
  // The name and label set exactly as written (escapes, blanks and label order included): equal
  // texts always mean equal series, so a scraper can key a cache on them without the labels.
  std::string_view series_text{};
  std::string_view family{};  // the TYPE line's name when the sample belongs to it, else name
  MetricType type = MetricType::Unknown;  // the family's type; Unknown without a TYPE line
  std::span<const LabelView> labels{};    // in the order written, names unique
  double value = 0;
  std::optional<std::int64_t> timestamp_ms{};  // OpenMetrics seconds are converted
  const ParsedExemplar* exemplar = nullptr;    // OpenMetrics only
  // series_text is what the visitor expected at this index (expected_series): the labels were
  // not read, and `labels` is empty.
  bool expected = false;
};

// Callbacks run on the parsing thread, in the body's order.
class ExpositionVisitor {
 public:
  virtual ~ExpositionVisitor() = default;
  // Once per block of HELP/TYPE/UNIT lines, before the family's first sample. An absent or
  // empty HELP or UNIT is an empty view; the views live until the call returns.
  virtual void on_metadata(std::string_view family, MetricType type, std::string_view help,
                           std::string_view unit) {
    (void)family, (void)type, (void)help, (void)unit;
  }
  virtual void on_sample(const ParsedSample& sample) = 0;
  // The series text the visitor expects as the body's `index`-th sample (from 0), such as the
  // last scrape's at that index; empty for none. It must be a text this parser read in full
  // before, in the same format: a line starting with it has its labels skipped, not checked.
  virtual std::string_view expected_series(std::size_t index) const {
    (void)index;
    return {};
  }
};

struct ParseLimits {
  std::size_t max_samples = 0;  // Prometheus' sample_limit; 0 means no limit
};

struct ParseStats {
  std::size_t lines = 0;
  std::size_t samples = 0;
  std::size_t exemplars = 0;
  std::size_t metadata = 0;  // on_metadata calls
};

// Parses `body` and calls `visitor` for each family's metadata and each sample. On error
// (InvalidArgument) the visitor has already seen the samples before the bad line; a scrape
// must discard them, as a partial exposition is invalid in its entirety. Messages name the
// line: `line 12: invalid label value escape "\q"`; more samples than `limits.max_samples` fail
// with `sample_limit exceeded (N)`.
//
// The text format is read as Prometheus reads it (blanks and tabs between any tokens, blank
// lines and other comments skipped, `# EOF` and `# UNIT` are comments, a last line without
// '\n'), but stricter where the format's documentation is: a label value escape other than
// \\, \" and \n, or labels without a comma between them, are errors. OpenMetrics follows its
// ABNF: single spaces, no blank lines or comments, `# EOF` last, metadata once per family and
// before its samples, families not interleaved. Both refuse invalid UTF-8, duplicate label
// names and a carriage return at a line's end. Reentrant: each call has its own buffers.
Result<ParseStats> parse_exposition(std::string_view body, ExpositionFormat format,
                                    ExpositionVisitor& visitor, const ParseLimits& limits = {});

}  // namespace vitals
