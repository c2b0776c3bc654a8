// The DNS prober against a tiny UDP responder on loopback. The answers are only data: no
// traffic goes to 10.1.2.3.
#include <doctest/doctest.h>

#include "agent/probe/prober.h"
#include "tests/unit/agent/probe/probe_test_servers.h"
#include "tests/unit/agent/probe/run_probe.h"

using namespace std::chrono_literals;
using vitals::DnsProbe;
using vitals::DnsRecordType;
using vitals::FailureReason;
using vitals::NetLoop;
using vitals::ProbeResult;
using vitals::testing::DnsTestServer;
using vitals::testing::probe_config;
using vitals::testing::run_probe;

namespace {

ProbeResult probe(NetLoop& loop, DnsProbe dns, vitals::Duration timeout = 2s) {
  auto prober = vitals::make_prober(probe_config(std::move(dns), timeout), loop);
  return run_probe(loop, *prober, timeout);
}

}  // namespace

TEST_CASE("a dns probe gets an A answer from the configured server") {
  DnsTestServer server(DnsTestServer::Mode::Answer);
  NetLoop loop(vitals::real_clock());
  ProbeResult r = probe(loop, DnsProbe{.name = "api.example.test",
                                       .server = server.address(),
                                       .expect_regex = "^10\\.1\\.2\\.3$"});
  CHECK_MESSAGE(r.success, r.error);
  CHECK(r.phases.resolve > vitals::Duration{0});
  CHECK(server.queries() == 1);
}

TEST_CASE("a dns answer not matching expect_regex fails with Expectation") {
  DnsTestServer server(DnsTestServer::Mode::Answer);
  NetLoop loop(vitals::real_clock());
  ProbeResult r = probe(loop, DnsProbe{.name = "api.example.test",
                                       .server = server.address(),
                                       .expect_regex = "^10\\.9\\."});
  CHECK(r.reason == FailureReason::Expectation);
  CHECK(r.error == "A api.example.test: answer \"10.1.2.3\" does not match /^10\\.9\\./");
}

TEST_CASE("a dns server that never answers fails with Timeout") {
  DnsTestServer server(DnsTestServer::Mode::Silent);
  NetLoop loop(vitals::real_clock());
  ProbeResult r =
      probe(loop, DnsProbe{.name = "api.example.test", .server = server.address()}, 300ms);
  CHECK(r.reason == FailureReason::Timeout);
  CHECK(r.duration >= 250ms);
  CHECK(server.queries() >= 1);
}

TEST_CASE("a name the server does not know fails with Resolve") {
  DnsTestServer server(DnsTestServer::Mode::Answer);
  NetLoop loop(vitals::real_clock());
  ProbeResult nx =
      probe(loop, DnsProbe{.name = "missing.example.test", .server = server.address()});
  CHECK(nx.reason == FailureReason::Resolve);
  CHECK_MESSAGE(nx.error.starts_with("A missing.example.test: "), nx.error);
  ProbeResult no_mx = probe(loop, DnsProbe{.name = "api.example.test",
                                           .server = server.address(),
                                           .record = DnsRecordType::Mx});
  CHECK(no_mx.reason == FailureReason::Resolve);
  CHECK_MESSAGE(no_mx.error.starts_with("MX api.example.test: "), no_mx.error);
}

TEST_CASE("a dns server that is not an IP address and port fails with Resolve") {
  NetLoop loop(vitals::real_clock());
  ProbeResult r =
      probe(loop, DnsProbe{.name = "api.example.test", .server = "dns.example.test:53"});
  CHECK(r.reason == FailureReason::Resolve);
  CHECK_MESSAGE(r.error.starts_with("DNS server \"dns.example.test:53\""), r.error);
}

TEST_CASE("a dns probe object queries again on every start") {
  DnsTestServer server(DnsTestServer::Mode::Answer);
  NetLoop loop(vitals::real_clock());
  auto prober = vitals::make_prober(
      probe_config(DnsProbe{.name = "api.example.test", .server = server.address()}), loop);
  for (int i = 0; i < 3; ++i) CHECK(run_probe(loop, *prober, 2s).success);
  CHECK(server.queries() == 3);
}

TEST_CASE("a dns server port with nothing listening fails at once with Resolve") {
  std::string address;
  {
    DnsTestServer gone(DnsTestServer::Mode::Silent);
    address = gone.address();
  }
  NetLoop loop(vitals::real_clock());
  // The ICMP "port unreachable" shows only as POLLERR on c-ares' socket; it must reach c-ares
  // rather than leave the loop spinning until the deadline.
  ProbeResult r = probe(loop, DnsProbe{.name = "api.example.test", .server = address}, 2s);
  CHECK_MESSAGE(r.reason == FailureReason::Resolve, r.error);
  CHECK(r.duration < 1s);
}
