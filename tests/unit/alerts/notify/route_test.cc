#include "alerts/notify/route.h"

#include <doctest/doctest.h>

#include "agent/config/config.h"
#include "tests/unit/alerts/notify/dispatcher_world.h"

using vitals::LabelPairs;
using vitals::notify::Route;

namespace {

std::unique_ptr<Route> tree(const std::string& alerting_yaml) {
  auto route = Route::create(vitals::notify::testing::dispatcher_config(alerting_yaml).route);
  REQUIRE_MESSAGE(route, vitals::testing::why(route));
  return std::move(*route);
}

// "receiver key" of each matched route.
std::vector<std::string> matched(const Route& root, const LabelPairs& labels) {
  std::vector<std::string> out;
  for (const Route* route : root.match(labels)) {
    out.push_back(route->config().receiver + " " + route->key());
  }
  return out;
}

constexpr const char* kReceivers = R"(
  receivers:
    - {name: default, webhook_configs: [{url: http://127.0.0.1:9/d}]}
    - {name: pager, webhook_configs: [{url: http://127.0.0.1:9/p}]}
    - {name: cards, webhook_configs: [{url: http://127.0.0.1:9/c}]}
    - {name: db, webhook_configs: [{url: http://127.0.0.1:9/db}]}
)";

}  // namespace

TEST_CASE("an alert goes to the first matching child route and stops there") {
  auto root = tree(R"(
  route:
    receiver: default
    routes:
      - {matchers: ['severity="page"'], receiver: pager}
      - {matchers: ['service="cards"'], receiver: cards}
)" + std::string(kReceivers));
  CHECK(matched(*root, {{"service", "cards"}, {"severity", "page"}}) ==
        std::vector<std::string>{R"(pager {}/{severity="page"})"});
  CHECK(matched(*root, {{"service", "cards"}}) ==
        std::vector<std::string>{R"(cards {}/{service="cards"})"});
}

TEST_CASE("the default route takes alerts no child matches") {
  auto root = tree(R"(
  route:
    receiver: default
    routes: [{matchers: ['severity="page"'], receiver: pager}]
)" + std::string(kReceivers));
  CHECK(matched(*root, {{"severity", "ticket"}}) == std::vector<std::string>{"default {}"});
}

TEST_CASE("continue lets an alert match the following siblings too") {
  auto root = tree(R"(
  route:
    receiver: default
    routes:
      - {matchers: ['severity="page"'], receiver: pager, continue: true}
      - {matchers: ['service="cards"'], receiver: cards}
      - {matchers: ['service=~".+"'], receiver: db}
)" + std::string(kReceivers));
  CHECK(matched(*root, {{"service", "cards"}, {"severity", "page"}}) ==
        std::vector<std::string>{R"(pager {}/{severity="page"})", R"(cards {}/{service="cards"})"});
  // Without a continuing match first, the first match still stops the search.
  CHECK(matched(*root, {{"service", "feed"}}) ==
        std::vector<std::string>{R"(db {}/{service=~".+"})"});
}

TEST_CASE("nested routes match depth first and a parent matches when none of its children do") {
  auto root = tree(R"(
  route:
    receiver: default
    routes:
      - matchers: ['service="cards"']
        receiver: cards
        routes:
          - {matchers: ['severity="page"', 'env="prod"'], receiver: pager}
      - {matchers: ['severity="page"'], receiver: db}
)" + std::string(kReceivers));
  CHECK(matched(*root, {{"env", "prod"}, {"service", "cards"}, {"severity", "page"}}) ==
        std::vector<std::string>{R"(pager {}/{service="cards"}/{env="prod",severity="page"})"});
  // The child fails, so its parent matches, and the parent's match stops the search.
  CHECK(matched(*root, {{"service", "cards"}, {"severity", "page"}}) ==
        std::vector<std::string>{R"(cards {}/{service="cards"})"});
}

TEST_CASE("child routes inherit receiver, grouping and timers unless they set their own") {
  auto root = tree(R"(
  route:
    receiver: default
    group_by: [alertname]
    group_wait: 10s
    group_interval: 2m
    repeat_interval: 1h
    routes:
      - matchers: ['service="cards"']
        group_wait: 1s
        routes:
          - {matchers: ['severity="page"'], receiver: pager, group_by: ['...']}
)" + std::string(kReceivers));
  auto leaves = root->match({{"alertname", "Down"}, {"service", "cards"}, {"severity", "page"}});
  REQUIRE(leaves.size() == 1);
  const auto& leaf = leaves[0]->config();
  CHECK(leaf.receiver == "pager");
  CHECK(leaf.group_wait == std::chrono::seconds(1));
  CHECK(leaf.group_interval == std::chrono::minutes(2));
  CHECK(leaf.repeat_interval == std::chrono::hours(1));
  CHECK(leaves[0]->group_by_all());
  CHECK(leaves[0]->group_labels({{"b", "2"}, {"a", "1"}}) == LabelPairs{{"a", "1"}, {"b", "2"}});

  auto middle = root->match({{"alertname", "Down"}, {"service", "cards"}});
  REQUIRE(middle.size() == 1);
  CHECK(middle[0]->config().receiver == "default");
  CHECK(middle[0]->config().group_by == std::vector<std::string>{"alertname"});
  // Group labels are the group_by labels the alert has; missing ones are left out.
  CHECK(middle[0]->group_labels({{"alertname", "Down"}, {"service", "cards"}}) ==
        LabelPairs{{"alertname", "Down"}});
  CHECK(middle[0]->group_labels({{"service", "cards"}}).empty());
}

TEST_CASE("the root route takes Alertmanager's default timers") {
  auto root = tree(R"(
  route: {receiver: default}
)" + std::string(kReceivers));
  CHECK(root->config().group_wait == std::chrono::seconds(30));
  CHECK(root->config().group_interval == std::chrono::minutes(5));
  CHECK(root->config().repeat_interval == std::chrono::hours(4));
  CHECK(root->key() == "{}");
}
