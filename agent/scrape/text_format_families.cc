#include "agent/scrape/text_format_families.h"

namespace vitals {
namespace detail {
namespace {

constexpr std::string_view kOpenMetricsMediaType = "application/openmetrics-text";

// A counter's TYPE line may carry `_total` itself (and an info's `_info`), as Prometheus allows.
std::string_view family_base(std::string_view family, MetricType type) {
  if (type == MetricType::Counter && family.ends_with("_total")) family.remove_suffix(6);
  if (type == MetricType::Info && family.ends_with("_info")) family.remove_suffix(5);
  return family;
}

}  // namespace

std::optional<MetricType> type_from_name(std::string_view name, ExpositionFormat format) {
  if (format == ExpositionFormat::PrometheusText) {
    if (name == "untyped") return MetricType::Unknown;
    if (name != "counter" && name != "gauge" && name != "histogram" && name != "summary") {
      return std::nullopt;
    }
  }
  for (MetricType type :
       {MetricType::Unknown, MetricType::Counter, MetricType::Gauge, MetricType::Histogram,
        MetricType::GaugeHistogram, MetricType::Summary, MetricType::Info, MetricType::StateSet}) {
    if (to_string(type) == name) return type;
  }
  return std::nullopt;
}

std::span<const std::string_view> suffixes_of(MetricType type) {
  static constexpr std::string_view kCounter[] = {"_total", "_created"};
  static constexpr std::string_view kSummary[] = {"", "_count", "_sum", "_created"};
  static constexpr std::string_view kHistogram[] = {"_bucket", "_count", "_sum", "_created"};
  static constexpr std::string_view kGaugeHistogram[] = {"_bucket", "_gcount", "_gsum"};
  static constexpr std::string_view kInfo[] = {"_info"};
  static constexpr std::string_view kBare[] = {""};
  switch (type) {
    case MetricType::Counter:
      return kCounter;
    case MetricType::Summary:
      return kSummary;
    case MetricType::Histogram:
      return kHistogram;
    case MetricType::GaugeHistogram:
      return kGaugeHistogram;
    case MetricType::Info:
      return kInfo;
    default:
      return kBare;
  }
}

bool belongs_to_family(std::string_view name, std::string_view family, MetricType type,
                       bool text_format) {
  const std::string_view base = family_base(family, type);
  if (!name.starts_with(base)) return false;
  const std::string_view suffix = name.substr(base.size());
  if (text_format && name == family) return true;
  for (std::string_view allowed : suffixes_of(type)) {
    if (suffix == allowed) return true;
  }
  return false;
}

std::string sample_names_of(std::string_view family, MetricType type) {
  std::string names;
  for (std::string_view suffix : suffixes_of(type)) {
    if (!names.empty()) names += ", ";
    names.append(family_base(family, type)).append(suffix);
  }
  return names;
}

}  // namespace detail

ExpositionFormat format_from_content_type(std::string_view content_type) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && (media.front() == ' ' || media.front() == '\t')) media.remove_prefix(1);
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.remove_suffix(1);
  if (media.size() != detail::kOpenMetricsMediaType.size()) return ExpositionFormat::PrometheusText;
  for (std::size_t i = 0; i < media.size(); ++i) {
    const char c = media[i];
    const char lower = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    if (lower != detail::kOpenMetricsMediaType[i]) return ExpositionFormat::PrometheusText;
  }
  return ExpositionFormat::OpenMetrics;
}

std::string_view to_string(MetricType type) {
  switch (type) {
    case MetricType::Unknown:
      return "unknown";
    case MetricType::Counter:
      return "counter";
    case MetricType::Gauge:
      return "gauge";
    case MetricType::Histogram:
      return "histogram";
    case MetricType::GaugeHistogram:
      return "gaugehistogram";
    case MetricType::Summary:
      return "summary";
    case MetricType::Info:
      return "info";
    case MetricType::StateSet:
      return "stateset";
  }
  return "unknown";
}

}  // namespace vitals
