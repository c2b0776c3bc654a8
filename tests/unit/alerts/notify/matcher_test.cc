#include "alerts/notify/matcher.h"

#include <doctest/doctest.h>

#include "alerts/notify/fingerprint.h"
#include "tests/support/why.h"

using vitals::LabelPairs;
using vitals::notify::Matcher;

namespace {

bool matches(const char* matcher, const LabelPairs& labels) {
  auto parsed = Matcher::parse(matcher);
  REQUIRE_MESSAGE(parsed, vitals::testing::why(parsed));
  return parsed->matches(labels);
}

}  // namespace

TEST_CASE("matchers compare values, and a missing label reads as empty") {
  const LabelPairs labels{{"service", "card-api"}, {"severity", "page"}};
  CHECK(matches(R"(severity="page")", labels));
  CHECK_FALSE(matches(R"(severity="ticket")", labels));
  CHECK(matches(R"(severity!="ticket")", labels));
  CHECK(matches(R"(team="")", labels));
  CHECK_FALSE(matches(R"(team!="")", labels));
  CHECK(matches(R"(team=~"|cards")", labels));
}

TEST_CASE("regex matchers must match the whole value") {
  const LabelPairs labels{{"service", "x-card-api"}};
  CHECK_FALSE(matches(R"(service=~"card-.*")", labels));
  CHECK(matches(R"(service=~".*card-.*")", labels));
  CHECK(matches(R"(service!~"card-.*")", labels));
  CHECK(matches(R"(service=~"x-card-api|other")", labels));
}

TEST_CASE("a matcher that does not parse is an error") {
  CHECK_FALSE(Matcher::parse("severity").has_value());
  CHECK_FALSE(Matcher::parse(R"(service=~"(")").has_value());
}

TEST_CASE("matchers print as Alertmanager's, sorted by name then value") {
  auto parsed = vitals::notify::parse_matchers({R"(b=~"x.*")", R"(a="1")", "a!=0"});
  REQUIRE_MESSAGE(parsed, vitals::testing::why(parsed));
  CHECK(vitals::notify::matchers_text(*parsed) == R"({a!="0",a="1",b=~"x.*"})");
  CHECK(vitals::notify::matchers_text({}) == "{}");
}

TEST_CASE("fingerprints are Prometheus' label set fingerprints") {
  // The vector of prometheus/common's TestMetricToFingerprint.
  const LabelPairs labels{{"name", "garland, briggs"}, {"fear", "love is not enough"}};
  CHECK(vitals::notify::label_hash(labels) == 5799056148416392346ULL);
  CHECK(vitals::notify::fingerprint(labels) == "507a62d79ee76c9a");
  CHECK(vitals::notify::label_hash({}) == 14695981039346656037ULL);
  // Order does not matter; values do.
  CHECK(vitals::notify::fingerprint({{"a", "1"}, {"b", "2"}}) ==
        vitals::notify::fingerprint({{"b", "2"}, {"a", "1"}}));
  CHECK(vitals::notify::fingerprint({{"a", "1"}, {"b", "2"}}) !=
        vitals::notify::fingerprint({{"a", "12"}}));
}

TEST_CASE("label sets print as Prometheus' LabelSet.String()") {
  CHECK(vitals::notify::label_set_text({{"service", "card"}, {"alertname", "Down"}}) ==
        R"({alertname="Down", service="card"})");
  CHECK(vitals::notify::label_set_text({{"a", "say \"hi\"\n"}}) == R"({a="say \"hi\"\n"})");
  CHECK(vitals::notify::label_set_text({}) == "{}");
}
