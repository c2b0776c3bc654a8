// Each kind of mistake in vitals.yml, with the exact file:line:col it is reported at.
#include <doctest/doctest.h>

#include "tests/unit/agent/config/config_test_support.h"

using vitals::testing::error_of;

namespace {

// A valid service entry at line 2, column 5; tests append its further keys.
const std::string kService =
    "services:\n"
    "  - name: card\n"
    "    health_url: http://127.0.0.1:8081/health\n";

}  // namespace

TEST_CASE("an unknown top-level key is reported at the key") {
  CHECK(error_of("global: {}\nglobl: {}\n") ==
        "vitals.yml:2:1: unknown key \"globl\" at top level");
}

TEST_CASE("an unknown key in a service is reported at the key with the service's path") {
  CHECK(error_of(kService + "    intervall: 5s\n") ==
        "vitals.yml:4:5: unknown key \"intervall\" in services[0]");
}

TEST_CASE("an unknown key inside a flow mapping is reported at the key") {
  CHECK(error_of("probes:\n"
                 "  - name: web\n"
                 "    http: {url: http://web/, expect: [200]}\n") ==
        "vitals.yml:3:30: unknown key \"expect\" in probes[0].http");
  CHECK(error_of("alerting:\n  route: {receiver: a, routes: [{reciever: b}]}\n") ==
        "vitals.yml:2:34: unknown key \"reciever\" in alerting.route.routes[0]");
}

TEST_CASE("a key given twice is reported at the second one") {
  CHECK(error_of("storage:\n  path: a.db\n  path: b.db\n") ==
        "vitals.yml:3:3: duplicate key \"path\" in storage");
}

TEST_CASE("a value of the wrong type is reported at the value") {
  CHECK(error_of(kService + "    sample_limit: lots\n") ==
        "vitals.yml:4:19: services[0].sample_limit: expected a non-negative integer, got \"lots\"");
  CHECK(error_of(kService + "    depends_on: feed\n") ==
        "vitals.yml:4:17: services[0].depends_on: expected a list, got \"feed\"");
  CHECK(error_of("services:\n  - name: {first: card}\n") ==
        "vitals.yml:2:11: services[0].name: expected a string, got a mapping");
  CHECK(error_of("services:\n  - card\n") ==
        "vitals.yml:2:5: services[0]: expected a mapping, got \"card\"");
  CHECK(error_of("- global\n") == "vitals.yml:1:1: expected a mapping at top level, got a list");
  CHECK(error_of("probes:\n  - {name: p, http: {url: 'http://p/', tls_verify: maybe}}\n") ==
        "vitals.yml:2:52: probes[0].http.tls_verify: expected true or false, got \"maybe\"");
}

TEST_CASE("a bad duration is reported at the value with what was written") {
  CHECK(error_of(kService + "    interval: fast\n") ==
        "vitals.yml:4:15: services[0].interval: expected a duration like 15s, got \"fast\"");
  CHECK(error_of("global:\n  evaluation_interval: 15\n") ==
        "vitals.yml:2:24: global.evaluation_interval: expected a duration like 15s, got \"15\"");
  CHECK(error_of("global: {scrape_interval: 0s}\n") ==
        "vitals.yml:1:27: global.scrape_interval: must be greater than 0");
}

TEST_CASE("a bad URL is reported at the value with the reason") {
  CHECK(error_of("services:\n  - name: card\n    health_url: ftp://card/health\n") ==
        "vitals.yml:3:17: services[0].health_url: invalid URL \"ftp://card/health\": want an "
        "http:// or https:// URL");
  CHECK(error_of("alerting:\n  alertmanagers: [{url: 'http://:9093'}]\n") ==
        "vitals.yml:2:25: alerting.alertmanagers[0].url: invalid URL \"http://:9093\": it has no "
        "host");
}

TEST_CASE("a missing required key is reported at the entry that lacks it") {
  CHECK(error_of("services:\n  - health_url: http://card/health\n") ==
        "vitals.yml:2:5: missing required key \"name\" in services[0]");
  CHECK(error_of("probes:\n  - name: web\n    http:\n") ==
        "vitals.yml:3:5: missing required key \"url\" in probes[0].http");
  CHECK(error_of("services:\n  - name: card\n") ==
        "vitals.yml:2:5: services[0]: needs health_url, metrics_url or both");
}

TEST_CASE("a probe with two kinds is reported at the second kind") {
  CHECK(error_of("probes:\n"
                 "  - name: db\n"
                 "    tcp: {address: 'db:5432'}\n"
                 "    http: {url: 'http://db/'}\n") ==
        "vitals.yml:4:11: probes[0]: takes one of http, tcp, tls, dns, not both tcp and http");
}

TEST_CASE("a probe without a kind is reported at the probe") {
  CHECK(error_of("probes:\n  - name: db\n    interval: 5s\n") ==
        "vitals.yml:2:5: probes[0]: needs one of http, tcp, tls, dns");
}

TEST_CASE("a timeout longer than the interval is reported at the timeout") {
  CHECK(error_of(kService + "    interval: 5s\n    timeout: 10s\n") ==
        "vitals.yml:5:14: services[0].timeout: 10s is longer than the interval 5s");
  CHECK(error_of(kService + "    interval: 5s\n    interval_when_failing: 1m\n") ==
        "vitals.yml:5:28: services[0].interval_when_failing: 1m0s is longer than the interval 5s");
  CHECK(error_of("global:\n  scrape_interval: 15s\n  scrape_timeout: 1m\n") ==
        "vitals.yml:3:19: global.scrape_timeout: 1m0s is longer than scrape_interval 15s");
}

TEST_CASE("a sharding index out of range is reported at the index") {
  CHECK(error_of("sharding: {total: 2, index: 2}\n") ==
        "vitals.yml:1:29: sharding.index: 2 is out of range for total 2 (want 0 <= index < total)");
  CHECK(error_of("sharding: {total: 0}\n") ==
        "vitals.yml:1:19: sharding.total: must be at least 1");
  CHECK(error_of("sharding: {index: -1}\n") ==
        "vitals.yml:1:19: sharding.index: expected a non-negative integer, got \"-1\"");
}

TEST_CASE("a bad matcher is reported at the matcher") {
  CHECK(error_of("alerting:\n"
                 "  inhibit_rules: [{source_matchers: ['severity'], equal: [service]}]\n") ==
        "vitals.yml:2:38: alerting.inhibit_rules[0].source_matchers[0]: invalid matcher "
        "\"severity\": want name op \"value\" with op one of =, !=, =~, !~");
  CHECK(error_of("status_page:\n"
                 "  components:\n"
                 "    - name: Cards\n"
                 "      alert_matchers: ['team=~\"(cards\"']\n") ==
        "vitals.yml:4:24: status_page.components[0].alert_matchers[0]: invalid matcher "
        "\"team=~\"(cards\"\": regex: missing ): (cards");
}

TEST_CASE("a bad regex in a probe is reported at the regex with RE2's reason") {
  CHECK(error_of("probes:\n  - {name: p, tcp: {address: 'p:1', expect_regex: 'a[b'}}\n") ==
        "vitals.yml:2:51: probes[0].tcp.expect_regex: invalid regex \"a[b\": missing ]: [b");
}

TEST_CASE("a window retention shorter than PromQL's lookback is refused at its value") {
  CHECK(error_of("storage:\n  window_retention: 1m\n") ==
        "vitals.yml:2:21: storage.window_retention: must be at least 5m, PromQL's lookback");
}

TEST_CASE("a YAML syntax error is reported where the parser stopped") {
  CHECK(error_of("global: {scrape_interval: 15s\nstorage: {}\n") ==
        "vitals.yml:2:8: invalid YAML: end of map flow not found");
  CHECK(error_of("global:\n  scrape_interval: 15s\n scrape_timeout: 5s\n") ==
        "vitals.yml:3:2: invalid YAML: end of map not found");
}

TEST_CASE("bad label names, sizes, addresses and record types are reported at the value") {
  CHECK(error_of(kService + "    labels: {1team: cards}\n") ==
        "vitals.yml:4:14: services[0].labels: invalid label name \"1team\" (want "
        "[a-zA-Z_][a-zA-Z0-9_]*)");
  CHECK(error_of(kService + "    body_size_limit: 10 megabytes\n") ==
        "vitals.yml:4:22: services[0].body_size_limit: expected a size like 10MB, got \"10 "
        "megabytes\"");
  CHECK(error_of("probes:\n  - {name: p, tls: {address: example.test}}\n") ==
        "vitals.yml:2:30: probes[0].tls.address: expected host:port, got \"example.test\"");
  CHECK(error_of("probes:\n  - {name: p, dns: {name: a.test, record: any}}\n") ==
        "vitals.yml:2:43: probes[0].dns.record: expected one of A, AAAA, CNAME, MX, TXT, NS, SRV, "
        "PTR, got \"any\"");
  CHECK(error_of("global: {vantage_failing_fraction: 1.5}\n") ==
        "vitals.yml:1:36: global.vantage_failing_fraction: must be greater than 0 and at most 1");
  CHECK(error_of("status_page: {components: [{name: a, slo: 100}]}\n") ==
        "vitals.yml:1:43: status_page.components[0].slo: must be a percentage between 0 and 100, "
        "like 99.9");
}

TEST_CASE("receivers are checked the way Alertmanager checks them") {
  CHECK(error_of("alerting:\n"
                 "  route: {receiver: pd}\n"
                 "  receivers:\n"
                 "    - name: pd\n"
                 "      pagerduty_configs: [{send_resolved: false}]\n") ==
        "vitals.yml:5:27: alerting.receivers[0].pagerduty_configs[0]: needs routing_key or "
        "routing_key_file");
  CHECK(error_of("alerting:\n  receivers: [{name: a}]\n") ==
        "vitals.yml:2:14: alerting.receivers: receivers need an alerting.route to send to them");
  CHECK(error_of("alerting:\n  route: {matchers: ['a=\"b\"']}\n") ==
        "vitals.yml:2:10: missing required key \"receiver\" in alerting.route");
  CHECK(error_of("alerting:\n  route: {receiver: a, matchers: ['a=\"b\"']}\n  receivers: [{name: "
                 "a}]\n") ==
        "vitals.yml:2:34: alerting.route.matchers: the root route takes no "
        "matchers");
}
