// The TLS prober (and the HTTP prober over https) against `openssl s_server` with a fresh
// self-signed certificate. The probers trust OpenSSL's default store; SSL_CERT_FILE points it
// at the test's certificate.
#include <doctest/doctest.h>
#include <stdlib.h>

#include "agent/probe/prober.h"
#include "tests/support/fake_clock.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/agent/net/tls_test_server.h"
#include "tests/unit/agent/probe/probe_test_servers.h"
#include "tests/unit/agent/probe/run_probe.h"

using namespace std::chrono_literals;
using vitals::FailureReason;
using vitals::NetLoop;
using vitals::ProbeResult;
using vitals::TlsProbe;
using vitals::testing::probe_config;
using vitals::testing::run_probe;

namespace {

// Sets SSL_CERT_FILE for the scope of a test, so OpenSSL trusts exactly `file`.
class TrustOnly {
 public:
  explicit TrustOnly(const std::string& file) { ::setenv("SSL_CERT_FILE", file.c_str(), 1); }
  ~TrustOnly() { ::unsetenv("SSL_CERT_FILE"); }
  TrustOnly(const TrustOnly&) = delete;
  TrustOnly& operator=(const TrustOnly&) = delete;
};

// A certificate valid for three more days, served on 127.0.0.1.
struct ExpiringServer {
  vitals::testing::TempDir dir{};
  vitals::testing::TestCertificate cert = vitals::testing::make_self_signed(dir, 3);
  vitals::testing::TlsTestServer server{cert};

  std::string address() const { return "127.0.0.1:" + std::to_string(server.port()); }
};

ProbeResult probe(NetLoop& loop, TlsProbe tls) {
  auto prober = vitals::make_prober(probe_config(std::move(tls)), loop);
  return run_probe(loop, *prober, 5s);
}

vitals::Duration left(const ProbeResult& r) {
  REQUIRE(r.cert_expiry);
  return *r.cert_expiry - std::chrono::system_clock::now();
}

}  // namespace

TEST_CASE("a certificate expiring within min_days_left fails with Certificate") {
  ExpiringServer target;
  TrustOnly trust(target.cert.cert_file);
  NetLoop loop(vitals::real_clock());
  ProbeResult r = probe(
      loop, TlsProbe{.address = target.address(), .server_name = "localhost", .min_days_left = 14});
  CHECK(r.reason == FailureReason::Certificate);
  CHECK_MESSAGE(r.error.starts_with("certificate expires in 3.0 days"), r.error);
  CHECK(left(r) > 71h);
  CHECK(left(r) <= 72h);
  CHECK(r.phases.tls > vitals::Duration{0});
}

TEST_CASE("a trusted certificate with enough days left passes, by name or by IP address") {
  ExpiringServer target;
  TrustOnly trust(target.cert.cert_file);
  NetLoop loop(vitals::real_clock());
  ProbeResult by_name = probe(
      loop,
      TlsProbe{.address = "localhost:" + std::to_string(target.server.port()), .min_days_left = 2});
  CHECK_MESSAGE(by_name.success, by_name.error);
  CHECK(left(by_name) > 71h);
  // No server_name: the address's host, here an IP address, checked against the IP SAN.
  ProbeResult by_ip = probe(loop, TlsProbe{.address = target.address(), .min_days_left = 2});
  CHECK_MESSAGE(by_ip.success, by_ip.error);
}

TEST_CASE("an untrusted certificate fails with Tls") {
  ExpiringServer target;  // self-signed, and SSL_CERT_FILE is not set: the system store
  NetLoop loop(vitals::real_clock());
  ProbeResult r = probe(loop, TlsProbe{.address = target.address(), .server_name = "localhost"});
  CHECK(r.reason == FailureReason::Tls);
  CHECK_MESSAGE(r.error.find("self-signed certificate") != std::string::npos, r.error);
  CHECK(r.cert_expiry);  // read all the same
}

TEST_CASE("a certificate for another host name fails with Tls") {
  ExpiringServer target;
  TrustOnly trust(target.cert.cert_file);
  NetLoop loop(vitals::real_clock());
  ProbeResult r = probe(loop, TlsProbe{.address = target.address(),
                                       .server_name = "other.example.test",
                                       .min_days_left = 1});
  CHECK(r.reason == FailureReason::Tls);
  CHECK_MESSAGE(r.error.find("hostname mismatch") != std::string::npos, r.error);
}

TEST_CASE("an expired certificate fails with Certificate, judged by the injected clock") {
  ExpiringServer target;
  TrustOnly trust(target.cert.cert_file);
  vitals::testing::FakeClock clock;
  clock.set_wall(std::chrono::system_clock::now() + std::chrono::days(10));
  NetLoop loop(clock);
  ProbeResult r = probe(loop, TlsProbe{.address = target.address(), .min_days_left = 1});
  CHECK(r.reason == FailureReason::Certificate);
  CHECK_MESSAGE(r.error == "certificate verify failed: certificate has expired", r.error);
}

TEST_CASE("a server that does not speak TLS fails with Tls") {
  vitals::testing::TcpTestServer server(vitals::testing::TcpTestServer::Mode::BannerThenEcho,
                                        "220 smtp ready\r\n");
  NetLoop loop(vitals::real_clock());
  ProbeResult r = probe(loop, TlsProbe{.address = server.address()});
  CHECK(r.reason == FailureReason::Tls);
  CHECK_MESSAGE(r.error.starts_with("TLS handshake: "), r.error);
}

TEST_CASE("a tls port with nothing listening fails with Connect") {
  int port = 0;
  {
    vitals::testing::TcpTestServer gone(vitals::testing::TcpTestServer::Mode::CloseAfterRead);
    port = gone.port();
  }
  NetLoop loop(vitals::real_clock());
  ProbeResult r = probe(loop, TlsProbe{.address = "127.0.0.1:" + std::to_string(port)});
  CHECK(r.reason == FailureReason::Connect);
}

TEST_CASE("an https probe reports the certificate expiry and a tls phase") {
  ExpiringServer target;
  NetLoop loop(vitals::real_clock());
  auto prober =
      vitals::make_prober(probe_config(vitals::HttpProbe{.url = "https://" + target.address() + "/",
                                                         .tls_verify = false}),
                          loop);
  ProbeResult r = run_probe(loop, *prober, 5s);
  CHECK_MESSAGE(r.success, r.error);
  CHECK(r.http_status == 200);
  CHECK(left(r) > 71h);
  CHECK(r.phases.tls > vitals::Duration{0});
}

TEST_CASE("an https probe trusts the same store as the tls probe") {
  ExpiringServer target;
  TrustOnly trust(target.cert.cert_file);
  NetLoop loop(vitals::real_clock());
  auto prober = vitals::make_prober(
      probe_config(vitals::HttpProbe{
          .url = "https://localhost:" + std::to_string(target.server.port()) + "/"}),
      loop);
  ProbeResult r = run_probe(loop, *prober, 5s);
  CHECK_MESSAGE(r.success, r.error);
}

TEST_CASE("an https probe of an untrusted certificate fails with Tls") {
  ExpiringServer target;
  NetLoop loop(vitals::real_clock());
  auto prober = vitals::make_prober(
      probe_config(vitals::HttpProbe{.url = "https://" + target.address() + "/"}), loop);
  ProbeResult r = run_probe(loop, *prober, 5s);
  CHECK(r.reason == FailureReason::Tls);
}
