#include "alerts/promql/printer.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "alerts/promql/parser.h"
#include "tests/support/why.h"

using vitals::promql::equivalent;
using vitals::promql::format;
using vitals::promql::format_duration_ms;
using vitals::promql::format_number;
using vitals::promql::parse;
using vitals::promql::ParseOptions;
using vitals::testing::why;

namespace {

const ParseOptions kExperimental{.experimental_functions = true};

// The query as the printer writes it back, or the parse error.
std::string reprint(std::string_view query) {
  auto expr = parse(query, kExperimental);
  return expr ? format(**expr) : "error: " + expr.error().message;
}

}  // namespace

TEST_CASE("expressions print back in Prometheus' canonical spelling") {
  CHECK(reprint("sum(rate(http_requests_total{job=\"api\"}[5m])) by (job)") ==
        R"(sum by (job) (rate(http_requests_total{job="api"}[5m])))");
  CHECK(reprint("sum without(instance)(x)") == "sum without (instance) (x)");
  CHECK(reprint("sum by () (x)") == "sum(x)");
  CHECK(reprint("sum without () (x)") == "sum without () (x)");
  CHECK(reprint("topk(5,x)") == "topk(5, x)");
  CHECK(reprint("count_values('v', x)") == R"(count_values("v", x))");
  CHECK(reprint("a+b*c") == "a + b * c");
  CHECK(reprint("(a+b)*c") == "(a + b) * c");
  CHECK(reprint("a>bool 1") == "a > bool 1");
  CHECK(reprint("a * on(x,y) group_left(z) b") == "a * on (x, y) group_left (z) b");
  CHECK(reprint("a / ignoring(x) group_right b") == "a / ignoring (x) group_right () b");
  CHECK(reprint("a + on() b") == "a + on () b");
  CHECK(reprint("a + ignoring() b") == "a + b");
  CHECK(reprint("a and ignoring() b") == "a and b");
  CHECK(reprint("a or on(x) b") == "a or on (x) b");
  CHECK(reprint("-a") == "-a");
  CHECK(reprint("- - 1") == "1");
  CHECK(reprint("-(1)") == "-(1)");
  CHECK(reprint("-2^2") == "-2 ^ 2");
  CHECK(reprint("1 - -1") == "1 - -1");
  CHECK(reprint("+Inf") == "+Inf");
  CHECK(reprint("-inf") == "-Inf");
  CHECK(reprint("nan") == "NaN");
  CHECK(reprint("inf ^ x") == "Inf ^ x");  // "+Inf ^ x" would be +(Inf ^ x)
  CHECK(reprint("-inf ^ x") == "-Inf ^ x");
  CHECK(reprint("0x1f") == "31");
  CHECK(reprint("1e3") == "1000");
  CHECK(reprint("12.34e-6") == "0.00001234");
  CHECK(reprint("vector(5m)") == "vector(5m)");
  CHECK(reprint("time() - 1h30m") == "time() - 1h30m");
}

TEST_CASE("selectors print with sorted matchers and the name outside the braces") {
  CHECK(reprint(R"(foo{z="1",a=~"x|y", b!="2"})") == R"(foo{a=~"x|y",b!="2",z="1"})");
  CHECK(reprint(R"({__name__="foo"})") == R"({__name__="foo"})");
  CHECK(reprint(R"({"some.metric", "service.name"="api"})") ==
        R"({"service.name"="api",__name__="some.metric"})");
  CHECK(reprint(R"(x{a='it\'s "q"\n'})") == R"(x{a="it's \"q\"\n"})");
  CHECK(reprint("x{a=`c:\\dir`}") == R"(x{a="c:\\dir"})");
  CHECK(reprint("sum by (\"foo.bar\", job) (x)") == R"(sum by ("foo.bar", job) (x))");
}

TEST_CASE("ranges, subqueries, offsets and @ print as durations and seconds") {
  CHECK(reprint("rate(x[300])") == "rate(x[5m])");
  CHECK(reprint("x[90s]") == "x[1m30s]");
  CHECK(reprint("x[1500ms]") == "x[1s500ms]");
  CHECK(reprint("x[104y3ms]") == "x[37960d3ms]");  // exact, although 3279744000.003 s is not
  CHECK(reprint("x offset 1h30m") == "x offset 1h30m");
  CHECK(reprint("x offset -5m") == "x offset -5m");
  CHECK(reprint("x offset 0") == "x");
  CHECK(reprint("x @ 100") == "x @ 100.000");
  CHECK(reprint("x @ 1.2345") == "x @ 1.235");
  CHECK(reprint("x offset 5m @ 100") == "x @ 100.000 offset 5m");
  CHECK(reprint("x[5m] offset 1m @ start()") == "x[5m] @ start() offset 1m");
  CHECK(reprint("x @ end()") == "x @ end()");
  CHECK(reprint("rate(x[5m])[30m:1m]") == "rate(x[5m])[30m:1m]");
  CHECK(reprint("x[30m:]") == "x[30m:]");
  CHECK(reprint("(a + b)[5m:] offset -1m @ 50") == "(a + b)[5m:] @ 50.000 offset -1m");
}

TEST_CASE("durations print as Prometheus writes them") {
  CHECK(format_duration_ms(0) == "0s");
  CHECK(format_duration_ms(1) == "1ms");
  CHECK(format_duration_ms(90'000) == "1m30s");
  CHECK(format_duration_ms(5'400'000) == "1h30m");
  CHECK(format_duration_ms(7 * 86'400'000LL) == "1w");
  CHECK(format_duration_ms(90 * 86'400'000LL) == "90d");  // not 12w6d
  CHECK(format_duration_ms(365 * 86'400'000LL) == "1y");
  CHECK(format_duration_ms(366 * 86'400'000LL) == "366d");
  CHECK(format_duration_ms(-61'000) == "-1m1s");
  CHECK(format_number(0.1) == "0.1");
  CHECK(format_number(-0.0) == "-0");
  CHECK(format_number(1e21) == "1000000000000000000000");
  CHECK(format_number(1.0 / 3) == "0.3333333333333333");
}

// Prometheus' own PromQL test files, read where they are: every expression of an eval line must
// parse and print back to an equivalent tree, unless it is meant to fail or uses a feature we
// leave out on purpose, which the failure message names.
namespace {

struct TestedExpression {
  std::string where;  // file:line
  std::string query;
  bool meant_to_fail = false;
};

std::string trim(const std::string& line) {
  const auto begin = line.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  return line.substr(begin, line.find_last_not_of(" \t\r") - begin + 1);
}

// The query of an `eval[_x] instant at T QUERY` or `eval[_x] range from A to B step S QUERY`.
std::string query_of(const std::string& line) {
  std::istringstream words(line);
  std::string word;
  words >> word >> word;  // eval…, instant|range
  const int skip = word == "instant" ? 2 : 6;
  for (int i = 0; i < skip; ++i) words >> word;
  std::string query;
  std::getline(words, query);
  return trim(query);
}

std::vector<TestedExpression> read_test_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(trim(line));
  std::vector<TestedExpression> out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!lines[i].starts_with("eval")) continue;
    TestedExpression tested{path.filename().string() + ":" + std::to_string(i + 1),
                            query_of(lines[i]), lines[i].starts_with("eval_fail")};
    if (i + 1 < lines.size() && lines[i + 1].starts_with("expect fail")) {
      tested.meant_to_fail = true;
    }
    out.push_back(std::move(tested));
  }
  return out;
}

// Why an expression may fail to parse, by what the error says.
std::string left_out_feature(const std::string& error) {
  if (error.find("duration expressions are not supported") != std::string::npos) {
    return "duration expressions ([5m+1m], step(), offset (…))";
  }
  if (error.find("fill modifiers") != std::string::npos) return "binop fill modifiers";
  if (error.find("anchored modifier") != std::string::npos ||
      error.find("smoothed modifier") != std::string::npos) {
    return "anchored/smoothed range modifiers";
  }
  return "";
}

}  // namespace

TEST_CASE("every expression of Prometheus' PromQL tests parses and prints back equivalently") {
  const std::filesystem::path dir = VITALS_PROMQL_TESTS_DIR;
  if (!std::filesystem::is_directory(dir)) {
    MESSAGE("skipped: no Prometheus test files at " << dir.string());
    return;
  }
  int round_trips = 0;
  int failed_as_meant = 0;
  std::map<std::string, int> left_out;
  for (const char* name : {"selectors", "operators", "aggregators", "functions", "literals",
                           "subquery", "at_modifier", "trig_functions", "staleness",
                           "range_queries", "collision", "name_label_dropping", "histograms"}) {
    const std::filesystem::path file = dir / (std::string(name) + ".test");
    REQUIRE_MESSAGE(std::filesystem::exists(file), file.string());
    for (const TestedExpression& tested : read_test_file(file)) {
      CAPTURE(tested.where);
      CAPTURE(tested.query);
      auto expr = parse(tested.query, kExperimental);
      if (!expr) {
        const std::string feature = left_out_feature(expr.error().message);
        if (!feature.empty()) {
          ++left_out[feature];
        } else if (tested.meant_to_fail) {
          ++failed_as_meant;
        } else {
          FAIL_CHECK("does not parse: " << expr.error().message);
        }
        continue;
      }
      const std::string printed = format(**expr);
      auto again = parse(printed, kExperimental);
      REQUIRE_MESSAGE(again, printed << " -> " << why(again));
      CHECK_MESSAGE(equivalent(**expr, **again), printed);
      CHECK(format(**again) == printed);
      ++round_trips;
    }
  }
  MESSAGE(round_trips << " round trips, " << failed_as_meant << " parse failures meant to fail");
  for (const auto& [feature, count] : left_out) MESSAGE(count << " left out: " << feature);
  CHECK(round_trips > 1000);
}
