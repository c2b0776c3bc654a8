#include "agent/ingest/metrics_scraper.h"

#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "tests/support/inline_executor.h"
#include "tests/unit/agent/ingest/window_reading.h"
#include "tests/unit/agent/net/scripted_http_server.h"

using namespace std::chrono_literals;
using vitals::IngestOutcome;
using vitals::MetricsScraper;
using vitals::NetLoop;
using vitals::SampleWindow;
using vitals::ServiceConfig;
using vitals::testing::http_ok;
using vitals::testing::ScriptedHttpServer;
using vitals::testing::ScriptedReply;

namespace {

ServiceConfig service_at(const std::string& url) {
  ServiceConfig service;
  service.name = "orders";
  service.metrics_url = url;
  service.interval = 1s;
  service.timeout = 500ms;
  return service;
}

IngestOutcome scrape_once(NetLoop& loop, MetricsScraper& scraper) {
  std::optional<IngestOutcome> outcome;
  scraper.start(loop.events().clock().now() + 500ms,
                [&](IngestOutcome o) { outcome = std::move(o); });
  REQUIRE(loop.run_until([&] { return outcome.has_value(); }, 10s));
  return std::move(*outcome);
}

const std::string kBody = "# TYPE orders_total counter\norders_total{kind=\"card\"} 7\n";

}  // namespace

TEST_CASE("a scrape asks as Prometheus does, keeps its connection and fills the window") {
  ScriptedHttpServer server([](const std::string&, int) {
    return ScriptedReply{.pieces = {http_ok(kBody, "Content-Type: text/plain; version=0.0.4\r\n")}};
  });
  NetLoop loop(vitals::real_clock());
  vitals::testing::InlineExecutor cpu;
  auto window = SampleWindow::create(vitals::real_clock());
  MetricsScraper scraper(service_at(server.url("/metrics")), "s3cret", loop, cpu, *window);
  for (int i = 0; i < 2; ++i) {
    IngestOutcome outcome = scrape_once(loop, scraper);
    CHECK_MESSAGE(outcome.up, outcome.error);
    CHECK(outcome.samples == 1);
    std::this_thread::sleep_for(5ms);  // the next scrape is a later sample, not a duplicate
  }
  CHECK(server.connections() == 1);
  const std::string head = server.heads().at(0);
  CHECK(head.starts_with("GET /metrics HTTP/1.1\r\n"));
  CHECK(head.find("\r\nAccept: application/openmetrics-text;version=1.0.0,") != std::string::npos);
  CHECK(head.find("\r\nAccept-Encoding: gzip") != std::string::npos);
  CHECK(head.find("\r\nAuthorization: Bearer s3cret") != std::string::npos);
  // The configured timeout, as Prometheus sends it.
  CHECK(head.find("\r\nX-Prometheus-Scrape-Timeout-Seconds: 0.5") != std::string::npos);
  CHECK(window->select({vitals::testing::eq("__name__", "orders_total")}).size() == 1);
}

TEST_CASE("a body over body_size_limit fails the scrape with the limit as the reason") {
  ScriptedHttpServer server(
      [](const std::string&, int) { return ScriptedReply{.pieces = {http_ok(kBody)}}; });
  NetLoop loop(vitals::real_clock());
  vitals::testing::InlineExecutor cpu;
  auto window = SampleWindow::create(vitals::real_clock());
  ServiceConfig service = service_at(server.url("/metrics"));
  service.body_size_limit = 10;
  MetricsScraper scraper(service, "", loop, cpu, *window);
  IngestOutcome outcome = scrape_once(loop, scraper);
  CHECK_FALSE(outcome.up);
  CHECK_MESSAGE(outcome.error.find("body larger than 10 bytes") != std::string::npos,
                outcome.error);
}
