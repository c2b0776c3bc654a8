#include "alerts/rules/rule_group.h"

#include <doctest/doctest.h>

#include <limits>

#include "tests/support/fake_clock.h"
#include "tests/support/why.h"

using vitals::LabelPairs;
using vitals::rules::GroupSpec;
using vitals::rules::RuleGroup;

namespace {

constexpr std::int64_t kMinute = 60'000;

struct World {
  vitals::testing::FakeClock clock;
  std::unique_ptr<vitals::SampleWindow> window = vitals::SampleWindow::create(
      clock, {.retention = std::chrono::hours(24 * 365 * 60), .maintenance_interval = {}});

  void add(LabelPairs labels, std::int64_t t, double v) {
    auto ref = window->get_or_create(std::move(labels));
    REQUIRE(ref);
    window->append(*ref, t, v);
  }
  std::vector<vitals::SamplePoint> points(const std::string& name,
                                          std::vector<vitals::LabelMatcher> more = {}) {
    more.push_back(vitals::LabelMatcher::make("__name__", vitals::MatchOp::Equal, name).value());
    auto refs = window->select(more);
    REQUIRE_MESSAGE(refs.size() == 1, name, " matched ", refs.size());
    return window->samples(refs[0], 0, std::numeric_limits<std::int64_t>::max());
  }
};

GroupSpec group_of(std::string_view yaml) {
  auto groups = vitals::rules::parse_rule_file(yaml, "rules.yml");
  REQUIRE_MESSAGE(groups, vitals::testing::why(groups));
  REQUIRE(groups->size() == 1);
  return std::move((*groups)[0]);
}

}  // namespace

TEST_CASE("a recording rule's output is there for the next rule of the same evaluation") {
  World w;
  w.add({{"__name__", "errors"}, {"job", "api"}}, 0, 5);
  w.add({{"__name__", "errors"}, {"job", "web"}}, 0, 7);
  RuleGroup group(group_of(R"(
groups:
  - name: g
    labels: {team: core}
    rules:
      - record: job:errors:sum
        expr: sum(errors)
      - alert: TooManyErrors
        expr: job:errors:sum > 10
)"),
                  kMinute, *w.window);
  group.evaluate(kMinute, {});
  auto recorded = w.points("job:errors:sum");
  REQUIRE(recorded.size() == 1);
  CHECK(recorded[0].value == 12);
  CHECK(recorded[0].t_ms == kMinute);
  auto status = group.status();
  REQUIRE(status->rules.size() == 2);
  CHECK(status->rules[0].health == "ok");
  REQUIRE(status->rules[1].alerts.size() == 1);
  CHECK(status->rules[1].alerts[0].state == vitals::rules::AlertState::Firing);
  // Group labels reach the alert and the recorded series.
  CHECK(w.points("ALERTS").size() == 1);
  auto alert_labels = status->rules[1].alerts[0].labels;
  CHECK(std::find(alert_labels.begin(), alert_labels.end(), vitals::LabelPair{"team", "core"}) !=
        alert_labels.end());
}

TEST_CASE("a series a rule no longer produces is marked stale at once") {
  World w;
  w.add({{"__name__", "x"}, {"i", "1"}}, 0, 1);
  RuleGroup group(group_of(R"(
groups:
  - name: g
    rules:
      - record: x:copy
        expr: x
)"),
                  kMinute, *w.window);
  group.evaluate(kMinute, {});
  group.evaluate(10 * kMinute, {});  // x is past its lookback now
  auto copy = w.points("x:copy");
  REQUIRE(copy.size() == 2);
  CHECK(vitals::is_stale_nan(copy[1].value));
}

TEST_CASE("a failing rule reports its error and writes nothing") {
  World w;
  w.add({{"__name__", "x"}, {"a", "1"}, {"b", "1"}}, 0, 1);
  w.add({{"__name__", "x"}, {"a", "1"}, {"b", "2"}}, 0, 1);
  RuleGroup group(group_of(R"(
groups:
  - name: g
    rules:
      - record: x:by_a
        expr: x
        labels: {b: same}
)"),
                  kMinute, *w.window);
  group.evaluate(kMinute, {});
  auto status = group.status();
  CHECK(status->rules[0].health == "err");
  CHECK(status->rules[0].last_error ==
        "vector contains metrics with the same labelset after applying rule labels");
}
