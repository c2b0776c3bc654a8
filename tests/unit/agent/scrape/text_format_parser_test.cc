#include "agent/scrape/text_format_parser.h"

#include <bit>
#include <cmath>

#include <doctest/doctest.h>
#include "tests/unit/agent/scrape/exposition_recorder.h"

using vitals::ExpositionFormat;
using vitals::MetricType;
using vitals::testing::error_of;
using vitals::testing::Labels;
using vitals::testing::parse_ok;

namespace {

double value_of(std::string_view text) {
  auto recorder = parse_ok("m " + std::string(text) + "\n");
  REQUIRE(recorder.samples.size() == 1);
  return recorder.samples[0].value;
}

}  // namespace

TEST_CASE("a minimal text-format line gives one untyped sample") {
  auto recorder = parse_ok("metric_without_timestamp_and_labels 12.47\n");
  REQUIRE(recorder.samples.size() == 1);
  const auto& sample = recorder.samples[0];
  CHECK(sample.name == "metric_without_timestamp_and_labels");
  CHECK(sample.family == sample.name);
  CHECK(sample.type == MetricType::Unknown);
  CHECK(sample.labels.empty());
  CHECK(sample.value == 12.47);
  CHECK_FALSE(sample.timestamp_ms.has_value());
  CHECK(recorder.metadata.empty());
}

TEST_CASE("HELP and TYPE reach the visitor once, before the family's first sample") {
  auto recorder = parse_ok(
      "# HELP http_requests_total The total number of HTTP requests.\n"
      "# TYPE http_requests_total counter\n"
      "http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000\n"
      "http_requests_total{method=\"post\",code=\"400\"}    3 1395066363000\n");
  REQUIRE(recorder.metadata.size() == 1);
  CHECK(recorder.metadata[0].family == "http_requests_total");
  CHECK(recorder.metadata[0].type == MetricType::Counter);
  CHECK(recorder.metadata[0].help == "The total number of HTTP requests.");
  CHECK(recorder.metadata[0].unit.empty());
  CHECK(recorder.metadata[0].samples_before == 0);
  REQUIRE(recorder.samples.size() == 2);
  CHECK(recorder.samples[1].labels == Labels{{"method", "post"}, {"code", "400"}});
  CHECK(recorder.samples[1].value == 3);
  CHECK(recorder.samples[1].type == MetricType::Counter);
  CHECK(recorder.samples[1].timestamp_ms == 1395066363000);
}

TEST_CASE("each sample carries its name and labels exactly as written") {
  auto recorder = parse_ok(
      "plain 1\n"
      "spaced  { b = \"x\\\"y\" , a=\"1\", } 2 17\n"
      "spaced{a=\"1\",b=\"x\\\"y\"}\t3\n");
  REQUIRE(recorder.samples.size() == 3);
  CHECK(recorder.samples[0].series_text == "plain");
  CHECK(recorder.samples[1].series_text == "spaced  { b = \"x\\\"y\" , a=\"1\", }");
  CHECK(recorder.samples[2].series_text == "spaced{a=\"1\",b=\"x\\\"y\"}");
  // One series, two spellings: the texts differ while the labels agree.
  CHECK(recorder.samples[1].labels == Labels{{"b", "x\"y"}, {"a", "1"}});
  CHECK(recorder.samples[2].labels == Labels{{"a", "1"}, {"b", "x\"y"}});
}

TEST_CASE("a family with metadata and no samples is still reported") {
  auto recorder = parse_ok("# TYPE idle gauge\n# HELP idle Nothing yet.\n");
  REQUIRE(recorder.metadata.size() == 1);
  CHECK(recorder.metadata[0].type == MetricType::Gauge);
  CHECK(recorder.metadata[0].help == "Nothing yet.");
}

TEST_CASE("label values unescape backslash, quote and line feed; HELP only backslash and LF") {
  auto recorder = parse_ok(
      "# HELP msdos_file_access_time_seconds A \\\\ path\\nand \\\"quotes\\\" kept\n"
      "msdos_file_access_time_seconds{path=\"C:\\\\DIR\\\\FILE.TXT\",error=\"Cannot find "
      "file:\\n\\\"FILE.TXT\\\"\"} 1.458255915e9\n");
  REQUIRE(recorder.samples.size() == 1);
  CHECK(recorder.samples[0].labels ==
        Labels{{"path", "C:\\DIR\\FILE.TXT"}, {"error", "Cannot find file:\n\"FILE.TXT\""}});
  CHECK(recorder.samples[0].value == 1.458255915e9);
  // Prometheus' text parser leaves \" in HELP as written; only OpenMetrics unescapes it.
  CHECK(recorder.metadata[0].help == "A \\ path\nand \\\"quotes\\\" kept");
}

TEST_CASE("escaped values stay intact when many labels of one sample are unescaped") {
  std::string line = "m{";
  for (int i = 0; i < 40; ++i) {
    line +=
        "l" + std::to_string(i) + "=\"" + std::string(50, 'x') + "\\\\" + std::to_string(i) + "\",";
  }
  auto recorder = parse_ok(line + "} 1\n");
  REQUIRE(recorder.samples[0].labels.size() == 40);
  CHECK(recorder.samples[0].labels[0].second == std::string(50, 'x') + "\\0");
  CHECK(recorder.samples[0].labels[39].second == std::string(50, 'x') + "\\39");
}

TEST_CASE("an unknown escape in a text-format label value is refused with its line") {
  CHECK(error_of("a 1\nb 2\nc{path=\"C:\\qux\"} 1\n") ==
        "line 3: invalid label value escape \"\\q\"");
}

TEST_CASE("text-format timestamps are integer milliseconds, negative ones included") {
  auto recorder = parse_ok(
      "something_weird{problem=\"division by zero\"} +Inf -3982045\n"
      "a 1 9223372036854775807\n"
      "b 1 +5\n");
  CHECK(recorder.samples[0].timestamp_ms == -3982045);
  CHECK(std::isinf(recorder.samples[0].value));
  CHECK(recorder.samples[1].timestamp_ms == INT64_MAX);
  CHECK(recorder.samples[2].timestamp_ms == 5);
  CHECK(error_of("a 1 1.5\n") ==
        "line 1: invalid timestamp \"1.5\" (expected integer milliseconds)");
  CHECK(error_of("a 1 9223372036854775808\n") ==
        "line 1: invalid timestamp \"9223372036854775808\" (expected integer milliseconds)");
}

TEST_CASE("values are read as Go's ParseFloat reads them for Prometheus") {
  CHECK(value_of("1e3") == 1000);
  CHECK(value_of("1E-3") == 0.001);
  CHECK(value_of(".5") == 0.5);
  CHECK(value_of("5.") == 5);
  CHECK(value_of("+7") == 7);
  CHECK(value_of("007") == 7);
  CHECK(value_of("12345678901234567890") == 12345678901234567890.0);
  CHECK(value_of("0.1") == 0.1);
  CHECK(value_of("1.7976931348623157e308") == 1.7976931348623157e308);
  CHECK(std::signbit(value_of("-0")));
  CHECK(value_of("1e-400") == 0);  // underflow is zero in Go, not an error
  for (const char* inf : {"+Inf", "Inf", "inf", "+infinity", "INF"}) CHECK(value_of(inf) > 1e308);
  for (const char* inf : {"-Inf", "-inf", "-Infinity"}) CHECK(value_of(inf) < -1e308);
  for (const char* nan : {"NaN", "nan", "NAN"}) {
    CHECK(std::bit_cast<std::uint64_t>(value_of(nan)) == vitals::kScrapedNaNBits);
  }
  for (const char* bad : {"+NaN", "-nan", "0x10", "0x1p3", "1_000", "1e400", "-1e400", "1e", "e3",
                          ".", "+", "1.2.3", "infinit", "Infinityy", "1,5", "12a"}) {
    CAPTURE(bad);
    CHECK(error_of("m " + std::string(bad) + "\n") ==
          "line 1: invalid value \"" + std::string(bad) + "\"");
  }
}

TEST_CASE("histogram and summary series carry their family's name and type") {
  auto recorder = parse_ok(
      "# HELP rpc_duration_seconds A summary of the RPC duration in seconds.\n"
      "# TYPE rpc_duration_seconds summary\n"
      "rpc_duration_seconds{quantile=\"0.5\"} 4773\n"
      "rpc_duration_seconds_sum 1.7560473e+07\n"
      "rpc_duration_seconds_count 2693\n"
      "# TYPE http_request_duration_seconds histogram\n"
      "http_request_duration_seconds_bucket{le=\"0.05\"} 24054\n"
      "http_request_duration_seconds_bucket{le=\"+Inf\"} 144320\n"
      "http_request_duration_seconds_sum 53423\n"
      "http_request_duration_seconds_count 144320\n"
      "http_request_duration_seconds_created 1.7e9\n"
      "http_request_duration_seconds_total 1\n");
  REQUIRE(recorder.samples.size() == 9);
  for (int i = 0; i < 3; ++i) {
    CHECK(recorder.samples[i].family == "rpc_duration_seconds");
    CHECK(recorder.samples[i].type == MetricType::Summary);
  }
  for (int i = 3; i < 8; ++i) {
    CAPTURE(recorder.samples[i].name);
    CHECK(recorder.samples[i].family == "http_request_duration_seconds");
    CHECK(recorder.samples[i].type == MetricType::Histogram);
  }
  CHECK(recorder.samples[4].labels == Labels{{"le", "+Inf"}});
  // Not a histogram suffix: a family of its own, untyped.
  CHECK(recorder.samples[8].family == "http_request_duration_seconds_total");
  CHECK(recorder.samples[8].type == MetricType::Unknown);
}

TEST_CASE("a counter's TYPE line may name it with or without _total") {
  auto recorder = parse_ok(
      "# TYPE a_total counter\na_total 1\n# TYPE b counter\nb 2\nb_total 3\nb_created 4\n");
  for (const auto& sample : recorder.samples) {
    CAPTURE(sample.name);
    CHECK(sample.type == MetricType::Counter);
  }
  CHECK(recorder.samples[0].family == "a_total");
  CHECK(recorder.samples[3].family == "b");
}

TEST_CASE("a sample outside the TYPE line's family is untyped, and the family types later ones") {
  auto recorder = parse_ok("# TYPE a gauge\na 1\nother 2\na{x=\"y\"} 3\n");
  CHECK(recorder.samples[0].type == MetricType::Gauge);
  CHECK(recorder.samples[1].type == MetricType::Unknown);
  CHECK(recorder.samples[2].type == MetricType::Gauge);
}

TEST_CASE("an empty label set and a trailing comma are accepted") {
  auto recorder = parse_ok("a{} 1\nb{x=\"1\",} 2\nc{x=\"\"} 3\n");
  CHECK(recorder.samples[0].labels.empty());
  CHECK(recorder.samples[1].labels == Labels{{"x", "1"}});
  CHECK(recorder.samples[2].labels == Labels{{"x", ""}});
}

TEST_CASE("blanks and tabs may surround every token of a text-format line") {
  auto recorder =
      parse_ok(" \t foo \t{ a = \"1\" ,\tb=\"2\" , }  3 \t 1000 \t\n\t# TYPE\tbar  gauge \nbar 1");
  REQUIRE(recorder.samples.size() == 2);
  CHECK(recorder.samples[0].labels == Labels{{"a", "1"}, {"b", "2"}});
  CHECK(recorder.samples[0].value == 3);
  CHECK(recorder.samples[0].timestamp_ms == 1000);
  CHECK(recorder.samples[1].type == MetricType::Gauge);
  CHECK(parse_ok("x{a=\"1\"}2\n").samples[0].value == 2);  // '}' ends a token, as in Prometheus
}

TEST_CASE("comments, blank lines, # EOF and # UNIT are ignored in the text format") {
  auto recorder = parse_ok(
      "\n# A comment\n#no space\n   \n# HELP\n# TYPEWRITER x\n# UNIT a seconds\n"
      "a 1\n# EOF\nb 2\n");
  CHECK(recorder.samples.size() == 2);
  CHECK(recorder.metadata.empty());
  CHECK(parse_ok("").samples.empty());
  CHECK(parse_ok("a 1").samples.size() == 1);  // the last line may lack its line feed
}

TEST_CASE("metric names may hold colons and digits, label names underscores and digits") {
  auto recorder = parse_ok("job:http_requests:rate5m{_a1=\"x\",B_2=\"y\"} 1\n_x 2\n");
  CHECK(recorder.samples[0].name == "job:http_requests:rate5m");
  CHECK(recorder.samples[0].labels == Labels{{"_a1", "x"}, {"B_2", "y"}});
  CHECK(error_of("1abc 1\n") == "line 1: expected a metric name, got \"1abc\"");
  CHECK(error_of("foo-bar 1\n") == "line 1: expected a metric name, got \"foo-bar\"");
  CHECK(error_of("foo{a:b=\"1\"} 1\n") ==
        "line 1: invalid label name \"a:b\" (expected name=\"value\")");
  CHECK(error_of("foo{1a=\"1\"} 1\n") == "line 1: expected a label name, got \"1a=\"1\"}\"");
}

TEST_CASE("malformed text-format lines are refused, naming the line and the reason") {
  const std::pair<std::string, std::string> cases[] = {
      {"a 1\nb 2\nc\n", "line 3: expected a value after the metric name"},
      {"c{a=\"b\"}\n", "line 1: expected a value after the labels"},
      {"{a=\"b\"} 1\n", "line 1: expected a metric name before the labels"},
      {"c{a=\"b\" 1\n",
       "line 1: expected \",\" or \"}\" after the value of label \"a\", got \"1\""},
      {"c{a=\"b\" b=\"c\"} 1\n",
       "line 1: expected \",\" or \"}\" after the value of label \"a\", got \"b=\"c\"}\""},
      {"c{a=\"b\n", "line 1: unterminated value for label \"a\""},
      {"c{a=b} 1\n", "line 1: expected a quoted value for label \"a\""},
      {"c{a} 1\n", "line 1: invalid label name \"a\" (expected name=\"value\")"},
      {"c{a=\"1\",,} 1\n", "line 1: expected a label name, got \",}\""},
      {"c{a=\"1\"\n", "line 1: unterminated label set: expected \"}\""},
      {"c{a=\"1\",b=\"2\",a=\"3\"} 1\n", "line 1: duplicate label name \"a\""},
      {"c{__name__=\"x\"} 1\n", "line 1: label name \"__name__\" is reserved for the metric name"},
      {"c 1 2 3\n", "line 1: unexpected \"3\" after the timestamp"},
      {"c 1 # {a=\"b\"} 1\n", "line 1: exemplars need the OpenMetrics format"},
      {"# TYPE c counter gauge\n", "line 1: unexpected \"gauge\" after the type in # TYPE"},
      {"# TYPE c\n", "line 1: missing the type in # TYPE"},
      {"# TYPE c info\n",
       "line 1: invalid metric type \"info\" (expected counter, gauge, histogram, summary or "
       "untyped)"},
      {"# TYPE c unknown\n",
       "line 1: invalid metric type \"unknown\" (expected counter, gauge, histogram, summary or "
       "untyped)"},
      {"# HELP \n", "line 1: expected a metric name after # HELP, got \"\""},
      {"# HELP c-d text\n", "line 1: expected a metric name after # HELP, got \"c-d\""},
      {"a 1\r\n", "line 1: carriage return before the line feed"},
  };
  for (const auto& [body, message] : cases) {
    CAPTURE(body);
    CHECK(error_of(body) == message);
  }
}

TEST_CASE("invalid UTF-8 in a label value or HELP text is refused with its line") {
  CHECK(parse_ok("a{city=\"Zürich\",emoji=\"\xF0\x9F\x98\x80\"} 1\n").samples[0].labels[0].second ==
        "Zürich");
  CHECK(error_of("a 1\nb{x=\"\xFF\"} 1\n") == "line 2: invalid UTF-8 in the value of label \"x\"");
  CHECK(error_of("b{x=\"\xC0\xAF\"} 1\n") == "line 1: invalid UTF-8 in the value of label \"x\"");
  CHECK(error_of("b{x=\"\xED\xA0\x80\"} 1\n") ==
        "line 1: invalid UTF-8 in the value of label \"x\"");
  CHECK(error_of("# HELP b caf\xE9\n") == "line 1: invalid UTF-8 in # HELP");
}

TEST_CASE("more samples than sample_limit fail the whole body") {
  vitals::testing::ExpositionRecorder recorder;
  auto parsed = vitals::parse_exposition("a 1\nb 2\nc 3\n", ExpositionFormat::PrometheusText,
                                         recorder, {.max_samples = 2});
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().message == "sample_limit exceeded (2)");
  auto exact = vitals::parse_exposition("a 1\nb 2\n", ExpositionFormat::PrometheusText, recorder,
                                        {.max_samples = 2});
  REQUIRE_MESSAGE(exact, vitals::testing::why(exact));
  CHECK(exact->samples == 2);
  CHECK(exact->lines == 2);
}

TEST_CASE("the Content-Type header chooses the format") {
  using vitals::format_from_content_type;
  CHECK(format_from_content_type("application/openmetrics-text; version=1.0.0; charset=utf-8") ==
        ExpositionFormat::OpenMetrics);
  CHECK(format_from_content_type(" Application/OpenMetrics-Text ;version=0.0.1") ==
        ExpositionFormat::OpenMetrics);
  CHECK(format_from_content_type("text/plain; version=0.0.4; charset=utf-8") ==
        ExpositionFormat::PrometheusText);
  CHECK(format_from_content_type("") == ExpositionFormat::PrometheusText);
  CHECK(format_from_content_type("application/openmetrics-textx") ==
        ExpositionFormat::PrometheusText);
}

TEST_CASE("a repeated HELP or TYPE line replaces the earlier one, as Prometheus lets it") {
  auto recorder = parse_ok("# TYPE a gauge\na 1\n# TYPE a counter\n# HELP a Later.\na 2\n");
  REQUIRE(recorder.metadata.size() == 2);
  CHECK(recorder.metadata[1].type == MetricType::Counter);
  CHECK(recorder.metadata[1].help == "Later.");
  CHECK(recorder.metadata[1].samples_before == 1);
  CHECK(recorder.samples[0].type == MetricType::Gauge);
  CHECK(recorder.samples[1].type == MetricType::Counter);
}

namespace {

// Expects the series of a previous body at each index, and notes which lines matched.
class ExpectingVisitor final : public vitals::ExpositionVisitor {
 public:
  explicit ExpectingVisitor(std::vector<std::string> expected) : expected_(std::move(expected)) {}
  std::string_view expected_series(std::size_t index) const override {
    return index < expected_.size() ? std::string_view(expected_[index]) : std::string_view();
  }
  void on_sample(const vitals::ParsedSample& sample) override {
    seen.push_back({std::string(sample.name), std::string(sample.series_text), sample.expected,
                    sample.labels.size(), sample.value});
  }
  struct Seen {
    std::string name;
    std::string series_text;
    bool expected;
    std::size_t labels;
    double value;
  };
  std::vector<Seen> seen;

 private:
  std::vector<std::string> expected_;
};

}  // namespace

TEST_CASE("a line starting with the series the visitor expects there skips reading its labels") {
  ExpectingVisitor visitor({R"(a{x="1"})", "b", "c", R"(d{y="2"})"});
  auto parsed = vitals::parse_exposition(
      "# TYPE a counter\na{x=\"1\"}  5 1000\nb {z=\"3\"} 6\nc_total 7\nd{y=\"2\"}\t8\n",
      ExpositionFormat::PrometheusText, visitor);
  REQUIRE_MESSAGE(parsed, vitals::testing::why(parsed));
  REQUIRE(visitor.seen.size() == 4);
  CHECK(visitor.seen[0].expected);
  CHECK(visitor.seen[0].name == "a");
  CHECK(visitor.seen[0].series_text == R"(a{x="1"})");
  CHECK(visitor.seen[0].labels == 0);
  CHECK(visitor.seen[0].value == 5);
  CHECK_FALSE(visitor.seen[1].expected);  // "b" then labels: another series
  CHECK(visitor.seen[1].labels == 1);
  CHECK_FALSE(visitor.seen[2].expected);  // a longer name
  CHECK(visitor.seen[2].name == "c_total");
  CHECK(visitor.seen[3].expected);
  CHECK(visitor.seen[3].value == 8);
}

TEST_CASE("an expected series still needs a valid value after it") {
  ExpectingVisitor visitor({"a"});
  auto parsed = vitals::parse_exposition("a x\n", ExpositionFormat::PrometheusText, visitor);
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().message == R"(line 1: invalid value "x")");
  ExpectingVisitor openmetrics({"a"});
  parsed = vitals::parse_exposition("a\t1\n# EOF\n", ExpositionFormat::OpenMetrics, openmetrics);
  CHECK_FALSE(parsed);  // OpenMetrics separates with one space only
}
