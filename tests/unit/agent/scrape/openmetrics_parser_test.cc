// The OpenMetrics 1.0 side of the exposition parser; the examples come from the specification.
#include <bit>

#include <doctest/doctest.h>
#include "agent/scrape/text_format_parser.h"
#include "tests/unit/agent/scrape/exposition_recorder.h"

using vitals::MetricType;
using vitals::testing::Labels;
using vitals::testing::om_error_of;
using vitals::testing::om_parse_ok;

TEST_CASE("an OpenMetrics exposition with TYPE, UNIT and HELP gives typed samples") {
  auto recorder = om_parse_ok(
      "# TYPE acme_http_router_request_seconds summary\n"
      "# UNIT acme_http_router_request_seconds seconds\n"
      "# HELP acme_http_router_request_seconds Latency though all of ACME's HTTP request router.\n"
      "acme_http_router_request_seconds_sum{path=\"/api/v1\",method=\"GET\"} 9036.32\n"
      "acme_http_router_request_seconds_count{path=\"/api/v1\",method=\"GET\"} 807283.0\n"
      "acme_http_router_request_seconds_created{path=\"/api/v1\",method=\"GET\"} 1605281325.0\n"
      "# TYPE go_goroutines gauge\n"
      "# HELP go_goroutines Number of goroutines that currently exist.\n"
      "go_goroutines 69\n"
      "# TYPE process_cpu_seconds counter\n"
      "# UNIT process_cpu_seconds seconds\n"
      "# HELP process_cpu_seconds Total user and system CPU time spent in seconds.\n"
      "process_cpu_seconds_total 4.20072246e+06\n"
      "# EOF\n");
  REQUIRE(recorder.metadata.size() == 3);
  CHECK(recorder.metadata[0].type == MetricType::Summary);
  CHECK(recorder.metadata[0].unit == "seconds");
  CHECK(recorder.metadata[0].help == "Latency though all of ACME's HTTP request router.");
  CHECK(recorder.metadata[2].family == "process_cpu_seconds");
  REQUIRE(recorder.samples.size() == 5);
  CHECK(recorder.samples[2].name == "acme_http_router_request_seconds_created");
  CHECK(recorder.samples[2].type == MetricType::Summary);
  CHECK(recorder.samples[2].value == 1605281325.0);
  CHECK(recorder.samples[3].type == MetricType::Gauge);
  CHECK(recorder.samples[4].family == "process_cpu_seconds");
  CHECK(recorder.samples[4].type == MetricType::Counter);
  CHECK(recorder.samples[4].value == 4.20072246e+06);
}

TEST_CASE("OpenMetrics timestamps are seconds, converted to milliseconds exactly") {
  auto recorder = om_parse_ok(
      "# TYPE foo gauge\n"
      "foo{a=\"b\"} 17.0 1520879607.789\n"
      "foo 17.0 123\n"
      "foo 18.0 -1.5\n"
      "foo 19.0 1604676851.123456789\n"
      "foo 20.0 1.5e3\n"
      "# EOF");
  CHECK(recorder.samples[0].timestamp_ms == 1520879607789);
  CHECK(recorder.samples[1].timestamp_ms == 123000);
  CHECK(recorder.samples[2].timestamp_ms == -1500);
  CHECK(recorder.samples[3].timestamp_ms == 1604676851123);  // sub-milliseconds are cut
  CHECK(recorder.samples[4].timestamp_ms == 1500000);
  CHECK(om_error_of("foo 1 NaN\n# EOF\n") ==
        "line 1: invalid timestamp \"NaN\" (expected seconds)");
  CHECK(om_error_of("foo 1 +Inf\n# EOF\n") ==
        "line 1: invalid timestamp \"+Inf\" (expected seconds)");
}

TEST_CASE("every OpenMetrics type resolves its samples' suffixes") {
  auto recorder = om_parse_ok(
      "# TYPE c counter\nc_total 17.0\nc_created 1520430000.123\n"
      "# TYPE s stateset\ns{s=\"a\"} 1\ns{s=\"bb\"} 0\n"
      "# TYPE i info\ni_info{name=\"pretty name\",version=\"8.2.7\"} 1\n"
      "# TYPE h histogram\nh_bucket{le=\"0.0\"} 0\nh_bucket{le=\"+Inf\"} 17\nh_count 17\n"
      "h_sum 324789.3\nh_created 1520430000.123\n"
      "# TYPE g gaugehistogram\ng_bucket{le=\"+Inf\"} 42.0\ng_gcount 42.0\ng_gsum 3289.3\n"
      "# TYPE q summary\nq{quantile=\"0.95\"} 123.7\nq_count 17\n"
      "# TYPE u unknown\nu 42.23\n"
      "untyped_family 1\nuntyped_family{a=\"b\"} 2\n"
      "# EOF\n");
  const std::pair<std::size_t, MetricType> expected[] = {{0, MetricType::Counter},
                                                         {2, MetricType::StateSet},
                                                         {4, MetricType::Info},
                                                         {5, MetricType::Histogram},
                                                         {9, MetricType::Histogram},
                                                         {10, MetricType::GaugeHistogram},
                                                         {12, MetricType::GaugeHistogram},
                                                         {13, MetricType::Summary},
                                                         {15, MetricType::Unknown},
                                                         {17, MetricType::Unknown}};
  for (const auto& [index, type] : expected) {
    CAPTURE(recorder.samples[index].name);
    CHECK(recorder.samples[index].type == type);
  }
  CHECK(recorder.samples[4].family == "i");
  CHECK(recorder.samples[17].family == "untyped_family");
}

TEST_CASE("exemplars come with their labels, value and optional timestamp") {
  auto recorder = om_parse_ok(
      "# TYPE foo histogram\n"
      "foo_bucket{le=\"0.01\"} 0\n"
      "foo_bucket{le=\"0.1\"} 8 # {} 0.054\n"
      "foo_bucket{le=\"1\"} 11 # {trace_id=\"KOO5S4vxi0o\"} 0.67\n"
      "foo_bucket{le=\"10\"} 17 # {trace_id=\"oHg5SJYRHA0\"} 9.8 1520879607.789\n"
      "foo_bucket{le=\"+Inf\"} 17 123 # {a=\"\\\"q\\\"\"} NaN\n"
      "foo_count 17\n"
      "# EOF\n");
  CHECK_FALSE(recorder.samples[0].exemplar.has_value());
  REQUIRE(recorder.samples[1].exemplar.has_value());
  CHECK(recorder.samples[1].exemplar->labels.empty());
  CHECK(recorder.samples[1].exemplar->value == 0.054);
  CHECK(recorder.samples[2].exemplar->labels == Labels{{"trace_id", "KOO5S4vxi0o"}});
  CHECK_FALSE(recorder.samples[2].exemplar->timestamp_ms.has_value());
  CHECK(recorder.samples[3].exemplar->timestamp_ms == 1520879607789);
  CHECK(recorder.samples[3].value == 17);
  CHECK(recorder.samples[4].timestamp_ms == 123000);
  CHECK(recorder.samples[4].exemplar->labels == Labels{{"a", "\"q\""}});
  CHECK(std::bit_cast<std::uint64_t>(recorder.samples[4].exemplar->value) ==
        vitals::kScrapedNaNBits);
}

TEST_CASE("OpenMetrics unescapes quotes in HELP and keeps unknown escapes as written") {
  auto recorder = om_parse_ok(
      "# TYPE foo_seconds counter\n"
      "# UNIT foo_seconds seconds\n"
      "# HELP foo_seconds Some text and \\n some \\\" escaping \\q\n"
      "foo_seconds_total{a=\"x\",b=\"escaping\\\" example \\n \\a\"} 0\n"
      "# EOF\n");
  CHECK(recorder.metadata[0].help == "Some text and \n some \" escaping \\q");
  CHECK(recorder.samples[0].labels == Labels{{"a", "x"}, {"b", "escaping\" example \n \\a"}});
}

TEST_CASE("an empty HELP or UNIT counts as none") {
  auto recorder = om_parse_ok("# TYPE foo gauge\n# HELP foo \n# UNIT foo \nfoo{} 0\n# EOF\n");
  CHECK(recorder.metadata[0].help.empty());
  CHECK(recorder.metadata[0].unit.empty());
  CHECK(recorder.samples[0].labels.empty());
}

TEST_CASE("an OpenMetrics body must end with # EOF and hold nothing after it") {
  CHECK(om_parse_ok("# EOF").samples.empty());
  CHECK(om_parse_ok("# EOF\n").samples.empty());
  CHECK(om_error_of("") == "line 1: missing \"# EOF\" at the end (OpenMetrics requires it)");
  CHECK(om_error_of("a 1\n") == "line 2: missing \"# EOF\" at the end (OpenMetrics requires it)");
  CHECK(om_error_of("a 1\n# EOF\n\n") == "line 3: unexpected content after \"# EOF\"");
  CHECK(om_error_of("# EOF\na 1\n") == "line 2: unexpected content after \"# EOF\"");
  CHECK(om_error_of("a 1\n# EOF \n") ==
        "line 2: unexpected comment (OpenMetrics allows only # HELP, # TYPE, # UNIT, # EOF)");
}

TEST_CASE("OpenMetrics refuses blank lines, comments and any whitespace but single spaces") {
  const std::pair<std::string, std::string> cases[] = {
      {"a 1\n\nb 1\n# EOF\n", "line 2: empty line (OpenMetrics allows none)"},
      {"# a comment\n# EOF\n",
       "line 1: unexpected comment (OpenMetrics allows only # HELP, # TYPE, # UNIT, # EOF)"},
      {" a 1\n# EOF\n", "line 1: leading whitespace"},
      {"a  1\n# EOF\n", "line 1: expected one space before the value"},
      {"a\t1\n# EOF\n", "line 1: expected a space before the value, got \"\t\""},
      {"a 1 \n# EOF\n", "line 1: trailing whitespace"},
      {"a 1 2 \n# EOF\n", "line 1: trailing whitespace"},
      {"a 1  2\n# EOF\n", "line 1: expected one space before the timestamp"},
      {"a 1 2 x\n# EOF\n", "line 1: unexpected \"x\" after the timestamp"},
      {"a{b=\"1\", c=\"2\"} 1\n# EOF\n", "line 1: unexpected whitespace in the label set"},
      {"a{b = \"1\"} 1\n# EOF\n", "line 1: unexpected whitespace in the label set"},
      {"a 1 # {x=\"y\"}\n# EOF\n", "line 1: expected a value after the exemplar's labels"},
      {"a 1 #{x=\"y\"} 1\n# EOF\n", "line 1: expected \" # {\" to start an exemplar"},
      {"a 1 # {x=\"y\"} 1 2 3\n# EOF\n", "line 1: unexpected \"3\" after the exemplar"},
      {"a 1 # {x=\"y\"} z\n# EOF\n", "line 1: invalid exemplar value \"z\""},
      {"a 1 # {x=\"y\",x=\"z\"} 1\n# EOF\n", "line 1: exemplar: duplicate label name \"x\""},
      {"# HELP a\n# EOF\n", "line 1: expected a space after the metric name in # HELP"},
      {"# TYPE a untyped\n# EOF\n",
       "line 1: invalid metric type \"untyped\" (expected counter, gauge, histogram, "
       "gaugehistogram, summary, info, stateset or unknown)"},
  };
  for (const auto& [body, message] : cases) {
    CAPTURE(body);
    CHECK(om_error_of(body) == message);
  }
}

TEST_CASE("OpenMetrics metadata must come once per family, before its samples") {
  CHECK(om_error_of("# TYPE a gauge\n# TYPE a gauge\n# EOF\n") == "line 2: second # TYPE a line");
  CHECK(om_error_of("# TYPE a gauge\na 1\n# HELP a late\n# EOF\n") ==
        "line 3: # HELP a after the family's samples");
  CHECK(om_error_of("# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\n# TYPE a gauge\n# EOF\n") ==
        "line 5: metric family \"a\" appears again (a family's lines must be together)");
  CHECK(om_error_of("a 1\nb 1\na 2\n# EOF\n") ==
        "line 3: metric family \"a\" appears again (a family's lines must be together)");
  CHECK(om_error_of("# TYPE foo counter\n# UNIT foo seconds\n# EOF\n") ==
        "line 2: unit \"seconds\" is not the suffix of the metric name \"foo\"");
  CHECK(om_error_of("# TYPE foo_seconds gauge\n# UNIT foo_seconds sec-onds\n# EOF\n") ==
        "line 2: invalid unit \"sec-onds\"");
}

TEST_CASE("an OpenMetrics sample named like its family needs the type's suffix") {
  CHECK(om_error_of("# TYPE foo counter\nfoo 1\n# EOF\n") ==
        "line 2: sample name \"foo\" does not fit its counter family (expected foo_total, "
        "foo_created)");
  CHECK(om_error_of("# TYPE foo histogram\nfoo 1\n# EOF\n") ==
        "line 2: sample name \"foo\" does not fit its histogram family (expected foo_bucket, "
        "foo_count, foo_sum, foo_created)");
  // Prometheus lets a counter's TYPE line carry _total; so do we.
  CHECK(om_parse_ok("# TYPE foo_total counter\nfoo_total 1\n# EOF\n").samples[0].type ==
        MetricType::Counter);
}

TEST_CASE("an exemplar's labels may hold at most 128 characters") {
  const std::string fits = "a 1 # {t=\"" + std::string(127, 'x') + "\"} 1\n# EOF\n";
  CHECK(om_parse_ok(fits).samples[0].exemplar.has_value());
  const std::string too_long = "a 1 # {t=\"" + std::string(128, 'x') + "\"} 1\n# EOF\n";
  CHECK(om_error_of(too_long) ==
        "line 1: exemplar labels have 129 characters, more than OpenMetrics' 128");
  // Characters, not bytes: 127 two-byte letters fit.
  std::string wide = "a 1 # {t=\"";
  for (int i = 0; i < 127; ++i) wide += "é";
  CHECK(om_parse_ok(wide + "\"} 1\n# EOF\n").samples.size() == 1);
}

TEST_CASE("NUL bytes are valid in OpenMetrics label values and HELP") {
  using namespace std::string_literals;
  auto recorder = om_parse_ok("# HELP a nul\0here\na_x{v=\"x\0y\"} 1\n# EOF\n"s);
  CHECK(recorder.metadata[0].help == "nul\0here"s);
  CHECK(recorder.samples[0].labels == Labels{{"v", "x\0y"s}});
}
