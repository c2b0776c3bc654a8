#include "agent/config/load_config.h"

#include <doctest/doctest.h>

#include <filesystem>

#include "tests/support/temp_dir.h"
#include "tests/support/why.h"
#include "tests/unit/agent/config/config_test_support.h"

using namespace std::chrono_literals;
using vitals::Config;
using vitals::load_config;
using vitals::parse_config;
using vitals::testing::error_of;
using vitals::testing::kSpecExample;
using vitals::testing::spec_example_with_feed_service;

namespace {

Config parse_ok(std::string_view yaml, const std::string& file = "vitals.yml") {
  auto config = parse_config(yaml, file);
  REQUIRE_MESSAGE(config, vitals::testing::why(config));
  return *config;
}

}  // namespace

TEST_CASE("the SPEC example is refused only for its undefined feed-service dependency") {
  CHECK(error_of(kSpecExample) ==
        "vitals.yml:20:18: services[0].depends_on[0]: no service or probe named \"feed-service\"");
}

TEST_CASE("the SPEC example with feed-service gives its global, storage and web values") {
  Config c = parse_ok(spec_example_with_feed_service());
  CHECK(c.source_file == "vitals.yml");
  CHECK(c.global.scrape_interval == 15s);
  CHECK(c.global.scrape_timeout == 5s);
  CHECK(c.global.evaluation_interval == 15s);
  CHECK(c.global.external_labels == vitals::LabelMap{{"cluster", "demo"}});
  CHECK(c.global.vantage_failing_fraction == doctest::Approx(0.8));
  CHECK(c.storage.path == "data/vitals.db");
  CHECK(c.storage.retention == 30 * 24h);
  CHECK(c.web.listen_address == "127.0.0.1:9464");
  CHECK(c.web.admin_token_file == "secrets/admin-token");
  CHECK(c.sharding.total == 1);
  CHECK(c.sharding.index == 0);
}

TEST_CASE("the SPEC example's services keep their own values and inherit the rest") {
  Config c = parse_ok(spec_example_with_feed_service());
  REQUIRE(c.services.size() == 2);
  const vitals::ServiceConfig& card = c.services[0];
  CHECK(card.name == "card-service");
  CHECK(card.health_url == "http://127.0.0.1:8081/health");
  CHECK(card.metrics_url == "http://127.0.0.1:8081/metrics");
  CHECK(card.interval == 5s);
  CHECK(card.timeout == 5s);
  CHECK(card.interval_when_failing == 1s);
  CHECK(card.sample_limit == 50000);
  CHECK(card.body_size_limit == 10 * 1024 * 1024);
  CHECK(card.depends_on == std::vector<std::string>{"feed-service"});
  CHECK(card.labels == vitals::LabelMap{{"team", "cards"}});
  CHECK(card.where.line == 13);
  CHECK(card.where.column == 5);
  const vitals::ServiceConfig& feed = c.services[1];
  CHECK_FALSE(feed.metrics_url.has_value());
  CHECK(feed.interval == 15s);
  CHECK(feed.timeout == 5s);
  CHECK(feed.interval_when_failing == 15s);
  CHECK(feed.sample_limit == 0);
  CHECK(feed.body_size_limit == 0);
}

TEST_CASE("the SPEC example's probes each hold their kind with its values") {
  Config c = parse_ok(spec_example_with_feed_service());
  REQUIRE(c.probes.size() == 4);
  const vitals::ProbeConfig& api = c.probes[0];
  CHECK(api.interval == 10s);
  CHECK(api.timeout == 3s);
  CHECK(api.interval_when_failing == 10s);
  CHECK(api.labels == vitals::LabelMap{{"component", "cards"}});
  const auto* http = std::get_if<vitals::HttpProbe>(&api.kind);
  REQUIRE(http != nullptr);
  CHECK(http->url == "http://127.0.0.1:8081/ping");
  CHECK(http->method == "GET");
  CHECK(http->headers.empty());
  CHECK(http->body.empty());
  CHECK(http->expect_status == std::vector<int>{200});
  CHECK(http->expect_body_regex == "pong");
  CHECK(http->max_latency == 500ms);
  CHECK(http->follow_redirects);
  CHECK(http->tls_verify);

  const auto* tcp = std::get_if<vitals::TcpProbe>(&c.probes[1].kind);
  REQUIRE(tcp != nullptr);
  CHECK(tcp->address == "127.0.0.1:5432");
  CHECK(c.probes[1].interval == 15s);
  CHECK(c.probes[1].timeout == 5s);
  const auto* tls = std::get_if<vitals::TlsProbe>(&c.probes[2].kind);
  REQUIRE(tls != nullptr);
  CHECK(tls->address == "example.test:443");
  CHECK(tls->server_name == "example.test");
  CHECK(tls->min_days_left == 14);
  const auto* dns = std::get_if<vitals::DnsProbe>(&c.probes[3].kind);
  REQUIRE(dns != nullptr);
  CHECK(dns->name == "api.example.test");
  CHECK(dns->server == "127.0.0.1:53");
  CHECK(dns->record == vitals::DnsRecordType::A);
}

TEST_CASE("the SPEC example's alerting section keeps routes, inhibitions and receivers") {
  Config c = parse_ok(spec_example_with_feed_service());
  const vitals::AlertingConfig& a = c.alerting;
  REQUIRE(a.route.has_value());
  CHECK(a.route->receiver == "oncall");
  CHECK(a.route->group_by == std::vector<std::string>{"alertname", "service"});
  CHECK(a.route->group_wait == 5s);
  CHECK(a.route->group_interval == 1min);
  CHECK(a.route->repeat_interval == 4h);
  REQUIRE(a.route->routes.size() == 1);
  CHECK(a.route->routes[0].matchers == std::vector<std::string>{"severity=\"page\""});
  CHECK(a.route->routes[0].receiver == "pager");
  CHECK_FALSE(a.route->routes[0].group_wait.has_value());

  REQUIRE(a.inhibit_rules.size() == 1);
  CHECK(a.inhibit_rules[0].target_matchers == std::vector<std::string>{"severity=\"ticket\""});
  CHECK(a.inhibit_rules[0].equal == std::vector<std::string>{"service"});

  REQUIRE(a.receivers.size() == 2);
  REQUIRE(a.receivers[0].webhook_configs.size() == 1);
  CHECK(a.receivers[0].webhook_configs[0].url == "http://127.0.0.1:9099/hook");
  CHECK(a.receivers[0].webhook_configs[0].send_resolved);
  CHECK(a.receivers[0].webhook_configs[0].max_alerts == 0);
  REQUIRE(a.receivers[1].pagerduty_configs.size() == 1);
  CHECK(a.receivers[1].pagerduty_configs[0].routing_key_file == "secrets/pd");
  CHECK(a.receivers[1].pagerduty_configs[0].send_resolved);
  REQUIRE(a.receivers[1].slack_configs.size() == 1);
  CHECK(a.receivers[1].slack_configs[0].channel == "#oncall");
  CHECK_FALSE(a.receivers[1].slack_configs[0].send_resolved);
  REQUIRE(a.alertmanagers.size() == 1);
  CHECK(a.alertmanagers[0].url == "http://127.0.0.1:9093");
}

TEST_CASE("the SPEC example's status page and rule files are kept as written") {
  Config c = parse_ok(spec_example_with_feed_service());
  CHECK(c.status_page.title == "Mondo status");
  REQUIRE(c.status_page.components.size() == 1);
  const vitals::StatusComponentConfig& cards = c.status_page.components[0];
  CHECK(cards.name == "Card payments");
  CHECK(cards.description == "Paying with your card in shops and online");
  CHECK(cards.services == std::vector<std::string>{"card-service"});
  CHECK(cards.probes == std::vector<std::string>{"card-api"});
  CHECK(cards.alert_matchers == std::vector<std::string>{"component=\"cards\""});
  CHECK(cards.slo == doctest::Approx(99.9));
  REQUIRE(c.rule_files.size() == 1);
  CHECK(c.rule_files[0].pattern == "alerts/*.yml");
  CHECK(c.rule_files[0].path == "alerts/*.yml");
}

TEST_CASE("an empty file gives every default") {
  Config c = parse_ok("");
  CHECK(c.global.scrape_interval == 15s);
  CHECK(c.global.scrape_timeout == 10s);
  CHECK(c.global.evaluation_interval == 15s);
  CHECK(c.storage.path == "data/vitals.db");
  CHECK(c.storage.retention == 30 * 24h);
  CHECK(c.web.listen_address == "127.0.0.1:9464");
  CHECK_FALSE(c.web.admin_token_file.has_value());
  CHECK(c.web.api_requests_per_second == 100);
  CHECK(c.web.api_burst == 200);
  CHECK(c.services.empty());
  CHECK(c.probes.empty());
  CHECK_FALSE(c.alerting.route.has_value());
  CHECK(c.status_page.title == "Status");
  CHECK(c.sharding.total == 1);
}

TEST_CASE("services and probes take interval and timeout from global when they leave them out") {
  Config c = parse_ok(
      "global: {scrape_interval: 30s, scrape_timeout: 20s}\n"
      "services:\n"
      "  - {name: a, health_url: 'http://a/health'}\n"
      "  - {name: b, health_url: 'http://b/health', interval: 10s}\n"
      "probes:\n"
      "  - {name: c, tcp: {address: 'c:1'}, interval: 1m, interval_when_failing: 5s}\n");
  CHECK(c.services[0].interval == 30s);
  CHECK(c.services[0].timeout == 20s);
  CHECK(c.services[0].interval_when_failing == 30s);
  // A short interval caps the inherited timeout rather than making it an error.
  CHECK(c.services[1].timeout == 10s);
  CHECK(c.probes[0].interval == 1min);
  CHECK(c.probes[0].timeout == 20s);
  CHECK(c.probes[0].interval_when_failing == 5s);
}

TEST_CASE("an unset global scrape_timeout is 10s capped at scrape_interval") {
  CHECK(parse_ok("global: {scrape_interval: 1m}").global.scrape_timeout == 10s);
  CHECK(parse_ok("global: {scrape_interval: 5s}").global.scrape_timeout == 5s);
}

TEST_CASE("a key with no value keeps its default") {
  Config c = parse_ok("web:\nstorage:\n  retention:\nservices:\n");
  CHECK(c.web.listen_address == "127.0.0.1:9464");
  CHECK(c.storage.retention == 30 * 24h);
  CHECK(c.services.empty());
}

TEST_CASE("the sample window keeps 1h unless storage.window_retention says otherwise") {
  CHECK(parse_ok("services:\n").storage.window_retention == 1h);
  CHECK(parse_ok("storage: {window_retention: 7d}\n").storage.window_retention == 7 * 24h);
}

TEST_CASE("file paths are resolved against the config file's directory") {
  Config c = parse_ok(spec_example_with_feed_service(), "/etc/vitals/vitals.yml");
  CHECK(c.rule_files[0].pattern == "alerts/*.yml");
  CHECK(c.rule_files[0].path == "/etc/vitals/alerts/*.yml");
  CHECK(c.web.admin_token_file == "/etc/vitals/secrets/admin-token");
  CHECK(c.alerting.receivers[1].pagerduty_configs[0].routing_key_file == "/etc/vitals/secrets/pd");
  CHECK(c.storage.path == "data/vitals.db");  // like --storage.path, relative to the working dir
}

TEST_CASE("values remember where in the file they were written") {
  Config c = parse_ok(spec_example_with_feed_service());
  auto at = vitals::location_of(c, "services[0].depends_on[0]");
  REQUIRE(at.has_value());
  CHECK(at->file == "vitals.yml");
  CHECK(at->line == 20);
  CHECK(at->column == 18);
  CHECK(c.rule_files[0].where.line == 38);
  CHECK(c.rule_files[0].where.column == 14);
  CHECK(vitals::location_of(c, "web.admin_token_file")->line == 11);
  CHECK_FALSE(vitals::location_of(c, "web.no_such_key").has_value());
}

TEST_CASE("loading a missing file is NotFound and names the file") {
  vitals::testing::TempDir dir;
  std::string path = dir.file("absent.yml");
  auto config = load_config(path);
  REQUIRE_FALSE(config);
  CHECK(config.error().code == vitals::ErrorCode::NotFound);
  CHECK(config.error().message ==
        "cannot read config file \"" + path + "\": No such file or directory");
}

TEST_CASE("loading a directory is refused with the directory's name") {
  vitals::testing::TempDir dir;
  auto config = load_config(dir.path().string());
  REQUIRE_FALSE(config);
  CHECK(config.error().code == vitals::ErrorCode::Unavailable);
  CHECK(config.error().message.find(dir.path().string()) != std::string::npos);
}

TEST_CASE("a config written to a file loads back with paths relative to it") {
  vitals::testing::TempDir dir;
  std::string path = dir.write_file("vitals.yml", spec_example_with_feed_service());
  auto config = load_config(path);
  REQUIRE_MESSAGE(config, vitals::testing::why(config));
  CHECK(config->source_file == path);
  CHECK(config->services[0].name == "card-service");
  CHECK(config->rule_files[0].path == dir.file("alerts/*.yml"));
  CHECK(config->services[0].where.file == path);
}

TEST_CASE("an error in a loaded file names the file, line and column") {
  vitals::testing::TempDir dir;
  std::string path = dir.write_file("bad.yml", "global:\n  scrape_interval: soon\n");
  auto config = load_config(path);
  REQUIRE_FALSE(config);
  CHECK(to_string(config.error()) ==
        path + ":2:20: global.scrape_interval: expected a duration like 15s, got \"soon\"");
}

TEST_CASE("a service's bearer authorization is read, its file resolved like other paths") {
  Config c = parse_ok(R"(services:
  - name: cards
    health_url: http://127.0.0.1:8081/health
    authorization: {credentials_file: secrets/cards-token}
  - name: feed
    health_url: http://127.0.0.1:8082/health
    authorization: {type: Bearer, credentials: s3cret}
)",
                      "/etc/vitals/vitals.yml");
  REQUIRE(c.services[0].authorization.has_value());
  CHECK(c.services[0].authorization->credentials_file == "/etc/vitals/secrets/cards-token");
  CHECK(c.services[1].authorization->credentials == "s3cret");
}

TEST_CASE("authorization needs exactly one secret, and only the Bearer type") {
  std::string head = "services:\n  - name: a\n    health_url: http://127.0.0.1:1/health\n";
  CHECK(error_of(head + "    authorization: {}\n") ==
        "vitals.yml:4:20: services[0].authorization: needs exactly one of credentials, "
        "credentials_file");
  CHECK(error_of(head + "    authorization: {type: Basic, credentials: x}\n") ==
        "vitals.yml:4:27: services[0].authorization.type: only Bearer is supported, got \"Basic\"");
}

TEST_CASE("a target is the same across a reload unless what it runs changed") {
  Config before = parse_ok(spec_example_with_feed_service());
  Config after = parse_ok("\n\n" + spec_example_with_feed_service());  // everything moved down
  REQUIRE(before.services[0].where.line != after.services[0].where.line);
  CHECK(vitals::same_target(before.services[0], after.services[0]));
  CHECK(vitals::same_target(before.probes[0], after.probes[0]));
  after.probes[0].timeout += 1s;
  CHECK_FALSE(vitals::same_target(before.probes[0], after.probes[0]));
  std::get<vitals::HttpProbe>(after.probes[0].kind).url += "x";
  after.probes[0].timeout -= 1s;
  CHECK_FALSE(vitals::same_target(before.probes[0], after.probes[0]));
}

TEST_CASE("the API's rate limit is read, and refused when it makes no sense") {
  Config c = parse_ok("web: {api_rate_limit: {requests_per_second: 0, burst: 5}}\n");
  CHECK(c.web.api_requests_per_second == 0);
  CHECK(c.web.api_burst == 5);
  CHECK(vitals::testing::error_of("web:\n  api_rate_limit: {requests_per_second: -1}\n") ==
        "vitals.yml:2:41: web.api_rate_limit.requests_per_second: must be 0 (no limit) or more");
  CHECK(vitals::testing::error_of("web:\n  api_rate_limit: {burst: 0.5}\n") ==
        "vitals.yml:2:27: web.api_rate_limit.burst: must be at least 1");
}
