// Which family a sample belongs to: TYPE names and the sample-name suffixes each type allows
// (`_bucket`, `_total`…), for text_format_parser.cc.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "agent/scrape/text_format_parser.h"

namespace vitals::detail {

// The TYPE word of either format ("untyped" in the text format, "unknown" in OpenMetrics).
std::optional<MetricType> type_from_name(std::string_view name, ExpositionFormat format);

// The sample-name suffixes of each type in OpenMetrics (Counter: `_total`, `_created`…).
std::span<const std::string_view> suffixes_of(MetricType type);

// Whether a sample called `name` belongs to family `family` of `type`. In the text format the
// family's own name always belongs too, as in Prometheus.
bool belongs_to_family(std::string_view name, std::string_view family, MetricType type,
                       bool text_format);

// "foo_total, foo_created": the sample names a family allows, for messages.
std::string sample_names_of(std::string_view family, MetricType type);

}  // namespace vitals::detail
