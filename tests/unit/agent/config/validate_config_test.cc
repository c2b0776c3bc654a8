#include <doctest/doctest.h>

#include "tests/unit/agent/config/config_test_support.h"

using vitals::testing::error_of;

TEST_CASE("a name used by two services or probes is reported at the second one") {
  CHECK(error_of("services:\n"
                 "  - {name: card, health_url: 'http://card/health'}\n"
                 "probes:\n"
                 "  - {name: card, tcp: {address: 'card:443'}}\n") ==
        "vitals.yml:4:12: probes[0].name: \"card\" is already the name of services[0]");
}

TEST_CASE("a dependency on an unknown name is reported at the depends_on entry") {
  CHECK(error_of("services:\n"
                 "  - name: card\n"
                 "    health_url: http://card/health\n"
                 "    depends_on: [db, feed]\n"
                 "probes:\n"
                 "  - {name: db, tcp: {address: 'db:5432'}}\n") ==
        "vitals.yml:4:22: services[0].depends_on[1]: no service or probe named \"feed\"");
}

TEST_CASE("a dependency cycle is reported at the entry that closes it") {
  CHECK(error_of("services:\n"
                 "  - {name: a, health_url: 'http://a/', depends_on: [b]}\n"
                 "  - {name: b, health_url: 'http://b/', depends_on: [c]}\n"
                 "probes:\n"
                 "  - {name: c, tcp: {address: 'c:1'}, depends_on: [a]}\n") ==
        "vitals.yml:5:51: probes[0].depends_on[0]: dependency cycle: a -> b -> c -> a");
  CHECK(error_of("services:\n  - {name: a, health_url: 'http://a/', depends_on: [a]}\n") ==
        "vitals.yml:2:53: services[0].depends_on[0]: dependency cycle: a -> a");
}

TEST_CASE("dependencies that share a target without a cycle are fine") {
  CHECK(error_of("services:\n"
                 "  - {name: a, health_url: 'http://a/', depends_on: [b, c]}\n"
                 "  - {name: b, health_url: 'http://b/', depends_on: [c]}\n"
                 "  - {name: c, health_url: 'http://c/'}\n") == "no error");
}

TEST_CASE("a route naming an unknown receiver is reported at its receiver") {
  CHECK(error_of("alerting:\n"
                 "  route:\n"
                 "    receiver: oncall\n"
                 "    routes:\n"
                 "      - matchers: ['severity=\"page\"']\n"
                 "        receiver: pager\n"
                 "  receivers: [{name: oncall}]\n") ==
        "vitals.yml:6:19: alerting.route.routes[0].receiver: no receiver named \"pager\"");
}

TEST_CASE("two receivers with one name are reported at the second") {
  CHECK(error_of("alerting:\n"
                 "  route: {receiver: a}\n"
                 "  receivers: [{name: a}, {name: a}]\n") ==
        "vitals.yml:3:33: alerting.receivers[1].name: duplicate receiver name \"a\"");
}

TEST_CASE("a status page component naming an unknown service or probe is reported there") {
  std::string targets =
      "services: [{name: card, health_url: 'http://card/'}]\n"
      "probes: [{name: api, tcp: {address: 'api:1'}}]\n";
  CHECK(error_of(targets + "status_page: {components: [{name: Cards, services: [api]}]}\n") ==
        "vitals.yml:3:53: status_page.components[0].services[0]: no service named \"api\"");
  CHECK(error_of(targets + "status_page: {components: [{name: Cards, probes: [card]}]}\n") ==
        "vitals.yml:3:51: status_page.components[0].probes[0]: no probe named \"card\"");
  CHECK(error_of(targets + "status_page: {components: [{name: A}, {name: A}]}\n") ==
        "vitals.yml:3:46: status_page.components[1].name: duplicate component name \"A\"");
}

TEST_CASE("validating a config built in code reports problems without a location") {
  vitals::Config config;
  config.services.push_back(vitals::ServiceConfig{.name = "a", .depends_on = {"b"}});
  auto valid = vitals::validate_config(config);
  REQUIRE_FALSE(valid);
  CHECK_FALSE(valid.error().where.has_value());
  CHECK(to_string(valid.error()) == "services[0].depends_on[0]: no service or probe named \"b\"");
}
