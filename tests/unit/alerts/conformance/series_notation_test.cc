#include "alerts/conformance/series_notation.h"

#include <cmath>

#include <doctest/doctest.h>

#include "agent/store/xor_chunk.h"
#include "tests/support/why.h"

using vitals::testing::why;

namespace vitals::conformance {
namespace {

using Kind = SeriesValue::Kind;

SeriesValues values(std::string_view text) {
  auto result = parse_series_values(text);
  REQUIRE_MESSAGE(result, why(result));
  return std::move(*result);
}

std::vector<double> numbers(std::string_view text) {
  std::vector<double> out;
  for (const SeriesValue& v : values(text)) {
    REQUIRE(v.kind == Kind::Number);
    out.push_back(v.value);
  }
  return out;
}

TEST_CASE("a series line gives its labels sorted, with the metric name as __name__") {
  auto series = parse_series_description(R"(http_requests{job="api", instance="0"} 1 2)");
  REQUIRE_MESSAGE(series, why(series));
  CHECK(series->labels ==
        LabelPairs{{"__name__", "http_requests"}, {"instance", "0"}, {"job", "api"}});
  CHECK(series->values.size() == 2);
}

TEST_CASE("a series may be written by name alone, by labels alone, or with a quoted name") {
  auto bare = parse_series_description("up 1");
  REQUIRE_MESSAGE(bare, why(bare));
  CHECK(bare->labels == LabelPairs{{"__name__", "up"}});
  auto braces = parse_series_description(R"({__name__="up", job="a",} 1)");
  REQUIRE_MESSAGE(braces, why(braces));
  CHECK(braces->labels == LabelPairs{{"__name__", "up"}, {"job", "a"}});
  auto quoted = parse_series_description(R"({"my.metric", "a.b"="c"} 1)");
  REQUIRE_MESSAGE(quoted, why(quoted));
  CHECK(quoted->labels == LabelPairs{{"__name__", "my.metric"}, {"a.b", "c"}});
  auto empty = parse_series_description("{} 1");
  REQUIRE_MESSAGE(empty, why(empty));
  CHECK(empty->labels.empty());
}

TEST_CASE("label values take Go's escapes and any of the three quotes") {
  auto series = parse_series_description(
      R"(m{a="x\"y", b='it\'s', c=`raw\n`, d="\x41\u00e9\101", e="tab\tnl\n"} 1)");
  REQUIRE_MESSAGE(series, why(series));
  CHECK(series->labels == LabelPairs{{"__name__", "m"},
                                     {"a", "x\"y"},
                                     {"b", "it's"},
                                     {"c", "raw\\n"},
                                     {"d",
                                      "A\xc3\xa9"
                                      "A"},
                                     {"e", "tab\tnl\n"}});
}

TEST_CASE("malformed series lines are refused with a reason") {
  CHECK(!parse_series_description(R"(m{a="b" 1)"));
  CHECK(!parse_series_description(R"(m{a=b} 1)"));
  CHECK(!parse_series_description(R"(m{a="b", a="c"} 1)"));
  CHECK(!parse_series_description(R"(m{a="b"}1)"));
  CHECK(!parse_series_description("1abc 1"));
  CHECK(!parse_series_description("m 1 two"));
  auto bad = parse_series_description("m 1+2");
  REQUIRE(!bad);
  CHECK(bad.error().message.find("1+2") != std::string::npos);
}

TEST_CASE("a+bxn expands to n+1 values, counting up or down") {
  CHECK(numbers("0+10x3") == std::vector<double>{0, 10, 20, 30});
  CHECK(numbers("10-2x2") == std::vector<double>{10, 8, 6});
  CHECK(numbers("-1+1x2") == std::vector<double>{-1, 0, 1});
  CHECK(numbers("-5-5x1") == std::vector<double>{-5, -10});
  CHECK(numbers("1.5+0.5x2") == std::vector<double>{1.5, 2, 2.5});
  CHECK(numbers("5x2") == std::vector<double>{5, 5, 5});
  CHECK(numbers("1e3 2E-1 .5") == std::vector<double>{1000, 0.2, 0.5});
}

TEST_CASE("float steps accumulate as Prometheus adds them") {
  const std::vector<double> got = numbers("0+0.1x3");
  double expected = 0;
  for (double v : got) {
    CHECK(v == expected);  // bit-exact: 0.1+0.1+0.1 is not 0.3
    expected += 0.1;
  }
}

TEST_CASE("missing points, stale markers and special numbers") {
  const SeriesValues got = values("_ _x3 stale Inf -Inf NaN +Inf 1 _x0");
  REQUIRE(got.size() == 10);
  for (int i = 0; i < 4; ++i) CHECK(got[i].kind == Kind::Missing);
  CHECK(got[4].kind == Kind::Stale);
  CHECK(got[5].value == INFINITY);
  CHECK(got[6].value == -INFINITY);
  CHECK(std::isnan(got[7].value));
  CHECK(got[8].value == INFINITY);
  CHECK(got[9].value == 1);
  CHECK(values("nan inf").size() == 2);
}

TEST_CASE("native histogram literals are recognised, with spaces inside and repetition") {
  const SeriesValues got = values(
      "1 {{schema:1 sum:3 count:22 buckets:[5 10 7]}} "
      "{{count:1}}+{{count:2}}x2 {{sum:1}}x1 _ 2");
  REQUIRE(got.size() == 9);  // 1, one, three, two, _, 2
  CHECK(got[0].kind == Kind::Number);
  for (int i = 1; i <= 6; ++i) CHECK(got[i].kind == Kind::Histogram);
  CHECK(got[7].kind == Kind::Missing);
  CHECK(got[8].value == 2);
  auto series = parse_series_description("h {{schema:0 sum:1 count:1}}");
  REQUIRE_MESSAGE(series, why(series));
  CHECK(series->has_histograms());
}

TEST_CASE("numbers as expected scalars follow Go: integers in any base, then floats") {
  CHECK(*parse_number("42") == 42);
  CHECK(*parse_number("-3.5") == -3.5);
  CHECK(*parse_number("0x1f") == 31);
  CHECK(*parse_number("1e-3") == 0.001);
  CHECK(*parse_number("+Inf") == INFINITY);
  CHECK(*parse_number("-Inf") == -INFINITY);
  CHECK(std::isnan(*parse_number("NaN")));
  CHECK(!parse_number("{} 1"));
  CHECK(!parse_number("1 2"));
  CHECK(!parse_number("metric"));
  CHECK(!parse_number(""));
}

TEST_CASE("durations are Prometheus durations or plain seconds") {
  CHECK(*parse_duration_ms("0") == 0);
  CHECK(*parse_duration_ms("5m") == 300'000);
  CHECK(*parse_duration_ms("1h30m") == 5'400'000);
  CHECK(*parse_duration_ms("10s53ms") == 10'053);
  CHECK(*parse_duration_ms("1d") == 86'400'000);
  CHECK(*parse_duration_ms("2w") == 14 * 86'400'000LL);
  CHECK(*parse_duration_ms("1y") == 365 * 86'400'000LL);
  CHECK(*parse_duration_ms("1ms") == 1);
  CHECK(*parse_duration_ms("100") == 100'000);
  CHECK(*parse_duration_ms("1.5") == 1'500);
  CHECK(!parse_duration_ms(""));
  CHECK(
      !parse_duration_ms("5"
                         "x"));
  CHECK(!parse_duration_ms("30m1h"));  // units out of order
  CHECK(!parse_duration_ms("1m1m"));
}

TEST_CASE("labels and values format for messages") {
  CHECK(format_labels({{"__name__", "up"}}) == "up");
  CHECK(format_labels({{"__name__", "up"}, {"job", "a\"b"}}) == R"(up{job="a\"b"})");
  CHECK(format_labels({{"job", "a"}, {"x", "y"}}) == R"({job="a", x="y"})");
  CHECK(format_labels({}) == "{}");
  CHECK(format_value(0.1) == "0.1");
  CHECK(format_value(1e21) == "1e+21");
  CHECK(format_value(INFINITY) == "+Inf");
  CHECK(format_value(stale_nan()) == "stale");
  CHECK(format_value(SeriesValue{}) == "_");
}

}  // namespace
}  // namespace vitals::conformance
