// The HTTP prober against real loopback servers.
#include <doctest/doctest.h>

#include <condition_variable>
#include <mutex>

#include "agent/probe/prober.h"
#include "tests/support/loopback_http_server.h"
#include "tests/unit/agent/probe/probe_test_servers.h"
#include "tests/unit/agent/probe/run_probe.h"

using namespace std::chrono_literals;
using vitals::FailureReason;
using vitals::HttpProbe;
using vitals::NetLoop;
using vitals::ProbeResult;
using vitals::testing::LoopbackHttpServer;
using vitals::testing::probe_config;
using vitals::testing::run_probe;

namespace {

// Serves /ping ("pong"), /error (500), /missing (404) and /slow (held until released).
class Target {
 public:
  Target()
      : server_([this](httplib::Server& s) {
          s.Get("/ping", [](const auto&, auto& res) { res.set_content("pong", "text/plain"); });
          s.Get("/error", [](const auto&, auto& res) {
            res.status = 500;
            res.set_content("boom", "text/plain");
          });
          s.Get("/missing", [](const auto&, auto& res) { res.status = 404; });
          s.Get("/slow", [this](const auto&, auto& res) {
            std::unique_lock lock(mu_);
            cv_.wait_for(lock, 10s, [&] { return released_; });
            res.set_content("late", "text/plain");
          });
        }) {}
  ~Target() { release(); }

  void release() {
    std::lock_guard lock(mu_);
    released_ = true;
    cv_.notify_all();
  }
  std::string url(const char* path) const { return server_.url(path); }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool released_ = false;
  LoopbackHttpServer server_;
};

ProbeResult probe(NetLoop& loop, HttpProbe http, vitals::Duration timeout = 2s) {
  auto prober = vitals::make_prober(probe_config(std::move(http), timeout), loop);
  return run_probe(loop, *prober, timeout);
}

}  // namespace

TEST_CASE("an http probe of a healthy target succeeds with its status and phases") {
  Target target;
  NetLoop loop(vitals::real_clock());
  ProbeResult r = probe(loop, HttpProbe{.url = target.url("/ping"), .expect_body_regex = "po+ng"});
  CHECK_MESSAGE(r.success, r.error);
  CHECK(r.reason == FailureReason::None);
  CHECK(r.error.empty());
  CHECK(r.http_status == 200);
  CHECK(r.duration > vitals::Duration{0});
  CHECK(r.phases.tls == vitals::Duration{0});
  CHECK_FALSE(r.cert_expiry);
}

TEST_CASE("an http target answering 500 fails with Status and its status code") {
  Target target;
  NetLoop loop(vitals::real_clock());
  ProbeResult r = probe(loop, HttpProbe{.url = target.url("/error")});
  CHECK_FALSE(r.success);
  CHECK(r.reason == FailureReason::Status);
  CHECK(r.http_status == 500);
  CHECK(r.error == "status 500, expected 2xx");
}

TEST_CASE("expect_status replaces the 2xx default") {
  Target target;
  NetLoop loop(vitals::real_clock());
  ProbeResult missing =
      probe(loop, HttpProbe{.url = target.url("/missing"), .expect_status = {404}});
  CHECK_MESSAGE(missing.success, missing.error);
  ProbeResult ok = probe(loop, HttpProbe{.url = target.url("/ping"), .expect_status = {201, 204}});
  CHECK(ok.reason == FailureReason::Status);
  CHECK(ok.error == "status 200, expected 201, 204");
}

TEST_CASE("an http target slower than the probe's timeout fails with Timeout") {
  Target target;
  NetLoop loop(vitals::real_clock());
  ProbeResult r = probe(loop, HttpProbe{.url = target.url("/slow")}, 300ms);
  target.release();
  CHECK(r.reason == FailureReason::Timeout);
  CHECK(r.duration >= 290ms);
  CHECK(r.duration < 2s);
  CHECK_FALSE(r.http_status);
}

TEST_CASE("an http target that closes the connection without answering fails with Connect") {
  vitals::testing::TcpTestServer server(vitals::testing::TcpTestServer::Mode::CloseAfterRead);
  NetLoop loop(vitals::real_clock());
  ProbeResult r = probe(loop, HttpProbe{.url = "http://" + server.address() + "/"});
  CHECK(r.reason == FailureReason::Connect);
  CHECK_MESSAGE(r.error.find("Empty reply") != std::string::npos, r.error);
}

TEST_CASE("an http port with nothing listening fails with Connect") {
  int port = 0;
  {
    vitals::testing::TcpTestServer gone(vitals::testing::TcpTestServer::Mode::CloseAfterRead);
    port = gone.port();
  }
  NetLoop loop(vitals::real_clock());
  ProbeResult r = probe(loop, HttpProbe{.url = "http://127.0.0.1:" + std::to_string(port) + "/"});
  CHECK(r.reason == FailureReason::Connect);
  CHECK_FALSE(r.error.empty());
}

TEST_CASE("a body not matching expect_body_regex fails with Body and shows the body") {
  Target target;
  NetLoop loop(vitals::real_clock());
  ProbeResult r = probe(loop, HttpProbe{.url = target.url("/ping"), .expect_body_regex = "^ok$"});
  CHECK(r.reason == FailureReason::Body);
  CHECK(r.http_status == 200);
  CHECK(r.error == "body does not match /^ok$/: \"pong\"");
}

TEST_CASE("a response slower than max_latency fails with Expectation") {
  Target target;
  NetLoop loop(vitals::real_clock());
  // No real request finishes within a microsecond.
  ProbeResult r = probe(loop, HttpProbe{.url = target.url("/ping"), .max_latency = 1us});
  CHECK(r.reason == FailureReason::Expectation);
  CHECK_MESSAGE(r.error.find("over max_latency 1µs") != std::string::npos, r.error);
}

TEST_CASE("a cancelled http probe never reports") {
  Target target;
  NetLoop loop(vitals::real_clock());
  auto prober = vitals::make_prober(probe_config(HttpProbe{.url = target.url("/slow")}), loop);
  bool called = false;
  prober->start(loop.events().clock().now() + 300ms, [&](ProbeResult) { called = true; });
  loop.run_until([] { return false; }, 50ms);
  prober->cancel();
  prober->cancel();  // idempotent
  target.release();
  loop.run_until([] { return false; }, 400ms);  // past the old deadline
  CHECK_FALSE(called);
  CHECK(loop.transfers_in_flight() == 0);
}

TEST_CASE("the failure reasons read as in probe_failure_reason") {
  CHECK(to_string(FailureReason::None) == "");
  CHECK(to_string(FailureReason::Resolve) == "resolve");
  CHECK(to_string(FailureReason::Connect) == "connect");
  CHECK(to_string(FailureReason::Tls) == "tls");
  CHECK(to_string(FailureReason::Timeout) == "timeout");
  CHECK(to_string(FailureReason::Status) == "status");
  CHECK(to_string(FailureReason::Body) == "body");
  CHECK(to_string(FailureReason::Expectation) == "expectation");
  CHECK(to_string(FailureReason::Certificate) == "certificate");
}
