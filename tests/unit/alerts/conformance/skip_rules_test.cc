#include "alerts/conformance/skip_rules.h"

#include <filesystem>
#include <map>

#include <doctest/doctest.h>

#include "tests/support/why.h"

using vitals::testing::why;

namespace vitals::conformance {
namespace {

EvalCommand eval(std::string expr) {
  EvalCommand out;
  out.expr = std::move(expr);
  return out;
}

std::optional<std::string> reason(std::string expr, const SkipContext& context = {}) {
  return context.reason(eval(std::move(expr)));
}

LoadCommand load(std::string_view text) {
  auto file = parse_test_file(text);
  REQUIRE_MESSAGE(file, why(file));
  return std::get<LoadCommand>(file->commands.at(0).body);
}

TEST_CASE("plain PromQL is not skipped") {
  for (const char* query :
       {"sum by (job) (rate(http_requests[5m]))", "foo offset 5m", "foo offset -4", "foo[1800]",
        "foo[1h30m:5m] @ 100", "max_over_time(foo[5m:])", "x and on (a) y",
        "histogram_quantile(0.5, rate(h_bucket[5m]))",
        "label_replace(up, \"a\", \"$1\", \"b\", \"(.*)\")", "metric1_total offset 100 + 2",
        "count_values(\"value\", x) by (job)", "-Inf", "time()"}) {
    CAPTURE(query);
    CHECK(!reason(query));
  }
}

TEST_CASE("functions and modifiers outside the subset are skipped by name") {
  CHECK(reason("histogram_count(x)") == "native histograms");
  CHECK(reason("histogram_stdvar(rate(x[5m]))") == "native histograms");
  CHECK(reason("info(metric, {data=~\".+\"})") == "info()");
  CHECK(reason("double_exponential_smoothing(x[5m], 0.1, 0.1)") == "experimental functions");
  CHECK(reason("limitk(2, x)") == "experimental functions");
  CHECK(reason("limit_ratio by (job) (0.5, x)") == "experimental functions");
  CHECK(reason("sort_by_label(x, \"a\")") == "experimental functions");
  CHECK(reason("ts_of_max_over_time(x[1m])") == "experimental functions");
  CHECK(reason("a + fill(0) b") == "fill modifier");
  CHECK(reason("a + on(job) group_left fill_right(1) b") == "fill modifier");
}

TEST_CASE("names inside strings, label lists and matchers are not calls") {
  CHECK(!reason("sum by (info, limitk) (x{info=\"histogram_count(\"})"));
  CHECK(!reason("label_join(x, \"info\", \",\", \"a\")"));
}

TEST_CASE("@ start() and @ end() are skipped, @ with a time is not") {
  CHECK(reason("foo @ start()") == "@ start()/end()");
  CHECK(reason("rate(foo[1m] @ end())") == "@ start()/end()");
  CHECK(!reason("foo @ 100"));
}

TEST_CASE("arithmetic in ranges, steps and offsets is a duration expression") {
  for (const char* query :
       {"changes(x[26m+4m])", "changes(x[60*30])", "changes(x[(9m30s+30s)*3])",
        "sum_over_time(x[30s:5s+5s])", "count_over_time(x[step()])", "x offset (100 + 2)",
        "x offset -(2 * 2)", "x offset step()", "x offset min_of(step(), 1s)"}) {
    CAPTURE(query);
    CHECK(reason(query) == "duration expressions");
  }
}

TEST_CASE("anchored and smoothed selectors are extended range selectors") {
  CHECK(reason("increase(x[1m] anchored)") == "extended range selectors");
  CHECK(reason("rate(x[1m] smoothed)") == "extended range selectors");
  CHECK(reason("metric smoothed") == "extended range selectors");
  CHECK(reason("metric @ 100 smoothed + 0") == "extended range selectors");
  CHECK(reason("metric offset -100 anchored") == "extended range selectors");
  CHECK(reason("x{a=\"b\"} smoothed") == "extended range selectors");
}

TEST_CASE("annotations are skipped since the engine produces none, but no_warn is checkable") {
  EvalCommand warn = eval("x");
  warn.warn = true;
  CHECK(SkipContext().reason(warn) == "annotations");
  EvalCommand info = eval("x");
  info.info = true;
  CHECK(SkipContext().reason(info) == "annotations");
  EvalCommand quiet = eval("x");
  quiet.no_warn = quiet.no_info = true;
  CHECK(!SkipContext().reason(quiet));
}

TEST_CASE("expected native histogram values and unknown expect lines are skipped") {
  auto file = parse_test_file("eval instant at 0 h\n  h {{count:1}}\n");
  REQUIRE_MESSAGE(file, why(file));
  CHECK(SkipContext().reason(std::get<EvalCommand>(file->commands[0].body)) == "native histograms");
  EvalCommand odd = eval("x");
  odd.unsupported = "expect surprise";
  CHECK(SkipContext().reason(odd) == "unsupported syntax");
}

TEST_CASE("queries selecting series loaded with native histograms are skipped until clear") {
  SkipContext context;
  context.load(load("load 1m\n  h{job=\"a\"} {{count:1}} 1\n  f{job=\"a\"} 1 2\n"));
  CHECK(reason("rate(h[5m])", context) == "native histograms");
  CHECK(reason("{job=\"a\"}", context) == "native histograms");
  CHECK(reason("{__name__=~\"h|x\"}", context) == "native histograms");
  CHECK(!reason("rate(f[5m])", context));
  CHECK(!reason("h{job=\"b\"}", context));
  CHECK(!reason("{__name__=~\"hh\"}", context));
  context.clear();
  CHECK(!reason("rate(h[5m])", context));
}

TEST_CASE("load_with_nhcb's native histograms are skipped, its classic series are not") {
  SkipContext context;
  context.load(
      load("load_with_nhcb 5m\n  t_bucket{le=\"1\", s=\"p\"} 0+1x3\n"
           "  t_bucket{le=\"+Inf\", s=\"p\"} 0+2x3\n  t_sum{s=\"p\"} 0+3x3\n"));
  CHECK(reason("histogram_quantile(0.5, t)", context) == "load_with_nhcb");
  CHECK(reason("histogram_quantile(0.5, {__name__=~\"t\\\\d*\"})", context) == "load_with_nhcb");
  CHECK(!reason("histogram_quantile(0.5, t_bucket)", context));
  CHECK(reason("histogram_fraction(0, 1, t_bucket)", context) == "native histograms");
  CHECK(!reason("t_sum", context));
}

TEST_CASE("series given start timestamps are skipped") {
  SkipContext context;
  context.load(
      load("load 1m\n  c{type=\"st\"}@st _ -1mx2\n  c{type=\"st\"} 0+1x3\n"
           "  c{type=\"plain\"} 0+1x3\n"));
  CHECK(reason("increase(c[5m])", context) == "start timestamps");
  CHECK(!reason("increase(c{type=\"plain\"}[5m])", context));
}

TEST_CASE("the scanner finds calls, selectors and their matchers") {
  const detail::QueryFacts facts = detail::scan_query(
      "sum by (job) (rate(http_requests{job=~\"a|b\", \"x.y\"!=\"z\"}[5m])) / on() "
      "group_left {__name__=\"up\"}");
  CHECK(facts.calls == std::vector<std::string>{"sum", "rate"});
  REQUIRE(facts.selectors.size() == 2);
  REQUIRE(facts.selectors[0].size() == 3);
  CHECK(facts.selectors[0][0].value == "http_requests");
  CHECK(facts.selectors[0][1].op == "=~");
  CHECK(facts.selectors[0][2].name == "x.y");
  CHECK(facts.selectors[0][2].op == "!=");
  CHECK(facts.selectors[1].at(0).name == "__name__");
  CHECK(!facts.duration_expression);
}

TEST_CASE("the Prometheus test files skip by the expected reasons") {
  const std::filesystem::path dir = std::filesystem::path(VITALS_CONFORMANCE_DIR) / "promql";
  if (!std::filesystem::is_directory(dir)) {
    MESSAGE("conformance folder " << dir.string() << " not found: skipped");
    return;
  }
  std::map<std::string, std::map<std::string, int>> reasons;  // file → reason → count
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".test") continue;
    auto file = read_test_file(entry.path().string());
    REQUIRE_MESSAGE(file, why(file));
    SkipContext context;
    for (const Command& command : file->commands) {
      if (const auto* l = std::get_if<LoadCommand>(&command.body)) context.load(*l);
      if (std::holds_alternative<ClearCommand>(command.body)) context.clear();
      if (const auto* e = std::get_if<EvalCommand>(&command.body)) {
        ++reasons[file->name][context.reason(*e).value_or("run")];
      }
    }
  }
  CHECK(reasons["native_histograms.test"]["native histograms"] > 100);
  CHECK(reasons["info.test"]["info()"] > 10);
  CHECK(reasons["duration_expression.test"]["duration expressions"] > 10);
  CHECK(reasons["extended_vectors.test"]["extended range selectors"] > 10);
  CHECK(reasons["fill-modifier.test"]["fill modifier"] > 10);
  CHECK(reasons["functions.test"]["@ start()/end()"] > 0);
  CHECK(reasons["histograms.test"]["load_with_nhcb"] > 10);
  CHECK(reasons["start_timestamps.test"]["start timestamps"] > 0);
  CHECK(reasons["literals.test"]["run"] > 10);
  for (const auto& [name, counts] : reasons) {
    std::string line;
    for (const auto& [why_skipped, count] : counts)
      line += why_skipped + " " + std::to_string(count) + ", ";
    MESSAGE(name << ": " << line);
  }
}

}  // namespace
}  // namespace vitals::conformance
