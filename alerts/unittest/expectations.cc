#include "alerts/unittest/expectations.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <string>

#include "alerts/conformance/series_notation.h"
#include "alerts/promql/quoting.h"

namespace vitals::unittest {
namespace {

LabelPairs pairs(const std::map<std::string, std::string>& values) {
  LabelPairs out;
  for (const auto& [name, value] : values) out.push_back({name, value});
  return out;
}

bool is_blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; });
}

// parser.ParseMetric: the whole text is one series selector without operators; "" is {}.
Result<LabelPairs> parse_labels(const std::string& text) {
  if (is_blank(text)) return LabelPairs{};
  std::string_view rest;
  auto labels = conformance::parse_metric(text, &rest);
  if (labels && !is_blank(rest)) {
    return make_error(ErrorCode::InvalidArgument,
                      "unexpected \"" + std::string(rest) + "\" after the series");
  }
  return labels;
}

bool same_value(double expected, double got, bool fuzzy) {
  if (expected == got) return true;
  constexpr double kInf = std::numeric_limits<double>::infinity();
  return fuzzy && (std::nextafter(expected, -kInf) == got || std::nextafter(expected, kInf) == got);
}

}  // namespace

std::vector<AlertView> expected_alerts(const AlertTestCase& test) {
  std::vector<AlertView> out;
  for (const ExpectedAlert& alert : test.exp_alerts) {
    std::map<std::string, std::string> labels = alert.labels;
    labels["alertname"] = test.alertname;
    out.push_back({pairs(labels), pairs(alert.annotations)});
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::vector<SampleView>> expected_samples(const PromqlTestCase& test) {
  std::vector<SampleView> out;
  for (const ExpectedSample& sample : test.exp_samples) {
    auto labels = parse_labels(sample.labels);
    std::string problem = labels ? "" : labels.error().message;
    if (labels && !sample.histogram.empty()) {
      problem = "native histogram samples are not supported by vitals";
    }
    if (!problem.empty()) {
      return make_error(ErrorCode::InvalidArgument,
                        "labels " + promql::go_quote(sample.labels) + ": " + problem);
    }
    out.push_back({std::move(*labels), sample.value});
  }
  sort_samples(out);
  return out;
}

void sort_samples(std::vector<SampleView>& samples) {
  std::stable_sort(samples.begin(), samples.end(),
                   [](const SampleView& a, const SampleView& b) { return a.labels < b.labels; });
}

bool same_samples(const std::vector<SampleView>& expected, const std::vector<SampleView>& got,
                  bool fuzzy) {
  if (expected.size() != got.size()) return false;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (expected[i].labels != got[i].labels) return false;
    if (!same_value(expected[i].value, got[i].value, fuzzy)) return false;
  }
  return true;
}

}  // namespace vitals::unittest
