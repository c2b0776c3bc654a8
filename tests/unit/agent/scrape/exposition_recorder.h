// A visitor for the exposition parser's tests: copies every callback into owned values, and
// helpers that parse a body expecting success or the error message.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include "agent/scrape/text_format_parser.h"
#include "tests/support/why.h"

namespace vitals::testing {

using Labels = std::vector<std::pair<std::string, std::string>>;

struct RecordedExemplar {
  Labels labels{};
  double value = 0;
  std::optional<std::int64_t> timestamp_ms{};
};

struct RecordedSample {
  std::string name{};
  std::string family{};
  MetricType type = MetricType::Unknown;
  Labels labels{};
  double value = 0;
  std::optional<std::int64_t> timestamp_ms{};
  std::optional<RecordedExemplar> exemplar{};
  std::string series_text{};
};

struct RecordedMetadata {
  std::string family{};
  MetricType type = MetricType::Unknown;
  std::string help{};
  std::string unit{};
  std::size_t samples_before = 0;  // how many samples the visitor had seen when it came
};

inline Labels copy_labels(std::span<const LabelView> labels) {
  Labels out;
  for (const LabelView& label : labels) out.emplace_back(label.name, label.value);
  return out;
}

class ExpositionRecorder : public ExpositionVisitor {
 public:
  void on_metadata(std::string_view family, MetricType type, std::string_view help,
                   std::string_view unit) override {
    metadata.push_back(
        {std::string(family), type, std::string(help), std::string(unit), samples.size()});
  }
  void on_sample(const ParsedSample& sample) override {
    RecordedSample copy{std::string(sample.name),
                        std::string(sample.family),
                        sample.type,
                        copy_labels(sample.labels),
                        sample.value,
                        sample.timestamp_ms,
                        {},
                        std::string(sample.series_text)};
    if (sample.exemplar != nullptr) {
      copy.exemplar = RecordedExemplar{copy_labels(sample.exemplar->labels), sample.exemplar->value,
                                       sample.exemplar->timestamp_ms};
    }
    samples.push_back(std::move(copy));
  }

  std::vector<RecordedMetadata> metadata{};
  std::vector<RecordedSample> samples{};
};

inline ExpositionRecorder parse_ok(std::string_view body,
                                   ExpositionFormat format = ExpositionFormat::PrometheusText) {
  ExpositionRecorder recorder;
  auto parsed = parse_exposition(body, format, recorder);
  REQUIRE_MESSAGE(parsed, why(parsed));
  CHECK(parsed->samples == recorder.samples.size());
  CHECK(parsed->metadata == recorder.metadata.size());
  return recorder;
}

inline std::string error_of(std::string_view body,
                            ExpositionFormat format = ExpositionFormat::PrometheusText) {
  ExpositionRecorder recorder;
  auto parsed = parse_exposition(body, format, recorder);
  REQUIRE_FALSE_MESSAGE(parsed, "accepted: ", body);
  CHECK(parsed.error().code == ErrorCode::InvalidArgument);
  return parsed.error().message;
}

inline std::string om_error_of(std::string_view body) {
  return error_of(body, ExpositionFormat::OpenMetrics);
}

inline ExpositionRecorder om_parse_ok(std::string_view body) {
  return parse_ok(body, ExpositionFormat::OpenMetrics);
}

}  // namespace vitals::testing
