#include "alerts/notify/inhibitor.h"

#include <doctest/doctest.h>

#include "alerts/notify/fingerprint.h"
#include "tests/support/why.h"

using vitals::InhibitRuleConfig;
using vitals::LabelPairs;
using vitals::notify::Inhibitor;
using vitals::notify::InhibitSource;

namespace {

struct Alerts {
  std::vector<LabelPairs> labels;
  std::vector<std::string> fingerprints;

  explicit Alerts(std::vector<LabelPairs> all) : labels(std::move(all)) {
    for (const auto& l : labels) fingerprints.push_back(vitals::notify::fingerprint(l));
  }
  std::vector<InhibitSource> sources() const {
    std::vector<InhibitSource> out;
    for (std::size_t i = 0; i < labels.size(); ++i) out.push_back({fingerprints[i], &labels[i]});
    return out;
  }
  std::vector<std::string> inhibitors(const Inhibitor& inhibitor, std::size_t i) const {
    return inhibitor.inhibited_by(labels[i], fingerprints[i], sources());
  }
};

Inhibitor make(std::vector<InhibitRuleConfig> rules) {
  auto inhibitor = Inhibitor::create(rules);
  REQUIRE_MESSAGE(inhibitor, vitals::testing::why(inhibitor));
  return std::move(*inhibitor);
}

}  // namespace

TEST_CASE("a firing source inhibits targets that have the same values for the equal labels") {
  auto inhibitor = make({{.source_matchers = {R"(severity="page")"},
                          .target_matchers = {R"(severity="ticket")"},
                          .equal = {"service"}}});
  Alerts alerts({{{"alertname", "Down"}, {"service", "cards"}, {"severity", "page"}},
                 {{"alertname", "Slow"}, {"service", "cards"}, {"severity", "ticket"}},
                 {{"alertname", "Slow"}, {"service", "feed"}, {"severity", "ticket"}}});
  CHECK(alerts.inhibitors(inhibitor, 1) == std::vector<std::string>{alerts.fingerprints[0]});
  CHECK(alerts.inhibitors(inhibitor, 2).empty());  // another service
  CHECK(alerts.inhibitors(inhibitor, 0).empty());  // the source is no target
}

TEST_CASE("a label missing from both source and target counts as equal") {
  auto inhibitor = make({{.source_matchers = {R"(alertname="AgentDown")"},
                          .target_matchers = {R"(alertname="ProbeFailing")"},
                          .equal = {"zone"}}});
  Alerts alerts({{{"alertname", "AgentDown"}}, {{"alertname", "ProbeFailing"}, {"probe", "x"}}});
  CHECK(alerts.inhibitors(inhibitor, 1) == std::vector<std::string>{alerts.fingerprints[0]});
  Alerts zoned({{{"alertname", "AgentDown"}}, {{"alertname", "ProbeFailing"}, {"zone", "a"}}});
  CHECK(zoned.inhibitors(inhibitor, 1).empty());
}

TEST_CASE(
    "an alert does not inhibit itself, and two alerts matching both sides do not mute each other") {
  auto inhibitor = make({{.source_matchers = {R"(severity=~"page|ticket")"},
                          .target_matchers = {R"(severity=~"page|ticket")"},
                          .equal = {"service"}}});
  Alerts alerts({{{"alertname", "A"}, {"service", "cards"}, {"severity", "page"}},
                 {{"alertname", "B"}, {"service", "cards"}, {"severity", "ticket"}}});
  CHECK(alerts.inhibitors(inhibitor, 0).empty());
  CHECK(alerts.inhibitors(inhibitor, 1).empty());
}

TEST_CASE("an inhibit rule with a bad matcher is an error") {
  CHECK_FALSE(Inhibitor::create({{.source_matchers = {"not a matcher"}}}).has_value());
}
