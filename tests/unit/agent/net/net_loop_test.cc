#include "agent/net/net_loop.h"

#include <doctest/doctest.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "tests/support/loopback_http_server.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/agent/net/scripted_http_server.h"
#include "tests/unit/agent/net/tls_test_server.h"

using namespace std::chrono_literals;
using vitals::HttpRequest;
using vitals::HttpResponse;
using vitals::NetLoop;
using vitals::real_clock;
using vitals::testing::LoopbackHttpServer;

namespace {

// A switch a server handler waits on, so a test holds a request open as long as it needs,
// bounded so a failing test cannot hang the server's destructor.
class Gate {
 public:
  void open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  void wait() {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, 10s, [&] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

HttpRequest get(const std::string& url) {
  return HttpRequest{.url = url, .timeout = 5s};
}

// Runs one fetch to completion on the test's thread.
HttpResponse fetch_one(NetLoop& loop, HttpRequest request) {
  std::optional<HttpResponse> response;
  loop.fetch(std::move(request), [&](HttpResponse r) { response = std::move(r); });
  REQUIRE(loop.run_until([&] { return response.has_value(); }, 10s));
  return std::move(*response);
}

}  // namespace

TEST_CASE("a fetch returns the status, headers, body and phase timings") {
  LoopbackHttpServer server([](httplib::Server& s) {
    s.Get("/ping", [](const auto&, auto& res) {
      res.set_header("X-Probe", "yes");
      res.set_content("pong", "text/plain");
    });
  });
  NetLoop loop(real_clock());
  HttpResponse r = fetch_one(loop, get(server.url("/ping")));
  REQUIRE_MESSAGE(!r.transport_error, *r.transport_error);
  CHECK(r.status == 200);
  CHECK(r.body == "pong");
  CHECK(r.headers["x-probe"] == "yes");
  CHECK(r.timings.tls == vitals::Duration{0});  // plain http
  CHECK(r.total > vitals::Duration{0});
  CHECK(r.total >= r.timings.processing + r.timings.transfer);
  CHECK_FALSE(r.earliest_cert_expiry);
}

TEST_CASE("two hundred concurrent fetches all complete on the one loop thread") {
  // Each answer closes its connection, so every fetch opens one of its own.
  vitals::testing::ScriptedHttpServer server([](const std::string&, int) {
    return vitals::testing::ScriptedReply{
        .pieces = {vitals::testing::http_ok("ok", "Connection: close\r\n")}, .close_after = true};
  });
  NetLoop loop(real_clock());
  constexpr int kCount = 200;
  int ok = 0;
  int done = 0;
  bool other_thread = false;
  const auto me = std::this_thread::get_id();
  for (int i = 0; i < kCount; ++i) {
    loop.fetch(get(server.url("/")), [&](HttpResponse r) {
      ++done;
      if (r.status == 200 && r.body == "ok") ++ok;
      if (std::this_thread::get_id() != me) other_thread = true;
    });
  }
  CHECK(loop.transfers_in_flight() == kCount);
  REQUIRE(loop.run_until([&] { return done == kCount; }, 30s));
  CHECK(ok == kCount);
  CHECK(server.requests() == kCount);
  CHECK_FALSE(other_thread);
  CHECK(loop.transfers_in_flight() == 0);
}

TEST_CASE("a task posted from another thread wakes the loop out of its poll") {
  NetLoop loop(real_clock());
  std::thread runner([&] { loop.run(); });
  std::promise<std::thread::id> ran_on;
  // With nothing to do the loop would sleep for an hour: only the wakeup gets the task run.
  std::thread([&] {
    loop.events().post([&] { ran_on.set_value(std::this_thread::get_id()); });
  }).join();
  auto future = ran_on.get_future();
  bool ran = future.wait_for(5s) == std::future_status::ready;
  const auto loop_thread = runner.get_id();
  loop.stop();
  runner.join();
  REQUIRE(ran);
  CHECK(future.get() == loop_thread);
}

TEST_CASE("timers fire while a transfer is in flight") {
  Gate gate;
  LoopbackHttpServer server([&](httplib::Server& s) {
    s.Get("/held", [&](const auto&, auto& res) {
      gate.wait();
      res.set_content("released", "text/plain");
    });
  });
  NetLoop loop(real_clock());
  std::optional<HttpResponse> response;
  loop.fetch(get(server.url("/held")), [&](HttpResponse r) { response = std::move(r); });
  int fired = 0;
  for (auto delay : {20ms, 40ms, 60ms}) {
    loop.events().add_timer(real_clock().now() + delay, [&] { ++fired; });
  }
  bool timers_ran = loop.run_until([&] { return fired == 3; }, 5s);
  std::size_t in_flight = loop.transfers_in_flight();
  gate.open();
  REQUIRE(timers_ran);
  CHECK(in_flight == 1);
  CHECK_FALSE(response);
  REQUIRE(loop.run_until([&] { return response.has_value(); }, 10s));
  CHECK(response->body == "released");
}

TEST_CASE("a body larger than max_body_bytes fails the transfer as TooLarge") {
  const std::string big(100'000, 'x');
  LoopbackHttpServer server([&](httplib::Server& s) {
    s.Get("/sized", [&](const auto&, auto& res) { res.set_content(big, "text/plain"); });
    s.Get("/chunked", [&](const auto&, auto& res) {
      res.set_chunked_content_provider("text/plain", [&](std::size_t, httplib::DataSink& sink) {
        for (int i = 0; i < 10; ++i) sink.write(big.data(), 10'000);
        sink.done();
        return true;
      });
    });
  });
  NetLoop loop(real_clock());
  for (const char* path : {"/sized", "/chunked"}) {
    CAPTURE(path);
    HttpRequest request = get(server.url(path));
    request.max_body_bytes = 1000;
    HttpResponse r = fetch_one(loop, request);
    CHECK(r.failure == HttpResponse::Failure::TooLarge);
    REQUIRE(r.transport_error);
    CHECK(r.transport_error->find("1000 bytes") != std::string::npos);
    CHECK(r.body.size() <= 1000);
  }
}

TEST_CASE("a gzip-encoded body is asked for and decoded when accept_gzip is set") {
  const std::string text(20'000, 'a');
  LoopbackHttpServer server([&](httplib::Server& s) {
    // httplib compresses text bodies for clients that accept gzip.
    s.Get("/text", [&](const auto&, auto& res) { res.set_content(text, "text/plain"); });
  });
  NetLoop loop(real_clock());
  HttpRequest request = get(server.url("/text"));
  request.accept_gzip = true;
  HttpResponse zipped = fetch_one(loop, request);
  CHECK(zipped.headers["content-encoding"] == "gzip");
  CHECK(std::stoul(zipped.headers["content-length"]) < text.size());
  CHECK(zipped.body == text);
  HttpResponse plain = fetch_one(loop, get(server.url("/text")));
  CHECK(plain.headers.count("content-encoding") == 0);
  CHECK(plain.body == text);
}

TEST_CASE("transport failures are classified") {
  NetLoop loop(real_clock());
  SUBCASE("nothing listening is Connect") {
    int port = 0;
    {  // A port that was just free: nothing listens on it any more.
      LoopbackHttpServer gone([](httplib::Server&) {});
      port = gone.port();
    }
    HttpResponse r = fetch_one(loop, get("http://127.0.0.1:" + std::to_string(port) + "/"));
    CHECK(r.failure == HttpResponse::Failure::Connect);
    CHECK(r.transport_error);
  }
  SUBCASE("a server slower than the timeout is Timeout") {
    Gate gate;
    LoopbackHttpServer server([&](httplib::Server& s) {
      s.Get("/slow", [&](const auto&, auto& res) {
        gate.wait();
        res.set_content("late", "text/plain");
      });
    });
    HttpRequest request = get(server.url("/slow"));
    request.timeout = 200ms;
    HttpResponse r = fetch_one(loop, request);
    gate.open();
    CHECK(r.failure == HttpResponse::Failure::Timeout);
    // curl counts the timeout from the transfer's start and its total time from the fetch's, a
    // moment later (0.1 ms under ThreadSanitizer), so the total may fall just short of it.
    CHECK(r.total >= 190ms);
  }
}

TEST_CASE("a cancelled transfer never calls back") {
  Gate gate;
  LoopbackHttpServer server([&](httplib::Server& s) {
    s.Get("/held", [&](const auto&, auto& res) {
      gate.wait();
      res.set_content("x", "text/plain");
    });
  });
  NetLoop loop(real_clock());
  bool called = false;
  auto id = loop.fetch(get(server.url("/held")), [&](HttpResponse) { called = true; });
  loop.run_until([] { return false; }, 50ms);
  loop.cancel(id);
  CHECK(loop.transfers_in_flight() == 0);
  gate.open();
  // A second fetch completing shows the loop went on without the cancelled one.
  HttpResponse r = fetch_one(loop, get(server.url("/held")));
  CHECK(r.status == 200);
  CHECK_FALSE(called);
}

TEST_CASE("an fd watch reports readiness on the loop thread") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  NetLoop loop(real_clock());
  short seen = 0;
  auto id = loop.watch(fds[0], POLLIN, [&](short revents) { seen = revents; });
  std::thread([&] { CHECK(::write(fds[1], "x", 1) == 1); }).join();
  CHECK(loop.run_until([&] { return seen != 0; }, 5s));
  CHECK((seen & POLLIN) != 0);
  loop.unwatch(id);
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST_CASE("an https fetch reports the earliest certificate expiry") {
  vitals::testing::TempDir dir;
  auto cert = vitals::testing::make_self_signed(dir, 3);
  vitals::testing::TlsTestServer server(cert);
  NetLoop loop(real_clock());
  HttpRequest request = get("https://127.0.0.1:" + std::to_string(server.port()) + "/");
  request.tls_verify = false;  // self-signed; the expiry is read all the same
  HttpResponse r = fetch_one(loop, request);
  REQUIRE_MESSAGE(!r.transport_error, *r.transport_error);
  CHECK(r.status == 200);
  REQUIRE(r.earliest_cert_expiry);
  auto left = *r.earliest_cert_expiry - std::chrono::system_clock::now();
  CHECK(left > std::chrono::hours(71));
  CHECK(left <= std::chrono::hours(72));
  CHECK(r.timings.tls > vitals::Duration{0});
}

TEST_CASE("an https fetch to an untrusted certificate fails as Tls") {
  vitals::testing::TempDir dir;
  auto cert = vitals::testing::make_self_signed(dir, 30);
  vitals::testing::TlsTestServer server(cert);
  NetLoop loop(real_clock());
  HttpResponse r = fetch_one(loop, get("https://127.0.0.1:" + std::to_string(server.port()) + "/"));
  CHECK(r.failure == HttpResponse::Failure::Tls);
  CHECK(r.transport_error);
}

TEST_CASE("a hang-up alone still reaches the watch, as the events it waits for") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  NetLoop loop(real_clock());
  short seen = 0;
  int calls = 0;
  auto id = loop.watch(fds[0], POLLIN, [&](short revents) {
    seen = revents;
    ++calls;
  });
  ::close(fds[1]);  // the read end now polls as POLLHUP only
  CHECK(loop.run_until([&] { return calls > 0; }, 2s));
  CHECK(seen == POLLIN);
  loop.unwatch(id);
  ::close(fds[0]);
}

TEST_CASE("a write end whose reader has gone wakes its POLLOUT watch") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  NetLoop loop(real_clock());
  int calls = 0;
  short seen = 0;
  auto id = loop.watch(fds[1], POLLOUT, [&](short revents) {
    seen = revents;
    ++calls;
  });
  ::close(fds[0]);  // the write end now polls as POLLOUT | POLLERR
  CHECK(loop.run_until([&] { return calls > 0; }, 2s));
  CHECK(seen == POLLOUT);
  loop.unwatch(id);
  ::close(fds[1]);
}
