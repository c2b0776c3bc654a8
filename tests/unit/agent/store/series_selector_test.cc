#include "agent/store/series_selector.h"

#include <doctest/doctest.h>

using vitals::MatchOp;
using vitals::parse_series_selector;

TEST_CASE("a series selector becomes its matchers, the metric name first") {
  auto m =
      parse_series_selector(R"(http_requests_total{job="api", code=~"5..",path!~'/h.*',x!=``})");
  REQUIRE(m);
  REQUIRE(m->size() == 5);
  CHECK((*m)[0].name() == "__name__");
  CHECK((*m)[0].value() == "http_requests_total");
  CHECK((*m)[2].op() == MatchOp::Regex);
  CHECK((*m)[2].matches("503"));
  CHECK_FALSE((*m)[2].matches("5034"));  // anchored
  CHECK((*m)[3].op() == MatchOp::NotRegex);
  CHECK((*m)[4].op() == MatchOp::NotEqual);
}

TEST_CASE("a selector of matchers alone works, escapes included") {
  auto m = parse_series_selector(R"({__name__=~"card_.*", note="a \"q\"\n",})");
  REQUIRE(m);
  CHECK((*m)[1].value() == "a \"q\"\n");
}

TEST_CASE("bad selectors name the column of the problem") {
  auto error_of = [](std::string_view text) {
    auto m = parse_series_selector(text);
    REQUIRE_FALSE(m);
    return m.error().message;
  };
  CHECK(error_of(R"(up{job="a")") == "selector column 11: expected ',' or '}'");
  CHECK(error_of(R"(up{job~"a"})") == "selector column 7: expected one of =, !=, =~, !~");
  CHECK(error_of(R"(up{job="a)") == "selector column 10: unterminated quoted value");
  CHECK(error_of(R"({job=~".*"})") ==
        "selector column 12: a selector needs a metric name or a matcher not matching \"\"");
  CHECK(error_of("up extra") == "selector column 4: unexpected character 'e'");
  CHECK(error_of(R"(up{x=~"("})").find("selector column") == 0);
}
