// The exposition parser against what real exposers write: promtool's conformance sample and
// prometheus-cpp's TextSerializer (which the checkers library serves /metrics with).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include <doctest/doctest.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/summary.h>
#include <prometheus/text_serializer.h>

#include "agent/scrape/text_format_parser.h"
#include "tests/unit/agent/scrape/exposition_recorder.h"

using vitals::MetricType;
using vitals::testing::Labels;
using vitals::testing::parse_ok;

namespace {

const std::filesystem::path kConformanceFile =
    std::filesystem::path(VITALS_SHARED_DIR) / "conformance/promtool/metrics-test.prom";

// Evaluated once, when the test is registered: says why the test is skipped.
bool conformance_file_missing() {
  if (std::filesystem::exists(kConformanceFile)) return false;
  std::cerr << "note: " << kConformanceFile.string()
            << " is absent; skipping the promtool conformance test\n";
  return true;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::map<std::string, MetricType> types_by_name(const vitals::testing::ExpositionRecorder& r) {
  std::map<std::string, MetricType> types;
  for (const auto& sample : r.samples) types[sample.name] = sample.type;
  return types;
}

}  // namespace

TEST_CASE("promtool's conformance sample parses in place" *
          doctest::skip(conformance_file_missing())) {
  const std::string body = read_file(kConformanceFile);
  REQUIRE_FALSE(body.empty());
  auto recorder = parse_ok(body);
  CHECK(recorder.samples.size() == 27);
  CHECK(recorder.metadata.size() == 4);
  const auto types = types_by_name(recorder);
  CHECK(types.at("go_gc_duration_seconds") == MetricType::Summary);
  CHECK(types.at("go_gc_duration_seconds_count") == MetricType::Summary);
  CHECK(types.at("prometheus_tsdb_compaction_chunk_size_bytes_bucket") == MetricType::Histogram);
  CHECK(types.at("net_conntrack_dialer_conn_attempted_total") == MetricType::Counter);
  CHECK(types.at("go_info") == MetricType::Gauge);
  const auto& inf_bucket = recorder.samples[19];
  CHECK(inf_bucket.labels == Labels{{"le", "+Inf"}});
  CHECK(inf_bucket.value == 13867);
  CHECK(recorder.samples[20].value == 3.886707e+06);
}

TEST_CASE("prometheus-cpp's TextSerializer output parses back to the same series") {
  auto registry = std::make_shared<prometheus::Registry>();
  auto& requests = prometheus::BuildCounter()
                       .Name("card_authorisations_total")
                       .Help("Authorisations by result (a \\ b).")
                       .Register(*registry);
  requests.Add({{"result", "approved"}}).Increment(41);
  requests.Add({{"result", "declined \"hard\"\\n"}}).Increment(2);
  prometheus::BuildGauge()
      .Name("queue_depth")
      .Help("Items waiting.")
      .Register(*registry)
      .Add({})
      .Set(-3.5);
  auto& latency = prometheus::BuildHistogram()
                      .Name("feed_latency_seconds")
                      .Help("Feed latency.")
                      .Register(*registry)
                      .Add({{"feed", "main"}}, prometheus::Histogram::BucketBoundaries{0.1, 1, 10});
  latency.Observe(0.05);
  latency.Observe(3);
  prometheus::BuildSummary()
      .Name("rpc_seconds")
      .Help("RPC time.")
      .Register(*registry)
      .Add({}, prometheus::Summary::Quantiles{{0.5, 0.05}, {0.99, 0.001}})
      .Observe(0.25);

  const std::string body = prometheus::TextSerializer{}.Serialize(registry->Collect());
  auto recorder = parse_ok(body);
  CAPTURE(body);
  REQUIRE(recorder.metadata.size() == 4);
  // prometheus-cpp 1.0.1 writes HELP unescaped (a line feed would split the line); a lone
  // backslash before a space survives because the text format keeps unknown HELP escapes.
  CHECK(recorder.metadata[0].help == "Authorisations by result (a \\ b).");
  // 2 counters, 1 gauge, 4 buckets + sum + count, 2 quantiles + sum + count.
  REQUIRE(recorder.samples.size() == 13);
  std::map<std::string, const vitals::testing::RecordedSample*> by_series;
  for (const auto& sample : recorder.samples) {
    std::string key = sample.name;
    for (const auto& [name, value] : sample.labels) key += "|" + name + "=" + value;
    by_series[key] = &sample;
  }
  CHECK(by_series.at("card_authorisations_total|result=approved")->value == 41);
  CHECK(by_series.at("card_authorisations_total|result=declined \"hard\"\\n")->value == 2);
  CHECK(by_series.at("card_authorisations_total|result=approved")->type == MetricType::Counter);
  CHECK(by_series.at("queue_depth")->value == -3.5);
  CHECK(by_series.at("feed_latency_seconds_bucket|feed=main|le=0.1")->value == 1);
  CHECK(by_series.at("feed_latency_seconds_bucket|feed=main|le=+Inf")->value == 2);
  CHECK(by_series.at("feed_latency_seconds_sum|feed=main")->value == doctest::Approx(3.05));
  CHECK(by_series.at("feed_latency_seconds_count|feed=main")->type == MetricType::Histogram);
  CHECK(by_series.at("rpc_seconds|quantile=0.5")->type == MetricType::Summary);
  CHECK(by_series.at("rpc_seconds_count")->value == 1);
}
