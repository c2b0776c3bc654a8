#include "alerts/promql/parser.h"

#include <doctest/doctest.h>

#include <string>

#include "alerts/promql/printer.h"

using vitals::promql::format;
using vitals::promql::parse;
using vitals::promql::ParseOptions;

namespace {

const ParseOptions kExperimental{.experimental_functions = true};

// The whole error message for a query, or "parsed: …" with the query printed back.
std::string error_of(std::string_view query) {
  auto expr = parse(query, kExperimental);
  if (expr) return "parsed: " + format(**expr);
  CHECK(expr.error().code == vitals::ErrorCode::InvalidArgument);
  return expr.error().message;
}

}  // namespace

TEST_CASE("syntax errors name the line and column of the offending token") {
  CHECK(error_of("") == "unknown position: parse error: no expression found in input");
  CHECK(error_of("# just a comment\n\n") == "1:1: parse error: no expression found in input");
  CHECK(error_of("1+") == "1:3: parse error: unexpected end of input");
  CHECK(error_of("1 /") == "1:4: parse error: unexpected end of input");
  CHECK(error_of("*1") == "1:1: parse error: unexpected <op:*>");
  CHECK(error_of("@@") == "1:1: parse error: unexpected <op:@>");
  CHECK(error_of("-=") == R"(1:2: parse error: unexpected "=")");
  CHECK(error_of("++-++-+-+-<") == "1:11: parse error: unexpected <op:<>");
  CHECK(error_of("e-+=/(0)") == R"(1:4: parse error: unexpected "=")");
  CHECK(error_of("foo bar") == R"(1:5: parse error: unexpected identifier "bar")");
  CHECK(error_of("foo{a=\"b\"}}") == "1:11: parse error: unexpected character: '}'");
  CHECK(error_of("(1))") == "1:5: parse error: unexpected right parenthesis ')'");
  CHECK(error_of("((1)") == "1:5: parse error: unclosed left parenthesis");
  CHECK(error_of("(") == "1:2: parse error: unclosed left parenthesis");
  CHECK(error_of("sum(") == "1:5: parse error: unclosed left parenthesis");
  CHECK(error_of("2.5.") == R"(1:1: parse error: bad number or duration syntax: "2.5.")");
  CHECK(error_of("1 !~ 1") == "1:3: parse error: unexpected character after '!': '~'");
  CHECK(error_of("a - on(b) ignoring(c) d") == "1:11: parse error: unexpected <ignoring>");
  CHECK(error_of("foo + group_left(baz) bar") == "1:7: parse error: unexpected <group_left>");
  CHECK(error_of("rate(x[5m]) foo") == R"(1:13: parse error: unexpected identifier "foo")");
  CHECK(error_of("foo +\n  bar{a=}") ==
        R"(2:9: parse error: unexpected "}" in label matching, expected string)");
  CHECK(error_of("sum(x)\n  by\n (") == "3:3: parse error: unclosed left parenthesis");
  CHECK(error_of("\"\\c\"") == "1:1: parse error: unknown escape sequence U+0063 'c'");
  CHECK(error_of("99999e999") ==
        "1:1: parse error: error parsing number: strconv.ParseFloat: parsing \"99999e999\": "
        "value out of range");
}

TEST_CASE("selector errors are worded as Prometheus words them") {
  CHECK(error_of("{") == "1:2: parse error: unexpected end of input inside braces");
  CHECK(error_of("some_metric{a=b}") ==
        R"(1:15: parse error: unexpected identifier "b" in label matching, expected string)");
  CHECK(error_of("foo{gibberish}") ==
        R"(1:14: parse error: unexpected "}" in label matching, expected label matching operator)");
  CHECK(error_of("foo{,}") ==
        R"(1:5: parse error: unexpected "," in label matching, expected identifier or "}")");
  CHECK(error_of(R"(foo{__name__ == "bar"})") ==
        R"(1:15: parse error: unexpected "=" in label matching, expected string)");
  CHECK(error_of(R"(foo{__name__="bar" lol})") ==
        R"(1:20: parse error: unexpected identifier "lol" in label matching, expected "," or "}")");
  CHECK(error_of(R"(foo{"a"=})") ==
        R"(1:9: parse error: unexpected "}" in label matching, expected string)");
  CHECK(error_of("some_metric{a:b=\"b\"}") ==
        "1:14: parse error: unexpected character inside braces: ':'");
  CHECK(error_of("{}") ==
        "1:1: parse error: vector selector must contain at least one non-empty matcher");
  CHECK(error_of(R"({x=~".*"})") ==
        "1:1: parse error: vector selector must contain at least one non-empty matcher");
  CHECK(error_of(R"({x!="a"})") ==
        "1:1: parse error: vector selector must contain at least one non-empty matcher");
  CHECK(error_of(R"(foo{__name__="bar"})") ==
        R"(1:1: parse error: metric name must not be set twice: "foo" or "bar")");
  CHECK(error_of(R"(x{a=~"("})").starts_with("1:3: parse error: invalid regex"));
  CHECK(error_of(R"({__name__="bar", __name__="baz"})").starts_with("parsed"));
}

TEST_CASE("range, subquery and modifier errors are worded as Prometheus words them") {
  CHECK(error_of("foo[5y1hs]") == R"(1:5: parse error: unknown unit "hs" in duration "5y1hs")");
  CHECK(error_of("foo[5m1h]") == R"(1:5: parse error: not a valid duration string: "5m1h")");
  CHECK(error_of("foo[0m]") == "1:5: parse error: duration must be greater than 0");
  CHECK(error_of("foo[-1]") == "1:5: parse error: duration must be greater than 0");
  CHECK(error_of("foo[9.5e10]") == "1:5: parse error: duration out of range");
  CHECK(error_of("foo[]") ==
        "1:5: parse error: unexpected \"]\" in subquery or range selector, expected number, "
        "duration, step(), or range()");
  CHECK(error_of("foo[5m:1m:]") == "1:10: parse error: unexpected colon ':'");
  CHECK(error_of("foo[5m:bar]") == "1:8: parse error: unexpected character: 'b', expected ':'");
  CHECK(error_of("(foo + bar)[5m]") ==
        "1:12: parse error: ranges only allowed for vector selectors");
  CHECK(error_of("rate(food[1m])[1h] offset 1h") ==
        "1:15: parse error: ranges only allowed for vector selectors");
  CHECK(error_of("some_metric OFFSET 1m[5m]") ==
        "1:22: parse error: no offset modifiers allowed before range");
  CHECK(error_of("some_metric @ 1234 [5m]") ==
        "1:20: parse error: no @ modifiers allowed before range");
  CHECK(error_of("some_metric @ start() [5m]") ==
        "1:23: parse error: no @ modifiers allowed before range");
  CHECK(error_of("some_metric[5m] OFFSET") ==
        "1:23: parse error: unexpected end of input in offset, expected number, duration, "
        "step(), or range()");
  CHECK(error_of("some_metric[5m] OFFSET 1mm") ==
        R"(1:24: parse error: bad number or duration syntax: "1mm")");
  CHECK(error_of("some_metric[5m] @") ==
        "1:18: parse error: unexpected end of input in @, expected timestamp");
  CHECK(error_of("foo offset 9.5e10") == "1:12: parse error: duration out of range");
  CHECK(error_of("foo offset NaN") == "1:12: parse error: duration out of range");
  CHECK(error_of("foo offset -Inf") == "1:12: parse error: duration out of range");
  CHECK(error_of("foo[NaN]").starts_with("1:5: parse error: unexpected character"));
  CHECK(error_of("1 offset 1d") ==
        "1:1: parse error: offset modifier must be preceded by an instant vector selector or "
        "range vector selector or a subquery");
  CHECK(error_of("(foo) offset 1d") ==
        "1:1: parse error: offset modifier must be preceded by an instant vector selector or "
        "range vector selector or a subquery");
  CHECK(error_of("foo offset 1s offset 2s") ==
        "1:1: parse error: offset may not be set multiple times");
  CHECK(error_of("rate(some_metric[5m]) @ 1234") ==
        "1:1: parse error: @ modifier must be preceded by an instant vector selector or range "
        "vector selector or a subquery");
  CHECK(error_of("foo @ 1 @ 2") == "1:1: parse error: @ <timestamp> may not be set multiple times");
  CHECK(error_of("foo @ +Inf") == "1:1: parse error: timestamp out of bounds for @ modifier: +Inf");
  CHECK(error_of("foo @ NaN") == "1:1: parse error: timestamp out of bounds for @ modifier: NaN");
  CHECK(error_of("test[5d] OFFSET 10s [10m:5s]") ==
        "1:1: parse error: subquery is only allowed on instant vector, got matrix instead");
  CHECK(error_of("foo[5m+1m]") == "1:5: parse error: duration expressions are not supported");
  CHECK(error_of("foo[step()]") == "1:5: parse error: duration expressions are not supported");
  CHECK(error_of("foo offset (5m)") == "1:12: parse error: duration expressions are not supported");
  CHECK(error_of("foo[5m] anchored") ==
        "1:1: parse error: anchored modifier is experimental and not enabled");
  CHECK(error_of("a + fill(0) b") ==
        "1:1: parse error: binop fill modifiers are experimental and not enabled");
  CHECK(error_of("a + on(x) group_left fill_left(0) b") ==
        "1:1: parse error: binop fill modifiers are experimental and not enabled");
  CHECK(error_of("a + on(x) group_left") ==
        R"(1:21: parse error: unexpected end of input in grouping opts, expected "(")");
}

TEST_CASE("aggregation and call errors are worded as Prometheus words them") {
  CHECK(error_of("sum without(==)(some_metric)") ==
        "1:13: parse error: unexpected <op:==> in grouping opts, expected label");
  CHECK(error_of("sum without(foo,,)(some_metric)") ==
        R"(1:17: parse error: unexpected "," in grouping opts, expected label)");
  CHECK(error_of("sum some_metric by (test)") ==
        R"(1:5: parse error: unexpected identifier "some_metric")");
  CHECK(error_of("sum (some_metric) by test") ==
        R"(1:22: parse error: unexpected identifier "test" in grouping opts, expected "(")");
  CHECK(error_of("sum by (a) b") ==
        R"(1:12: parse error: unexpected identifier "b" in aggregation)");
  CHECK(error_of("sum(a b)") == R"(1:7: parse error: unexpected identifier "b" in aggregation)");
  CHECK(error_of("sum (some_metric) without (test) by (test)") ==
        "1:34: parse error: unexpected <by>");
  CHECK(error_of("sum () by (test)") ==
        "1:1: parse error: no arguments for aggregate expression provided");
  CHECK(error_of("topk(some_metric)") ==
        "1:1: parse error: wrong number of arguments for aggregate expression provided, "
        "expected 2, got 1");
  CHECK(error_of("topk(some_metric,)") ==
        "1:17: parse error: trailing commas not allowed in function call args");
  CHECK(error_of("topk(some_metric, other_metric)") ==
        "1:6: parse error: expected type scalar in aggregation parameter, got instant vector");
  CHECK(error_of("count_values(5, other_metric)") ==
        "1:14: parse error: expected type string in aggregation parameter, got scalar");
  CHECK(error_of("sum(x[5m])") ==
        "1:5: parse error: expected type instant vector in aggregation expression, got range "
        "vector");
  CHECK(error_of("sum by (\"\") (x)") ==
        R"(1:9: parse error: invalid label name for grouping: "")");
  CHECK(error_of("floor()") ==
        R"(1:1: parse error: expected 1 argument(s) in call to "floor", got 0)");
  CHECK(error_of("floor(some_metric, 1)") ==
        R"(1:1: parse error: expected 1 argument(s) in call to "floor", got 2)");
  CHECK(
      error_of("floor(1)") ==
      R"(1:7: parse error: expected type instant vector in call to function "floor", got scalar)");
  CHECK(error_of("hour(a, b, c)") ==
        R"(1:1: parse error: expected at most 1 argument(s) in call to "hour", got 3)");
  CHECK(error_of("label_join(x, \"a\")") ==
        R"(1:1: parse error: expected at least 3 argument(s) in call to "label_join", got 2)");
  CHECK(error_of("time(some_metric)") ==
        R"(1:1: parse error: expected 0 argument(s) in call to "time", got 1)");
  CHECK(error_of("rate(some_metric)") ==
        "1:6: parse error: expected type range vector in call to function \"rate\", got instant "
        "vector");
  CHECK(error_of("rate(avg)") ==
        "1:6: parse error: expected type range vector in call to function \"rate\", got instant "
        "vector");
  CHECK(error_of("non_existent_function_far_bar()") ==
        R"(1:1: parse error: unknown function with name "non_existent_function_far_bar")");
  CHECK(error_of("a>b()") == R"(1:3: parse error: unknown function with name "b")");
  CHECK(error_of("RATE(x[5m])") == R"(1:1: parse error: unknown function with name "RATE")");
  CHECK(error_of("label_replace(a, `b`, `c\xff`, `d`, `.*`)") ==
        "1:23: parse error: invalid UTF-8 rune");
  CHECK(error_of(R"(info(x, target_info{foo="bar"}))") ==
        "1:9: parse error: expected label selectors only, got vector selector instead");
  CHECK(error_of(R"(info(x, {foo="bar"} == 1))") ==
        "1:9: parse error: expected label selectors only");
  CHECK(error_of(R"(info(x, {foo=~".*"}))").starts_with("parsed"));
}

TEST_CASE("operator type errors are worded as Prometheus words them") {
  CHECK(error_of("1 == 1") ==
        "1:3: parse error: comparisons between scalars must use BOOL modifier");
  CHECK(error_of("1 and 1") ==
        R"(1:1: parse error: set operator "and" not allowed in binary scalar expression)");
  CHECK(error_of("foo or 1") ==
        R"(1:1: parse error: set operator "or" not allowed in binary scalar expression)");
  CHECK(error_of("1 or on(bar) foo") ==
        "1:1: parse error: vector matching only allowed between instant vectors");
  CHECK(error_of("foo == on(bar) 10") ==
        "1:1: parse error: vector matching only allowed between instant vectors");
  CHECK(error_of("foo and on(bar) group_left(baz) bar") ==
        R"(1:1: parse error: no grouping allowed for "and" operation)");
  CHECK(error_of("foo unless on(bar) group_right(baz) bar") ==
        R"(1:1: parse error: no grouping allowed for "unless" operation)");
  CHECK(
      error_of(
          R"(http_requests{group="production"} + on(instance) group_left(job,instance) cpu_count{type="smp"})") ==
      R"(1:35: parse error: label "instance" must not occur in ON and GROUP clause at once)");
  CHECK(error_of("foo + bool bar") ==
        "1:5: parse error: bool modifier can only be used on comparison operators");
  CHECK(error_of("foo and bool 10") ==
        "1:5: parse error: bool modifier can only be used on comparison operators");
  CHECK(error_of("foo[5m] + 1") ==
        "1:1: parse error: binary expression must contain only scalar and instant vector types");
  CHECK(error_of("1 + \"a\"") ==
        "1:5: parse error: binary expression must contain only scalar and instant vector types");
  CHECK(error_of(R"(-"string")") ==
        "1:1: parse error: unary expression only allowed on expressions of type scalar or "
        "instant vector, got \"string\"");
  CHECK(error_of("-test[5m]") ==
        "1:1: parse error: unary expression only allowed on expressions of type scalar or "
        "instant vector, got \"range vector\"");
  CHECK(error_of("1[5m:]") ==
        "1:1: parse error: subquery is only allowed on instant vector, got scalar instead");
}

TEST_CASE("queries nested too deeply for a recursive walk are refused, not crashed on") {
  const auto repeat = [](std::string_view text, int count) {
    std::string out;
    for (int i = 0; i < count; ++i) out += text;
    return out;
  };
  CHECK(parse(repeat("(", 200) + "1" + repeat(")", 200)));
  CHECK(error_of(repeat("(", 300) + "1" + repeat(")", 300)) ==
        "1:257: parse error: expression nested too deeply");
  CHECK(error_of(repeat("-", 5000) + "1") == "1:257: parse error: expression nested too deeply");
  CHECK(parse("x" + repeat(" or x", 900)));
  CHECK(error_of("x" + repeat("+x", 5000)) == "1:2000: parse error: expression nested too deeply");
  CHECK(error_of("x" + repeat("[1m:]", 5000)) ==
        "1:4997: parse error: expression nested too deeply");
}
