// Fuzzes the scrape body parser (agent/scrape/text_format_parser.h) in both formats: each input
// is parsed as the Prometheus text format and as OpenMetrics. A visitor reads every view it is
// handed (so ASan sees a dangling one), and a second pass offers the first pass's series texts
// as expected_series, as a scraper's cache does on the next scrape, to cover the skipped-labels
// path with texts that the parser has read in full before.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "agent/scrape/text_format_parser.h"

namespace {

std::size_t touch(std::string_view text) {
  std::size_t sum = 0;
  for (char c : text) sum += static_cast<unsigned char>(c);
  return sum;
}

class ReadingVisitor : public vitals::ExpositionVisitor {
 public:
  explicit ReadingVisitor(const std::vector<std::string>* expected = nullptr)
      : expected_(expected) {}

  void on_metadata(std::string_view family, vitals::MetricType type, std::string_view help,
                   std::string_view unit) override {
    sum_ += touch(family) + touch(help) + touch(unit) + touch(vitals::to_string(type));
  }

  void on_sample(const vitals::ParsedSample& sample) override {
    sum_ += touch(sample.name) + touch(sample.series_text) + touch(sample.family);
    for (const vitals::LabelView& label : sample.labels) {
      sum_ += touch(label.name) + touch(label.value);
    }
    if (sample.exemplar != nullptr) {
      for (const vitals::LabelView& label : sample.exemplar->labels) {
        sum_ += touch(label.name) + touch(label.value);
      }
    }
    series_.emplace_back(sample.series_text);
  }

  std::string_view expected_series(std::size_t index) const override {
    if (expected_ == nullptr || index >= expected_->size()) return {};
    return (*expected_)[index];
  }

  std::vector<std::string>& series() { return series_; }
  std::size_t sum() const { return sum_; }

 private:
  const std::vector<std::string>* expected_;
  std::vector<std::string> series_{};
  std::size_t sum_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  for (vitals::ExpositionFormat format :
       {vitals::ExpositionFormat::PrometheusText, vitals::ExpositionFormat::OpenMetrics}) {
    ReadingVisitor first;
    auto stats = vitals::parse_exposition(body, format, first);
    // Only samples of a body read in full are texts "this parser read in full before".
    if (!stats) continue;
    std::vector<std::string> seen = std::move(first.series());
    ReadingVisitor second(&seen);
    auto again = vitals::parse_exposition(body, format, second);
    // The same body with the cache of its own series reads the same samples.
    if (!again || again->samples != stats->samples || second.series() != seen) {
      std::fprintf(stderr, "the second pass with expected_series differs: %s\n",
                   again ? "other samples" : vitals::to_string(again.error()).c_str());
      std::abort();
    }
    ReadingVisitor limited;
    (void)vitals::parse_exposition(body, format, limited, {.max_samples = 1});
  }
  (void)vitals::format_from_content_type(body.substr(0, 64));
  return 0;
}
