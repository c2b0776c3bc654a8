#include "agent/expose/target_series.h"

#include <doctest/doctest.h>

#include <string>

#include "tests/unit/agent/expose/sample_snapshot.h"

namespace {

using vitals::testing::count_lines;
using vitals::testing::value_of;

std::string render(const vitals::AgentSnapshot& snapshot) {
  vitals::Exposition out;
  vitals::write_target_series(out, snapshot);
  return out.text();
}

const std::string kText = render(vitals::testing::sample_snapshot());

}  // namespace

TEST_CASE("every family appears once, as a gauge with help") {
  for (const char* family :
       {"vitals_service_health", "vitals_check_up", "vitals_check_critical",
        "vitals_check_duration_seconds", "probe_success", "probe_duration_seconds",
        "probe_http_status_code", "probe_ssl_earliest_cert_expiry", "probe_failure_reason",
        "vitals_target_suppressed", "vitals_vantage_degraded"}) {
    CAPTURE(family);
    CHECK(count_lines(kText, std::string("# HELP ") + family + " ") == 1);
    CHECK(count_lines(kText, std::string("# TYPE ") + family + " gauge") == 1);
  }
  CHECK(count_lines(kText, "# TYPE ") == 11);
}

TEST_CASE("service health is 1, 0.5 and 0, and absent while the service is unknown") {
  CHECK(value_of(kText, R"(vitals_service_health{service="card-service",team="cards"})") == 1);
  CHECK(value_of(kText, R"(vitals_service_health{service="feed-service"})") == 0.5);
  CHECK(value_of(kText, R"(vitals_service_health{service="ledger"})") == 0);
  CHECK(count_lines(kText, R"(vitals_service_health{service="audit")") == 0);
}

TEST_CASE("a check is up only while healthy, with its duration and the service's labels") {
  CHECK(value_of(kText, R"(vitals_check_up{service="card-service",check="db",team="cards"})") == 1);
  CHECK(value_of(kText, R"(vitals_check_up{service="card-service",check="fraud",team="cards"})") ==
        0);
  CHECK(value_of(kText, R"(vitals_check_up{service="feed-service",check="queue"})") == 0);
  CHECK(value_of(kText, R"(vitals_check_up{service="feed-service",check="lag"})") == 0);
  CHECK(value_of(
            kText,
            R"(vitals_check_duration_seconds{service="card-service",check="db",team="cards"})") ==
        0.012);
  CHECK(value_of(kText, R"(vitals_check_duration_seconds{service="feed-service",check="queue"})") ==
        1.5);
}

TEST_CASE("a check says whether it is critical, as the service reports it") {
  CHECK(value_of(kText,
                 R"(vitals_check_critical{service="card-service",check="db",team="cards"})") == 1);
  CHECK(value_of(kText,
                 R"(vitals_check_critical{service="card-service",check="fraud",team="cards"})") ==
        0);
  CHECK(count_lines(kText, R"(vitals_check_critical{service="ledger")") == 0);
}

TEST_CASE("checks of an unreachable or unknown service are left out") {
  CHECK(count_lines(kText, R"(vitals_check_up{service="ledger")") == 0);
  CHECK(count_lines(kText, R"(vitals_check_duration_seconds{service="ledger")") == 0);
  CHECK(count_lines(kText, R"(vitals_check_up{service="audit")") == 0);
}

TEST_CASE("probe_success is 1 or 0 for every probe that ran, absent for one that has not") {
  CHECK(value_of(kText, R"(probe_success{probe="card-api",component="cards"})") == 1);
  CHECK(value_of(kText, R"(probe_success{probe="broken-api"})") == 0);
  CHECK(value_of(kText, R"(probe_success{probe="db-port"})") == 1);
  CHECK(value_of(kText, R"(probe_success{probe="closed-port"})") == 0);
  CHECK(value_of(kText, R"(probe_success{probe="public-cert"})") == 1);
  CHECK(value_of(kText, R"(probe_success{probe="expired-cert"})") == 0);
  CHECK(value_of(kText, R"(probe_success{probe="api-dns"})") == 1);
  CHECK(value_of(kText, R"(probe_success{probe="bad-dns"})") == 0);
  CHECK(count_lines(kText, "probe_success{") == 10);
  CHECK(count_lines(kText, R"(probe_success{probe="pending-api")") == 0);
}

TEST_CASE("probe_duration_seconds has the five blackbox phases for every probe that ran") {
  CHECK(value_of(kText,
                 R"(probe_duration_seconds{probe="card-api",phase="resolve",component="cards"})") ==
        0.001);
  CHECK(value_of(kText,
                 R"(probe_duration_seconds{probe="card-api",phase="connect",component="cards"})") ==
        0.002);
  CHECK(value_of(kText,
                 R"(probe_duration_seconds{probe="card-api",phase="tls",component="cards"})") ==
        0.03);
  CHECK(value_of(
            kText,
            R"(probe_duration_seconds{probe="card-api",phase="processing",component="cards"})") ==
        0.08);
  CHECK(
      value_of(kText,
               R"(probe_duration_seconds{probe="card-api",phase="transfer",component="cards"})") ==
      0.007);
  CHECK(value_of(kText, R"(probe_duration_seconds{probe="db-port",phase="connect"})") == 0.001);
  CHECK(value_of(kText, R"(probe_duration_seconds{probe="db-port",phase="tls"})") == 0);
  CHECK(count_lines(kText, "probe_duration_seconds{") == 10 * 5);
}

TEST_CASE("probe_http_status_code is for http probes only, 0 when no response came") {
  CHECK(value_of(kText, R"(probe_http_status_code{probe="card-api",component="cards"})") == 200);
  CHECK(value_of(kText, R"(probe_http_status_code{probe="broken-api"})") == 500);
  CHECK(value_of(kText, R"(probe_http_status_code{probe="down-api"})") == 0);
  CHECK(value_of(kText, R"(probe_http_status_code{probe="slow-api"})") == 0);
  CHECK(count_lines(kText, "probe_http_status_code{") == 4);
}

TEST_CASE("probe_ssl_earliest_cert_expiry is in Unix seconds, only where a certificate was seen") {
  CHECK(value_of(kText, R"(probe_ssl_earliest_cert_expiry{probe="card-api",component="cards"})") ==
        1790000000);
  CHECK(value_of(kText, R"(probe_ssl_earliest_cert_expiry{probe="public-cert"})") == 1790000000);
  CHECK(value_of(kText, R"(probe_ssl_earliest_cert_expiry{probe="expired-cert"})") == 1700000000);
  CHECK(count_lines(kText, "probe_ssl_earliest_cert_expiry{") == 3);
}

TEST_CASE("probe_failure_reason has all eight reasons, 1 only for the current failure's") {
  const char* reasons[] = {"resolve", "connect", "tls",         "timeout",
                           "status",  "body",    "expectation", "certificate"};
  auto reason_of = [&](const char* probe) {
    std::string found;
    for (const char* reason : reasons) {
      auto value = value_of(kText, std::string("probe_failure_reason{probe=\"") + probe +
                                       "\",reason=\"" + reason + "\"}");
      REQUIRE_MESSAGE(value, probe << " has no reason=" << reason);
      if (*value == 1) found += reason;
    }
    return found;
  };
  CHECK(reason_of("broken-api") == "status");
  CHECK(reason_of("down-api") == "connect");
  CHECK(reason_of("closed-port") == "connect");
  CHECK(reason_of("expired-cert") == "certificate");
  CHECK(reason_of("bad-dns") == "resolve");
  CHECK(reason_of("slow-api") == "timeout");
  CHECK(reason_of("db-port").empty());
  CHECK(count_lines(kText, "probe_failure_reason{") == 10 * 8);
  CHECK(count_lines(kText, R"(probe_failure_reason{probe="pending-api")") == 0);
  CHECK(count_lines(kText, R"(probe_duration_seconds{probe="pending-api")") == 0);
  CHECK(count_lines(kText, R"(probe_http_status_code{probe="pending-api")") == 0);
}

TEST_CASE("suppression is 0 or 1 for every service and probe, and vantage degraded is global") {
  CHECK(value_of(kText, R"(vitals_target_suppressed{service="card-service",team="cards"})") == 0);
  CHECK(value_of(kText, R"(vitals_target_suppressed{service="audit"})") == 1);
  CHECK(value_of(kText, R"(vitals_target_suppressed{probe="pending-api"})") == 0);
  CHECK(count_lines(kText, "vitals_target_suppressed{") == 4 + 11);
  CHECK(value_of(kText, "vitals_vantage_degraded") == 1);
}

TEST_CASE("targets come in config order") {
  CHECK(kText.find(R"(probe_success{probe="card-api")") <
        kText.find(R"(probe_success{probe="broken-api")"));
  CHECK(kText.find(R"(probe_success{probe="broken-api")") <
        kText.find(R"(probe_success{probe="api-dns")"));
  CHECK(kText.find(R"(vitals_target_suppressed{service="ledger")") <
        kText.find(R"(vitals_target_suppressed{service="audit")"));
  CHECK(kText.find(R"(vitals_target_suppressed{service="audit")") <
        kText.find(R"(vitals_target_suppressed{probe="card-api")"));
  CHECK(render(vitals::testing::sample_snapshot()) == kText);
}

TEST_CASE("a configured label never overrides the series' own labels") {
  vitals::AgentSnapshot snapshot;
  snapshot.services = {vitals::testing::service(
      "card-service", "healthy", {vitals::CheckView{.name = "db", .status = "healthy"}},
      {{"check", "forged"}, {"service", "forged"}, {"team", "cards"}, {"__hidden", "x"}})};
  snapshot.probes = {vitals::testing::probe(
      "card-api", "http", vitals::ProbeResult{.success = true, .http_status = 200},
      {{"probe", "forged"}, {"phase", "forged"}, {"reason", "forged"}, {"zone", "a"}})};
  std::string text = render(snapshot);
  CHECK(text.find("forged") == std::string::npos);
  CHECK(text.find("__hidden") == std::string::npos);
  CHECK(value_of(text, R"(vitals_check_up{service="card-service",check="db",team="cards"})") == 1);
  // The probe's other labels are the same on every series, including those without phase.
  CHECK(value_of(text, R"(probe_success{probe="card-api",zone="a"})") == 1);
  CHECK(value_of(text, R"(probe_duration_seconds{probe="card-api",phase="tls",zone="a"})") == 0);
  CHECK(value_of(text, R"(probe_failure_reason{probe="card-api",reason="tls",zone="a"})") == 0);
}

TEST_CASE("an empty snapshot exports only vitals_vantage_degraded") {
  std::string text = render(vitals::AgentSnapshot{});
  CHECK(text ==
        "# HELP vitals_vantage_degraded Whether most probes fail at once, so the agent suspects "
        "its own network.\n"
        "# TYPE vitals_vantage_degraded gauge\n"
        "vitals_vantage_degraded 0\n");
}
