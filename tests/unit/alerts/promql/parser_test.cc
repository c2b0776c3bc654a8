#include "alerts/promql/parser.h"

#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "alerts/promql/functions.h"
#include "alerts/promql/printer.h"
#include "tests/support/why.h"

using namespace vitals::promql;
using vitals::MatchOp;
using vitals::testing::why;

namespace {

const ParseOptions kExperimental{.experimental_functions = true};

// The tree as nested lists, operators first, so a test reads its shape: "(+ 1 (* 2 3))".
std::string shape(const Expr& expr) {
  if (auto* binary = std::get_if<Binary>(&expr.node)) {
    std::string op(to_string(binary->op));
    if (binary->return_bool) op += " bool";
    return "(" + op + " " + shape(*binary->lhs) + " " + shape(*binary->rhs) + ")";
  }
  if (auto* unary = std::get_if<Unary>(&expr.node)) {
    return std::string(unary->negate ? "(neg " : "(pos ") + shape(*unary->expr) + ")";
  }
  if (auto* paren = std::get_if<Paren>(&expr.node)) return "(paren " + shape(*paren->expr) + ")";
  return format(expr);
}

std::string shape_of(std::string_view query) {
  auto expr = parse(query, kExperimental);
  return expr ? shape(**expr) : "error: " + expr.error().message;
}

ExprPtr parsed(std::string_view query) {
  auto expr = parse(query, kExperimental);
  REQUIRE_MESSAGE(expr, query << ": " << why(expr));
  return std::move(*expr);
}

template <class Node>
const Node& node_of(const ExprPtr& expr) {
  const Node* node = std::get_if<Node>(&expr->node);
  REQUIRE(node != nullptr);
  return *node;
}

// For a tree parsed in place: the node itself, so a `const auto&` to it outlives the tree.
template <class Node>
Node node_of(ExprPtr&& expr) {
  Node* node = std::get_if<Node>(&expr->node);
  REQUIRE(node != nullptr);
  return std::move(*node);
}

std::string error_of(std::string_view query, const ParseOptions& options = kExperimental) {
  auto expr = parse(query, options);
  if (expr) return "parsed: " + format(**expr);
  CHECK(expr.error().code == vitals::ErrorCode::InvalidArgument);
  return expr.error().message;
}

}  // namespace

TEST_CASE("binary operators bind as in Prometheus, loosest first: or, and/unless, comparisons") {
  CHECK(shape_of("1 + 2 * 3") == "(+ 1 (* 2 3))");
  CHECK(shape_of("1 * 2 + 3") == "(+ (* 1 2) 3)");
  CHECK(shape_of("1 - 2 - 3") == "(- (- 1 2) 3)");
  CHECK(shape_of("8 / 4 / 2") == "(/ (/ 8 4) 2)");
  CHECK(shape_of("2 ^ 3 ^ 2") == "(^ 2 (^ 3 2))");  // right-associative
  CHECK(shape_of("2 * 3 ^ 2") == "(* 2 (^ 3 2))");
  CHECK(shape_of("a % b atan2 c * d") == "(* (atan2 (% a b) c) d)");
  CHECK(shape_of("a + b > bool c - d") == "(> bool (+ a b) (- c d))");
  CHECK(shape_of("a == b and c != d") == "(and (== a b) (!= c d))");
  CHECK(shape_of("a or b and c") == "(or a (and b c))");
  CHECK(shape_of("a and b or c unless d") == "(or (and a b) (unless c d))");
  CHECK(shape_of("foo + bar or bla and blub") == "(or (+ foo bar) (and bla blub))");
  CHECK(shape_of("a unless b and c") == "(and (unless a b) c)");
  CHECK(shape_of("(1 + 2) * 3") == "(* (paren (+ 1 2)) 3)");
}

TEST_CASE("unary minus binds looser than ^ and folds into a number literal") {
  CHECK(shape_of("-2 ^ 2") == "(neg (^ 2 2))");
  CHECK(shape_of("-1 * 2") == "(* -1 2)");
  CHECK(shape_of("-1^-2") == "(neg (^ 1 -2))");
  CHECK(shape_of("+1 + -2 * 1") == "(+ 1 (* -2 1))");
  CHECK(shape_of("-foo * 2") == "(* (neg foo) 2)");
  CHECK(shape_of("- - foo") == "(neg (neg foo))");
  CHECK(shape_of("-(1)") == "(neg (paren 1))");
  CHECK(shape_of("1 - -1") == "(- 1 -1)");
  CHECK(shape_of("-foo offset 5m") == "(neg foo offset 5m)");

  const ExprPtr folded = parsed("-1");
  CHECK(node_of<NumberLiteral>(folded).value == -1);
  CHECK(folded->span.begin == 0);
  CHECK(folded->span.end == 2);
  CHECK(node_of<NumberLiteral>(parsed("- - 3")).value == 3);
  CHECK(std::signbit(node_of<NumberLiteral>(parsed("-0")).value));
}

TEST_CASE("number literals take Go's forms and durations read as seconds") {
  const auto value = [](std::string_view query) {
    return node_of<NumberLiteral>(parsed(query)).value;
  };
  CHECK(value("12.34e6") == 12340000);
  CHECK(value(".5") == 0.5);
  CHECK(value("5.") == 5);
  CHECK(value("0x1F") == 31);
  CHECK(value("0755") == 493);
  CHECK(value("08") == 8);
  CHECK(value("1_000") == 1000);
  CHECK(value("+Inf") == INFINITY);
  CHECK(value("-inf") == -INFINITY);
  CHECK(std::isnan(value("NaN")));
  CHECK(value("5m") == 300);
  CHECK(value("1h30m") == 5400);
  CHECK(value("1s500ms") == 1.5);
  CHECK(node_of<NumberLiteral>(parsed("5m")).duration);
  CHECK_FALSE(node_of<NumberLiteral>(parsed("300")).duration);
  CHECK(node_of<StringLiteral>(parsed(R"("a\tb\u00e9\x41")")).value ==
        "a\tb\xc3\xa9"
        "A");
  CHECK(node_of<StringLiteral>(parsed("`a\\tb`")).value == "a\\tb");
  // Prometheus' strutil.Unquote, not Go's: '…' holds a string, and `…` keeps carriage returns.
  CHECK(node_of<StringLiteral>(parsed(R"('it\'s \x41')")).value == "it's A");
  CHECK(node_of<StringLiteral>(parsed("`a\rb`")).value == "a\rb");
  // Go's ParseFloat after ParseInt fails: underscores may stand in the exponent too.
  CHECK(value("1e1_0") == 1e10);
}

TEST_CASE("a vector selector lists the written metric name first as a __name__ matcher") {
  const ExprPtr expr =
      parsed(R"(http_requests_total{job="api", code=~"5..", path!~'/h.*', x!=``})");
  const auto& selector = node_of<VectorSelector>(expr);
  CHECK(selector.name == "http_requests_total");
  REQUIRE(selector.matchers.size() == 5);
  CHECK(selector.matchers[0].name() == "__name__");
  CHECK(selector.matchers[0].value() == "http_requests_total");
  CHECK(selector.matchers[1].name() == "job");
  CHECK(selector.matchers[2].op() == MatchOp::Regex);
  CHECK(selector.matchers[2].matches("503"));
  CHECK_FALSE(selector.matchers[2].matches("5030"));  // anchored, as in Prometheus
  CHECK(selector.matchers[3].op() == MatchOp::NotRegex);
  CHECK(selector.matchers[4].op() == MatchOp::NotEqual);
  CHECK(expr->span.begin == 0);
  CHECK(expr->span.end == 64);

  const auto& quoted = node_of<VectorSelector>(parsed(R"({"some.metric", "a.b"="c",})"));
  CHECK(quoted.name.empty());
  CHECK(quoted.matchers[0].name() == "__name__");
  CHECK(quoted.matchers[0].value() == "some.metric");
  CHECK(quoted.matchers[1].name() == "a.b");
}

TEST_CASE("keywords are metric names where an expression starts") {
  for (std::string_view name : {"sum", "min", "by", "without", "offset", "and", "start", "end",
                                "step", "range", "anchored", "smoothed", "limitk", "inf_x"}) {
    CAPTURE(name);
    CHECK(node_of<VectorSelector>(parsed(name)).name == name);
  }
  CHECK(shape_of("foo * sum") == "(* foo sum)");
  CHECK(shape_of("sum(sum)") == "sum(sum)");
  CHECK(shape_of(R"(offset{step="1s"}[5m])") == R"(offset{step="1s"}[5m])");
  CHECK(shape_of("fill + fill") == "(+ fill fill)");
}

TEST_CASE("ranges, subqueries, offset and @ attach to the selector or subquery before them") {
  const auto& matrix = node_of<MatrixSelector>(parsed("foo[5m] offset -1m @ 100.5"));
  CHECK(matrix.range_ms == 300'000);
  CHECK(matrix.selector.offset_ms == -60'000);
  REQUIRE(matrix.selector.at);
  CHECK(matrix.selector.at->timestamp_ms == 100'500);

  const auto& at_first = node_of<VectorSelector>(parsed("foo @ 1603774568 offset 1h30m"));
  CHECK(at_first.offset_ms == 5'400'000);
  CHECK(at_first.at->timestamp_ms == 1'603'774'568'000);
  const auto& offset_first = node_of<VectorSelector>(parsed("foo offset 5 @ -100"));
  CHECK(offset_first.offset_ms == 5000);
  CHECK(offset_first.at->timestamp_ms == -100'000);
  CHECK(node_of<VectorSelector>(parsed("foo @ 1m40s")).at->timestamp_ms == 100'000);
  CHECK(node_of<VectorSelector>(parsed("foo @ 3.3335")).at->timestamp_ms == 3334);
  CHECK(node_of<VectorSelector>(parsed("foo @ start()")).at->kind == AtModifier::Kind::Start);
  CHECK(node_of<VectorSelector>(parsed("foo @ end()")).at->kind == AtModifier::Kind::End);
  CHECK(node_of<MatrixSelector>(parsed("foo[4.018]")).range_ms == 4018);

  const auto& subquery = node_of<Subquery>(parsed("rate(foo[1m])[1h:5m] @ end() offset 10m"));
  CHECK(subquery.range_ms == 3'600'000);
  CHECK(subquery.step_ms == 300'000);
  CHECK(subquery.offset_ms == 600'000);
  CHECK(subquery.at->kind == AtModifier::Kind::End);
  CHECK(std::holds_alternative<Call>(subquery.expr->node));
  CHECK(node_of<Subquery>(parsed("foo[10m:]")).step_ms == 0);
  // A subquery of a selector that has its own modifiers.
  const auto& inner = node_of<Subquery>(parsed("foo offset 1m @ 123 [10m:5s]"));
  CHECK(node_of<VectorSelector>(inner.expr).offset_ms == 60'000);
  // Only a literal follows offset: the rest belongs to the expression around it.
  CHECK(shape_of("foo offset 5s - 8") == "(- foo offset 5s 8)");
  CHECK(shape_of("foo offset -1 ^ 1") == "(^ foo offset -1s 1)");
  CHECK(shape_of("a + b offset 5m") == "(+ a b offset 5m)");
}

TEST_CASE("aggregations take their grouping before or after the arguments") {
  const auto& by_after = node_of<Aggregate>(parsed("sum(rate(x[5m])) by (job, instance)"));
  CHECK(by_after.op == AggregateOp::Sum);
  CHECK(by_after.grouping == std::vector<std::string>{"job", "instance"});
  CHECK_FALSE(by_after.without);
  CHECK(by_after.param == nullptr);
  const auto& without = node_of<Aggregate>(parsed("avg without (job,) (x)"));
  CHECK(without.without);
  CHECK(without.grouping == std::vector<std::string>{"job"});
  const auto& keywords = node_of<Aggregate>(
      parsed("sum without(and, by, avg, count, alert, annotations, on, bool, start)(x)"));
  CHECK(keywords.grouping.size() == 9);
  CHECK(node_of<Aggregate>(parsed(R"(sum by ("foo.bar", 'baz') (x))")).grouping ==
        std::vector<std::string>{"foo.bar", "baz"});
  CHECK(node_of<Aggregate>(parsed("SUM BY (a) (x)")).op == AggregateOp::Sum);

  const auto& topk = node_of<Aggregate>(parsed("topk(5, x)"));
  CHECK(topk.op == AggregateOp::Topk);
  CHECK(node_of<NumberLiteral>(topk.param).value == 5);
  const auto& count_values = node_of<Aggregate>(parsed(R"(count_values("v", x))"));
  CHECK(node_of<StringLiteral>(count_values.param).value == "v");
  CHECK(node_of<Aggregate>(parsed("quantile(0.9, x)")).op == AggregateOp::Quantile);
  CHECK(node_of<Aggregate>(parsed("bottomk by (a) (1, x)")).op == AggregateOp::Bottomk);
  CHECK(node_of<Aggregate>(parsed("limitk(1, x)")).op == AggregateOp::Limitk);
  CHECK(node_of<Aggregate>(parsed("limit_ratio(0.5, x)")).op == AggregateOp::LimitRatio);
  CHECK(node_of<Aggregate>(parsed("group(x)")).op == AggregateOp::Group);
}

TEST_CASE("function calls are checked against the function table") {
  const auto& call = node_of<Call>(parsed("histogram_quantile(0.9, sum by (le) (rate(x[5m])))"));
  CHECK(call.function == "histogram_quantile");
  REQUIRE(call.args.size() == 2);
  CHECK(node_of<NumberLiteral>(call.args[0]).value == 0.9);
  CHECK(node_of<Call>(parsed("round(x)")).args.size() == 1);
  CHECK(node_of<Call>(parsed("round(x, 5)")).args.size() == 2);
  CHECK(node_of<Call>(parsed("day_of_week()")).args.empty());
  CHECK(node_of<Call>(parsed(R"(label_join(x, "d", ",", "a", "b", "c"))")).args.size() == 6);
  CHECK(node_of<Call>(parsed("time()")).args.empty());

  REQUIRE(find_function("rate") != nullptr);
  CHECK(find_function("rate")->arg_types == std::vector<ValueType>{ValueType::Matrix});
  CHECK(find_function("scalar")->return_type == ValueType::Scalar);
  CHECK(find_function("mad_over_time")->experimental);
  CHECK(find_function("label_join")->max_args() == std::nullopt);
  CHECK(find_function("round")->max_args() == 2u);
  CHECK(find_function("Rate") == nullptr);
  CHECK(all_functions().size() > 80);
}

TEST_CASE("experimental functions and aggregations need the option, as in Prometheus") {
  CHECK(error_of("mad_over_time(x[5m])", {}) ==
        R"(1:1: parse error: function "mad_over_time" is not enabled)");
  CHECK(error_of("sort_by_label(x, \"a\")", {}) ==
        R"(1:1: parse error: function "sort_by_label" is not enabled)");
  CHECK(error_of("limitk(1, x)", {}) ==
        "1:1: parse error: limitk() is experimental and must be enabled with "
        "--enable-feature=promql-experimental-functions");
  CHECK(parse("rate(x[5m])"));
}

TEST_CASE("vector matching: on, ignoring, group_left, group_right and bool") {
  const auto& one_to_one = node_of<Binary>(parsed("foo * on(test,blub) bar"));
  REQUIRE(one_to_one.matching);
  CHECK(one_to_one.matching->on);
  CHECK(one_to_one.matching->card == Cardinality::OneToOne);
  CHECK(one_to_one.matching->labels == std::vector<std::string>{"test", "blub"});

  const auto& many_to_one =
      node_of<Binary>(parsed("foo / ignoring(test,blub) group_left(blub) bar"));
  CHECK_FALSE(many_to_one.matching->on);
  CHECK(many_to_one.matching->card == Cardinality::ManyToOne);
  CHECK(many_to_one.matching->include == std::vector<std::string>{"blub"});
  const auto& one_to_many = node_of<Binary>(parsed("foo - on(test) group_right bar"));
  CHECK(one_to_many.matching->card == Cardinality::OneToMany);
  CHECK(one_to_many.matching->include.empty());

  // Set operators match many-to-many; a scalar side means no matching at all.
  CHECK(node_of<Binary>(parsed("foo and on() bar")).matching->card == Cardinality::ManyToMany);
  CHECK(node_of<Binary>(parsed("foo unless bar")).matching->card == Cardinality::ManyToMany);
  CHECK_FALSE(node_of<Binary>(parsed("foo == 1")).matching);
  CHECK_FALSE(node_of<Binary>(parsed("1 + 1")).matching);
  CHECK(node_of<Binary>(parsed("foo == bool 1")).return_bool);
  CHECK(node_of<Binary>(parsed("1 >= bool 1")).return_bool);
  CHECK(shape_of("bar + on(foo) bla / on(baz, buz) group_right(test) blub") ==
        "(+ bar (/ bla blub))");
}

TEST_CASE("every expression knows its type") {
  CHECK(parsed("1")->type() == ValueType::Scalar);
  CHECK(parsed("\"a\"")->type() == ValueType::String);
  CHECK(parsed("x")->type() == ValueType::Vector);
  CHECK(parsed("x[5m]")->type() == ValueType::Matrix);
  CHECK(parsed("x[5m:]")->type() == ValueType::Matrix);
  CHECK(parsed("rate(x[5m])")->type() == ValueType::Vector);
  CHECK(parsed("scalar(x)")->type() == ValueType::Scalar);
  CHECK(parsed("time() * 2")->type() == ValueType::Scalar);
  CHECK(parsed("x * 2")->type() == ValueType::Vector);
  CHECK(parsed("(x[5m:])")->type() == ValueType::Matrix);
  CHECK(parsed("-(x)")->type() == ValueType::Vector);
  CHECK(parsed("sum(x)")->type() == ValueType::Vector);
  CHECK(to_string(ValueType::Matrix) == "range vector");
}

TEST_CASE("a metric selector for match[] parses alone, the name first") {
  auto matchers = parse_metric_selector(R"(up{job="api", env=~"prod|stage"})");
  REQUIRE_MESSAGE(matchers, why(matchers));
  REQUIRE(matchers->size() == 3);
  CHECK((*matchers)[0].name() == "__name__");
  CHECK((*matchers)[0].value() == "up");
  CHECK((*matchers)[2].op() == MatchOp::Regex);
  CHECK(parse_metric_selector(R"({__name__=~"job:.*"})"));
  CHECK(parse_metric_selector("sum"));
  CHECK(parse_metric_selector(R"({"service.name"="api"})"));

  const auto error = [](std::string_view text) {
    auto result = parse_metric_selector(text);
    return result ? std::string("parsed") : result.error().message;
  };
  CHECK(error(R"({job=~".*"})") == "match[] must contain at least one non-empty matcher");
  CHECK(error("up[5m]") == R"(1:3: parse error: unexpected "[")");
  CHECK(error("up offset 5m") == "1:4: parse error: unexpected <offset>");
  CHECK(error("rate(up[5m])") == R"(1:5: parse error: unexpected "(")");
  CHECK(error("1") == R"(1:1: parse error: unexpected number "1")");
  CHECK(error("up{") == "1:4: parse error: unexpected end of input inside braces");
}
