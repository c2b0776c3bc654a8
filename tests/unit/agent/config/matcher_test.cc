#include "agent/config/matcher.h"

#include <doctest/doctest.h>
#include "tests/support/why.h"

using vitals::MatchOp;
using vitals::parse_label_matcher;

TEST_CASE("matchers parse their name, operator and quoted value") {
  auto m = parse_label_matcher("severity=\"page\"");
  REQUIRE_MESSAGE(m, vitals::testing::why(m));
  CHECK(m->name == "severity");
  CHECK(m->op == MatchOp::Equal);
  CHECK(m->value == "page");
  CHECK(parse_label_matcher("a != \"b\"")->op == MatchOp::NotEqual);
  CHECK(parse_label_matcher("a=~\"b.*\"")->op == MatchOp::Regex);
  CHECK(parse_label_matcher("a!~\"b|c\"")->op == MatchOp::NotRegex);
}

TEST_CASE("matcher values may be bare or carry escapes, as Alertmanager allows") {
  CHECK(parse_label_matcher("team=cards")->value == "cards");
  CHECK(parse_label_matcher("msg=\"say \\\"hi\\\"\"")->value == "say \"hi\"");
  CHECK(parse_label_matcher("a=\"\"")->value.empty());
  CHECK(parse_label_matcher("  a = \"x\"  ")->name == "a");
}

TEST_CASE("malformed matchers are refused with the text and the reason") {
  for (const char* bad : {"severity", "=\"page\"", "1a=\"b\"", "a=\"b", "a=\"b\"c", "a=\"\\q\""}) {
    auto m = parse_label_matcher(bad);
    REQUIRE_MESSAGE(!m, "accepted ", bad);
    CHECK(m.error().code == vitals::ErrorCode::InvalidArgument);
    CHECK(m.error().message.find(std::string("\"") + bad + "\"") != std::string::npos);
  }
  // Like Alertmanager, everything after the operator is a bare value.
  CHECK(parse_label_matcher("a==b")->value == "=b");
}

TEST_CASE("regex matchers must compile with RE2") {
  auto m = parse_label_matcher("a=~\"(\"");
  REQUIRE_FALSE(m);
  CHECK(m.error().message == "invalid matcher \"a=~\"(\"\": regex: missing ): (");
  CHECK(parse_label_matcher("a!~\"[\"").has_value() == false);
  CHECK(parse_label_matcher("a=\"(\"").has_value());  // not a regex: any text is fine
}
