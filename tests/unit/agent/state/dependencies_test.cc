#include "agent/state/dependencies.h"

#include <doctest/doctest.h>

using namespace std::chrono_literals;
using vitals::AgentSnapshot;
using vitals::Dependencies;
using vitals::suppression_reason;

namespace {

const vitals::WallTime kNow = vitals::WallTime(std::chrono::seconds(1767225600));

// feed, as the snapshot has it: `status` since `ago`, back from being down then when `back`.
AgentSnapshot with_feed(const std::string& status, vitals::Duration ago, bool back = false) {
  auto feed = std::make_shared<vitals::ServiceView>();
  feed->name = "feed";
  feed->status = status;
  feed->since = kNow - std::chrono::duration_cast<vitals::WallTime::duration>(ago);
  if (back) feed->back_since = feed->since;
  AgentSnapshot snapshot;
  snapshot.services.push_back(feed);
  return snapshot;
}

const Dependencies kCardsOnFeed{{"cards", {.targets = {"feed"}, .settle = 3s}}};
const vitals::LabelPairs kCardsAlert{{"alertname", "CardsFailing"}, {"service", "cards"}};

}  // namespace

TEST_CASE("a dependent's alerts are suppressed while its dependency is down") {
  CHECK(suppression_reason(with_feed("unhealthy", 1min), kCardsOnFeed, kCardsAlert, kNow) ==
        "cards depends on feed, which is down");
  CHECK(suppression_reason(with_feed("unreachable", 0s), kCardsOnFeed, kCardsAlert, kNow) ==
        "cards depends on feed, which is down");
  CHECK_FALSE(suppression_reason(with_feed("unhealthy", 1min), kCardsOnFeed,
                                 {{"alertname", "FeedDown"}, {"service", "feed"}}, kNow));
}

TEST_CASE("a dependency that came back holds its dependents' alerts for the settle time") {
  CHECK(suppression_reason(with_feed("healthy", 2s, true), kCardsOnFeed, kCardsAlert, kNow) ==
        "cards depends on feed, which has just come back");
  CHECK(suppression_reason(with_feed("degraded", 2s, true), kCardsOnFeed, kCardsAlert, kNow));
  CHECK_FALSE(suppression_reason(with_feed("healthy", 3s, true), kCardsOnFeed, kCardsAlert, kNow));
  // Healthy from the start, or after being degraded: nothing to settle.
  CHECK_FALSE(suppression_reason(with_feed("healthy", 0s), kCardsOnFeed, kCardsAlert, kNow));
}

TEST_CASE("the settle time is two of the dependent's intervals") {
  vitals::Config config;
  vitals::ServiceConfig cards;
  cards.name = "cards";
  cards.interval = 10s;
  cards.depends_on = {"feed"};
  config.services.push_back(cards);
  auto dependencies = vitals::dependencies_of(config);
  REQUIRE(dependencies->contains("cards"));
  CHECK(dependencies->at("cards").settle == 20s);
  CHECK(dependencies->at("cards").targets == std::vector<std::string>{"feed"});
}
