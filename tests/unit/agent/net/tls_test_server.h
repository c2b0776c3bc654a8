// A certificate made with the openssl CLI in a test's temp dir, and `openssl s_server` serving
// it on 127.0.0.1, so HTTPS transfers and the TLS probe meet a real TLS peer. Test thread only;
// the server process is always stopped with the object.
#pragma once

#include <doctest/doctest.h>

#include <regex>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/why.h"

namespace vitals::testing {

struct TestCertificate {
  std::string cert_file{};  // PEM; self-signed, so it is also the CA to trust
  std::string key_file{};
};

// A self-signed certificate for CN=localhost (SAN localhost and 127.0.0.1), valid for `days`.
inline TestCertificate make_self_signed(const TempDir& dir, int days) {
  TestCertificate cert{dir.file("cert.pem"), dir.file("key.pem")};
  auto openssl =
      Process::spawn("/usr/bin/openssl",
                     {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                      "-nodes", "-days", std::to_string(days), "-subj", "/CN=localhost", "-addext",
                      "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", cert.key_file, "-out",
                      cert.cert_file});
  REQUIRE_MESSAGE(openssl, vitals::testing::why(openssl));
  auto status = openssl->wait_exit(std::chrono::seconds(20));
  REQUIRE_MESSAGE(status, vitals::testing::why(status));
  REQUIRE_MESSAGE(status->exited_with(0), "openssl req: " << to_string(*status));
  return cert;
}

// `openssl s_server -www` on 127.0.0.1 and a port the kernel picks: it completes handshakes
// and answers any HTTP request with a status page.
class TlsTestServer {
 public:
  explicit TlsTestServer(const TestCertificate& cert) : process_(start(cert)) {
    auto accept = process_.wait_for_match(std::regex(R"(ACCEPT 127\.0\.0\.1:(\d+))"),
                                          std::chrono::seconds(10));
    REQUIRE_MESSAGE(accept, vitals::testing::why(accept));
    port_ = std::stoi((*accept)[1]);
  }
  ~TlsTestServer() { process_.terminate(std::chrono::seconds(2)); }
  TlsTestServer(const TlsTestServer&) = delete;
  TlsTestServer& operator=(const TlsTestServer&) = delete;

  int port() const { return port_; }

 private:
  static Process start(const TestCertificate& cert) {
    auto process =
        Process::spawn("/usr/bin/openssl", {"s_server", "-accept", "127.0.0.1:0", "-cert",
                                            cert.cert_file, "-key", cert.key_file, "-www"});
    REQUIRE_MESSAGE(process, vitals::testing::why(process));
    return std::move(*process);
  }

  Process process_;
  int port_ = 0;
};

}  // namespace vitals::testing
