#include "alerts/promql/lexer.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using vitals::promql::describe;
using vitals::promql::Lexer;
using vitals::promql::Token;
using vitals::promql::TokenKind;

namespace {

// Every token up to and including the end or the first error.
std::vector<Token> lex(std::string_view query) {
  Lexer lexer(query);
  std::vector<Token> tokens;
  for (;;) {
    tokens.push_back(lexer.next());
    const TokenKind kind = tokens.back().kind;
    if (kind == TokenKind::EndOfInput || kind == TokenKind::Error) return tokens;
  }
}

std::vector<TokenKind> kinds(std::string_view query) {
  std::vector<TokenKind> out;
  for (const Token& token : lex(query)) out.push_back(token.kind);
  return out;
}

// "message@offset" of the error a query lexes to, or "" when it lexes cleanly.
std::string error_of(std::string_view query) {
  const Token last = lex(query).back();
  if (last.kind != TokenKind::Error) return "";
  return last.error + "@" + std::to_string(last.pos);
}

}  // namespace

TEST_CASE("a query splits into tokens that remember their byte offsets") {
  const std::vector<Token> tokens =
      lex(R"(sum by (job) (rate(http_requests_total{job="api"}[5m])))");
  REQUIRE(tokens.size() == 20);
  CHECK(tokens[0].kind == TokenKind::Aggregator);
  CHECK(tokens[1].kind == TokenKind::By);
  CHECK(tokens[3].kind == TokenKind::Identifier);
  CHECK(tokens[3].text == "job");
  CHECK(tokens[3].pos == 8);
  CHECK(tokens[8].text == "http_requests_total");
  CHECK(tokens[9].kind == TokenKind::LeftBrace);
  CHECK(tokens[12].kind == TokenKind::String);
  CHECK(tokens[12].text == R"("api")");
  CHECK(tokens[14].kind == TokenKind::LeftBracket);
  CHECK(tokens[15].kind == TokenKind::Duration);
  CHECK(tokens[15].text == "5m");
  CHECK(tokens[15].pos == 50);
  CHECK(tokens[19].kind == TokenKind::EndOfInput);
  CHECK(tokens[19].pos == 55);
}

TEST_CASE("every operator and punctuation mark has its token") {
  CHECK(kinds("+ - * / % ^ == != > < >= <= @ , ( ) =") ==
        std::vector<TokenKind>{TokenKind::Add, TokenKind::Sub, TokenKind::Mul, TokenKind::Div,
                               TokenKind::Mod, TokenKind::Pow, TokenKind::Eql, TokenKind::Neq,
                               TokenKind::Gtr, TokenKind::Lss, TokenKind::Gte, TokenKind::Lte,
                               TokenKind::At, TokenKind::Comma, TokenKind::LeftParen,
                               TokenKind::RightParen, TokenKind::Assign, TokenKind::EndOfInput});
  CHECK(kinds(R"({a="b",c!="d",e=~"f",g!~"h"})") ==
        std::vector<TokenKind>{TokenKind::LeftBrace, TokenKind::Identifier, TokenKind::Assign,
                               TokenKind::String, TokenKind::Comma, TokenKind::Identifier,
                               TokenKind::Neq, TokenKind::String, TokenKind::Comma,
                               TokenKind::Identifier, TokenKind::EqlRegex, TokenKind::String,
                               TokenKind::Comma, TokenKind::Identifier, TokenKind::NeqRegex,
                               TokenKind::String, TokenKind::RightBrace, TokenKind::EndOfInput});
}

TEST_CASE("keywords are recognised in any case, and are plain label names inside braces") {
  CHECK(kinds("AND or Unless atan2 OFFSET bool On ignoring group_left GROUP_RIGHT by without") ==
        std::vector<TokenKind>{TokenKind::And, TokenKind::Or, TokenKind::Unless, TokenKind::Atan2,
                               TokenKind::Offset, TokenKind::Bool, TokenKind::On,
                               TokenKind::Ignoring, TokenKind::GroupLeft, TokenKind::GroupRight,
                               TokenKind::By, TokenKind::Without, TokenKind::EndOfInput});
  CHECK(kinds("Sum count_values limitk start end step range anchored smoothed") ==
        std::vector<TokenKind>{TokenKind::Aggregator, TokenKind::Aggregator, TokenKind::Aggregator,
                               TokenKind::Start, TokenKind::End, TokenKind::Step, TokenKind::Range,
                               TokenKind::Anchored, TokenKind::Smoothed, TokenKind::EndOfInput});
  CHECK(kinds("{by='x'}")[1] == TokenKind::Identifier);
  CHECK(kinds("job:rate5m :x")[0] == TokenKind::MetricIdentifier);
  CHECK(kinds("job:rate5m :x")[1] == TokenKind::MetricIdentifier);
  // fill is a keyword only before "(", so it stays usable as a metric name.
  CHECK(kinds("fill + fill")[0] == TokenKind::Identifier);
  CHECK(kinds("fill (1)")[0] == TokenKind::Fill);
}

TEST_CASE("numbers come in Go's forms, and a number with a unit is a duration") {
  for (std::string_view number : {"1", "1.5", ".5", "5.", "1e3", "12.34e+6", "0x1f", "0755",
                                  "1_000", "Inf", "inF", "NaN", "nan"}) {
    CAPTURE(number);
    const std::vector<Token> tokens = lex(number);
    CHECK(tokens[0].kind == TokenKind::Number);
    CHECK(tokens[0].text == number);
  }
  for (std::string_view duration : {"5m", "1h30m", "1s500ms", "2w", "1y", "1.5h"}) {
    CAPTURE(duration);
    CHECK(lex(duration)[0].kind == TokenKind::Duration);
  }
  CHECK(kinds("Infinity")[0] == TokenKind::Identifier);
}

TEST_CASE("strings keep their quotes and accept Go's escapes") {
  for (std::string_view string : {R"("a \"b\" \n \t \\ \x41 \101 \u00e9 \U0001F600")", R"('it\'s')",
                                  "`raw \\ string`", "`multi\nline`"}) {
    CAPTURE(string);
    const std::vector<Token> tokens = lex(string);
    CHECK(tokens[0].kind == TokenKind::String);
    CHECK(tokens[0].text == string);
  }
}

TEST_CASE("comments run to the end of the line and are skipped") {
  CHECK(kinds("foo # the rest is ignored ) [\n+ 1") ==
        std::vector<TokenKind>{TokenKind::Identifier, TokenKind::Add, TokenKind::Number,
                               TokenKind::EndOfInput});
}

TEST_CASE("subquery brackets lex durations, colons and duration keywords") {
  CHECK(kinds("foo[5m:1m]") == std::vector<TokenKind>{TokenKind::Identifier, TokenKind::LeftBracket,
                                                      TokenKind::Duration, TokenKind::Colon,
                                                      TokenKind::Duration, TokenKind::RightBracket,
                                                      TokenKind::EndOfInput});
  CHECK(kinds("foo[ 5m : ]")[4] == TokenKind::RightBracket);
  CHECK(kinds("foo[step()]")[2] == TokenKind::Step);
  CHECK(kinds("foo[300]")[2] == TokenKind::Number);
}

TEST_CASE("lexing errors carry Prometheus' wording and the offset of the offending token") {
  CHECK(error_of("2.5.") == R"(bad number or duration syntax: "2.5."@0)");
  CHECK(error_of("100..4") == R"(bad number or duration syntax: "100.."@0)");
  CHECK(error_of("0deadbeef") == R"(bad number or duration syntax: "0de"@0)");
  CHECK(error_of("foo[5mm]") == R"(bad number or duration syntax: "5mm"@4)");
  CHECK(error_of("foo[5m1]") == R"(bad number or duration syntax: "5m1"@4)");
  CHECK(error_of(".") == "unexpected character: '.'@0");
  CHECK(error_of("}") == "unexpected character: '}'@0");
  CHECK(error_of("1 !~ 1") == "unexpected character after '!': '~'@2");
  CHECK(error_of("1 =~ 1") == "unexpected character after '=': '~'@2");
  CHECK(error_of("((1)") == "unclosed left parenthesis@4");
  CHECK(error_of("(1))") == "unexpected right parenthesis ')'@4");
  CHECK(error_of("foo[5m") == "unclosed left bracket@6");
  CHECK(error_of("foo[") == "unexpected end of input in duration expression@4");
  CHECK(error_of("foo]") == "unexpected right bracket ']'@3");
  CHECK(error_of("foo[5m[") == "unexpected left bracket '['@6");
  CHECK(error_of("foo[\"5m\"]") == "unexpected character in duration expression: '\"'@4");
  CHECK(error_of("foo[5s x 5s]") == "unexpected character: 'x', expected ':'@7");
  CHECK(error_of("{") == "unexpected end of input inside braces@1");
  CHECK(error_of("a{b:c}") == "unexpected character inside braces: ':'@3");
  CHECK(error_of("a{1}") == "unexpected character inside braces: '1'@2");
  CHECK(error_of("a{{") == "unexpected left brace '{'@2");
  CHECK(error_of("a{b!c}") == "unexpected character after '!' inside braces: 'c'@3");
  CHECK(error_of("\"abc") == "unterminated quoted string@0");
  CHECK(error_of("'a\nb'") == "unterminated quoted string@0");
  CHECK(error_of("`abc") == "unterminated raw string@0");
  CHECK(error_of("x \"\\c\"") == "unknown escape sequence U+0063 'c'@2");
  CHECK(error_of("\"\\x.\"") == "illegal character U+002E '.' in escape sequence@0");
  CHECK(error_of("\"\\") == "escape sequence not terminated@0");
  CHECK(error_of("\"\\'\"") == "unknown escape sequence U+0027 '''@0");
  CHECK(error_of("\"\\ud800\"") == "escape sequence is an invalid Unicode code point@0");
  CHECK(error_of("\"\xff\"") == "invalid UTF-8 rune@0");
  CHECK(error_of("a € b") == "unexpected character: '€'@2");
}

TEST_CASE("tokens are described as Prometheus names them in errors") {
  const auto first = [](std::string_view query) { return describe(lex(query)[0]); };
  CHECK(first("foo") == R"(identifier "foo")");
  CHECK(first("foo:bar") == R"(metric identifier "foo:bar")");
  CHECK(first("+") == "<op:+>");
  CHECK(first("AND") == "<op:AND>");
  CHECK(first("@") == "<op:@>");
  CHECK(first("sum") == "<aggr:sum>");
  CHECK(first("by") == "<by>");
  CHECK(first("start") == R"("start")");
  CHECK(first("(") == R"("(")");
  CHECK(first("=") == R"("=")");
  CHECK(first("1") == R"(number "1")");
  CHECK(first("12345678901234") == R"(number "1234567890"...)");
  CHECK(first("5m") == R"(duration "5m")");
  CHECK(first("'a'") == R"(string "'a'")");
  CHECK(first("\"a\"") == R"(string "\"a\"")");
  CHECK(first("") == "end of input");
}
