// The series notation of Prometheus' test files, shared by promqltest's `load` blocks and
// expected results and by promtool's `input_series`: `metric{a="b"} 0+10x3 _ stale 1x2`, where
// `a+bxn` expands to the n+1 values a, a+b, …, `_` is a missing point, `_xn` n of them, and
// `stale` the staleness marker. Native-histogram literals (`{{…}}`) are recognised, not read.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "agent/store/label_set.h"
#include "vitals/common/error.h"

namespace vitals::conformance {

struct SeriesValue {
  enum class Kind : std::uint8_t { Missing, Stale, Number, Histogram };
  Kind kind = Kind::Missing;
  double value = 0;  // for Number

  static SeriesValue number(double v) { return {.kind = Kind::Number, .value = v}; }
};
using SeriesValues = std::vector<SeriesValue>;

struct SeriesDescription {
  LabelPairs labels{};  // sorted by name, __name__ included when written; empty values kept
  SeriesValues values{};

  bool has_histograms() const;
};

// `metric{a="b", c="d"} values…`. InvalidArgument saying what is wrong, with no location (the
// caller knows the line).
Result<SeriesDescription> parse_series_description(std::string_view line);
// The values part alone: `0+10x3 _ stale 1e3 -Inf`.
Result<SeriesValues> parse_series_values(std::string_view text);
// `metric`, `metric{a="b"}`, `{__name__="metric"}` or `{"metric", a="b"}` at the start of
// `text`, sorted; `rest` (when given) gets what follows it.
Result<LabelPairs> parse_metric(std::string_view text, std::string_view* rest = nullptr);

// A PromQL string literal ("…", '…' or `…`) with Go's escapes; `\xHH` gives the raw byte.
Result<std::string> unquote(std::string_view literal);
// A number as the test files write one: `1`, `-2.5e3`, `.5`, `Inf`, `-Inf`, `NaN`, `0x1f`.
Result<double> parse_number(std::string_view text);
// A Prometheus duration (`1h30m`, `10s53ms`, `1d`, `0`), or a plain number of seconds, in ms.
Result<std::int64_t> parse_duration_ms(std::string_view text);

// `metric{a="b", c="d"}` (no braces when only the name), for messages.
std::string format_labels(const LabelPairs& labels);
// Shortest round-trip form; `+Inf`, `-Inf`, `NaN`, `stale`.
std::string format_value(double value);
std::string format_value(const SeriesValue& value);

}  // namespace vitals::conformance
