// promtool's failure texts, character for character (cmd/promtool/unittest.go's formats).
#include "alerts/unittest/report.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

using vitals::LabelPairs;
using vitals::unittest::AlertView;
using vitals::unittest::SampleView;

TEST_CASE("floats print as Go's %E with the shortest digits") {
  using vitals::unittest::format_float_e;
  CHECK(format_float_e(1) == "1E+00");
  CHECK(format_float_e(0) == "0E+00");
  CHECK(format_float_e(60) == "6E+01");
  CHECK(format_float_e(-0.25) == "-2.5E-01");
  CHECK(format_float_e(1.0 / 60) == "1.6666666666666666E-02");
  CHECK(format_float_e(9218880000) == "9.21888E+09");
  CHECK(format_float_e(1e100) == "1E+100");
  CHECK(format_float_e(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(format_float_e(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(format_float_e(std::nan("")) == "NaN");
}

TEST_CASE("label sets print as Prometheus' labels.String") {
  using vitals::unittest::format_labels;
  CHECK(format_labels({}) == "{}");
  CHECK(format_labels({{"__name__", "up"}, {"job", "a\"b"}}) == R"({__name__="up", job="a\"b"})");
  CHECK(format_labels({{"service.name", "x"}}) == R"({"service.name"="x"})");
  CHECK(format_labels({{"runbook", ""}}) == R"({runbook=""})");
}

TEST_CASE("indent_lines indents every line but the first") {
  CHECK(vitals::unittest::indent_lines("a\nb\n\nc", "  ") == "a\n  b\n  \n  c");
  CHECK(vitals::unittest::indent_lines("one", "  ") == "one");
}

TEST_CASE("an alert mismatch reads as promtool's") {
  std::vector<AlertView> expected = {{{{"alertname", "Test"}}, {}}};
  std::vector<AlertView> got = {
      {{{"alertname", "Down"}, {"job", "test"}}, {{"summary", "Instance  down"}}},
      {{{"alertname", "Down"}, {"job", "web"}}, {}}};
  CHECK(vitals::unittest::alert_mismatch("Failing test", "Test", 0, expected, {}) ==
        "    name: Failing test,\n"
        "    alertname: Test, time: 0s, \n"
        "        exp:[\n"
        "            0:\n"
        "              Labels:{alertname=\"Test\"}\n"
        "              Annotations:{}\n"
        "            ], \n"
        "        got:[]");
  CHECK(vitals::unittest::alert_mismatch("", "Down", 300'000, {}, got) ==
        "    alertname: Down, time: 5m, \n"
        "        exp:[], \n"
        "        got:[\n"
        "            0:\n"
        "              Labels:{alertname=\"Down\", job=\"test\"}\n"
        "              Annotations:{summary=\"Instance  down\"},\n"
        "            1:\n"
        "              Labels:{alertname=\"Down\", job=\"web\"}\n"
        "              Annotations:{}\n"
        "            ]");
}

TEST_CASE("sample mismatches and errors read as promtool's") {
  std::vector<SampleView> expected = {{{{"__name__", "test"}}, 1}};
  std::vector<SampleView> got = {{{{"__name__", "test"}}, 0}, {{{"a", "b"}}, 2}};
  CHECK(vitals::unittest::sample_mismatch("test", 0, expected, got) ==
        "    expr: \"test\", time: 0s,\n"
        "        exp: {__name__=\"test\"} 1E+00\n"
        "        got: {__name__=\"test\"} 0E+00, {a=\"b\"} 2E+00");
  CHECK(vitals::unittest::sample_mismatch("sum(x)", 86'400'000, {}, {}) ==
        "    expr: \"sum(x)\", time: 1d,\n        exp: nil\n        got: nil");
  CHECK(vitals::unittest::query_error("a + on(x) b", 60'000, "boom") ==
        "    expr: \"a + on(x) b\", time: 1m, err: boom");
  // The rule's time is Go's time.Duration, not Prometheus' spelling.
  CHECK(vitals::unittest::rule_error("joined", 0, "boom") ==
        "    rule: joined, time: 0s, err: boom");
  CHECK(vitals::unittest::rule_error("joined", 3'600'000, "boom") ==
        "    rule: joined, time: 1h0m0s, err: boom");
  CHECK(vitals::unittest::missing_alertname("", 60'000) ==
        "an item under alert_rule_test misses required attribute alertname at eval_time 1m");
  CHECK(vitals::unittest::missing_alertname("g", 0) ==
        "an item under alert_rule_test misses required attribute alertname at eval_time 0s (in "
        "TestGroup g)");
}
