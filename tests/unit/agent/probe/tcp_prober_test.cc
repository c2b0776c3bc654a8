// The TCP prober against real loopback servers.
#include <doctest/doctest.h>

#include "agent/probe/prober.h"
#include "tests/unit/agent/probe/probe_test_servers.h"
#include "tests/unit/agent/probe/run_probe.h"

using namespace std::chrono_literals;
using vitals::FailureReason;
using vitals::NetLoop;
using vitals::ProbeResult;
using vitals::TcpProbe;
using vitals::testing::probe_config;
using vitals::testing::run_probe;
using vitals::testing::TcpTestServer;

namespace {

ProbeResult probe(NetLoop& loop, TcpProbe tcp, vitals::Duration timeout = 2s) {
  auto prober = vitals::make_prober(probe_config(std::move(tcp), timeout), loop);
  return run_probe(loop, *prober, timeout);
}

}  // namespace

TEST_CASE("a tcp probe of a listening port succeeds once connected") {
  TcpTestServer server(TcpTestServer::Mode::BannerThenEcho, "hello\n");
  NetLoop loop(vitals::real_clock());
  ProbeResult r = probe(loop, TcpProbe{.address = server.address()});
  CHECK_MESSAGE(r.success, r.error);
  CHECK(r.phases.resolve >= vitals::Duration{0});
  CHECK(r.phases.connect > vitals::Duration{0});
}

TEST_CASE("a tcp port with nothing listening fails with Connect") {
  int port = 0;
  {
    TcpTestServer gone(TcpTestServer::Mode::CloseAfterRead);
    port = gone.port();
  }
  NetLoop loop(vitals::real_clock());
  ProbeResult r = probe(loop, TcpProbe{.address = "127.0.0.1:" + std::to_string(port)});
  CHECK(r.reason == FailureReason::Connect);
  CHECK_MESSAGE(r.error.find("Connection refused") != std::string::npos, r.error);
}

TEST_CASE("a tcp banner matching expect_regex succeeds") {
  TcpTestServer server(TcpTestServer::Mode::BannerThenEcho, "SSH-2.0-test\r\n");
  NetLoop loop(vitals::real_clock());
  ProbeResult r = probe(loop, TcpProbe{.address = server.address(), .expect_regex = "^SSH-2\\.0"});
  CHECK_MESSAGE(r.success, r.error);
  CHECK(r.phases.processing > vitals::Duration{0});
}

TEST_CASE("a tcp probe sends its line and matches the reply") {
  TcpTestServer server(TcpTestServer::Mode::BannerThenEcho);
  NetLoop loop(vitals::real_clock());
  ProbeResult r = probe(
      loop,
      TcpProbe{.address = server.address(), .send = "PING 42\n", .expect_regex = "PING \\d+"});
  CHECK_MESSAGE(r.success, r.error);
}

TEST_CASE("a tcp peer closing before the reply matches fails with Expectation") {
  TcpTestServer server(TcpTestServer::Mode::CloseAfterRead);
  NetLoop loop(vitals::real_clock());
  ProbeResult r =
      probe(loop, TcpProbe{.address = server.address(), .send = "HELLO\n", .expect_regex = "OK"});
  CHECK(r.reason == FailureReason::Expectation);
  CHECK_MESSAGE(r.error == "connection closed before the reply matched /OK/ (received \"\")",
                r.error);
}

TEST_CASE("a tcp reply that never matches fails with Expectation at the deadline") {
  TcpTestServer server(TcpTestServer::Mode::BannerThenEcho, "220 ready\n");
  NetLoop loop(vitals::real_clock());
  ProbeResult r = probe(loop, TcpProbe{.address = server.address(), .expect_regex = "^SSH"}, 300ms);
  CHECK(r.reason == FailureReason::Expectation);
  CHECK_MESSAGE(r.error == "no match for /^SSH/ (received \"220 ready\\n\") in time", r.error);
  CHECK(r.duration >= 290ms);
}

TEST_CASE("a tcp probe resolves a host name from the hosts file without blocking") {
  TcpTestServer server(TcpTestServer::Mode::BannerThenEcho, "hi\n");
  NetLoop loop(vitals::real_clock());
  ProbeResult r = probe(loop, TcpProbe{.address = "localhost:" + std::to_string(server.port()),
                                       .expect_regex = "hi"});
  CHECK_MESSAGE(r.success, r.error);
  CHECK(server.connections() == 1);
}

TEST_CASE("a tcp address without a port fails with Resolve") {
  NetLoop loop(vitals::real_clock());
  ProbeResult r = probe(loop, TcpProbe{.address = "127.0.0.1"});
  CHECK(r.reason == FailureReason::Resolve);
  CHECK(r.error == "bad address 127.0.0.1");
}

TEST_CASE("a probe object runs again after it finished") {
  TcpTestServer server(TcpTestServer::Mode::BannerThenEcho, "x\n");
  NetLoop loop(vitals::real_clock());
  auto prober = vitals::make_prober(probe_config(TcpProbe{.address = server.address()}), loop);
  for (int i = 0; i < 3; ++i) CHECK(run_probe(loop, *prober, 2s).success);
  CHECK(server.connections() == 3);
}
