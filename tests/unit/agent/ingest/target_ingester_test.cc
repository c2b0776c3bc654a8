#include "agent/ingest/target_ingester.h"

#include <doctest/doctest.h>

#include <cmath>

#include "tests/support/fake_clock.h"
#include "tests/unit/agent/ingest/window_reading.h"

using namespace std::chrono_literals;
using vitals::ExpositionFormat;
using vitals::LabelMatcher;
using vitals::TargetIngester;
using vitals::testing::eq;

namespace {

struct World {
  vitals::testing::FakeClock clock;
  std::unique_ptr<vitals::SampleWindow> window = vitals::SampleWindow::create(clock, {});
  TargetIngester ingester{*window,
                          {{"service", "cards"}, {"instance", "127.0.0.1:8081"}},
                          /*sample_limit=*/100};

  std::vector<vitals::SamplePoint> samples_of(const std::string& name,
                                              std::vector<LabelMatcher> more = {}) {
    more.push_back(eq("__name__", name));
    CAPTURE(name);
    return vitals::testing::samples_of(*window, more);
  }
  vitals::LabelPairs labels_of(const std::string& name) {
    auto refs = window->select({eq("__name__", name)});
    REQUIRE(refs.size() == 1);
    return window->labels(refs[0]);
  }
};

constexpr std::string_view kBody =
    "# TYPE card_authorisations_total counter\n"
    "card_authorisations_total{result=\"approved\"} 10\n"
    "card_authorisations_total{result=\"declined\"} 2\n"
    "# TYPE queue_depth gauge\n"
    "queue_depth{service=\"inner\"} 7\n";

}  // namespace

TEST_CASE("a scrape lands every sample with the target's labels, plus up and scrape stats") {
  World w;
  auto outcome = w.ingester.ingest(kBody, ExpositionFormat::PrometheusText, 1000, 5ms);
  CHECK(outcome.up);
  CHECK(outcome.samples == 3);
  auto approved = w.samples_of("card_authorisations_total", {eq("result", "approved")});
  REQUIRE(approved.size() == 1);
  CHECK(approved[0].t_ms == 1000);
  CHECK(approved[0].value == 10);
  CHECK(w.samples_of("up").at(0).value == 1);
  CHECK(w.samples_of("scrape_samples_scraped").at(0).value == 3);
  CHECK(w.samples_of("scrape_duration_seconds").at(0).value == doctest::Approx(0.005));
}

TEST_CASE("a scraped label that clashes with a target label is kept as exported_") {
  World w;
  w.ingester.ingest(kBody, ExpositionFormat::PrometheusText, 1000, 1ms);
  auto labels = w.labels_of("queue_depth");
  auto value_of = [&](const std::string& name) {
    for (const auto& l : labels) {
      if (l.name == name) return l.value;
    }
    return std::string("<absent>");
  };
  CHECK(value_of("service") == "cards");
  CHECK(value_of("exported_service") == "inner");
  CHECK(value_of("instance") == "127.0.0.1:8081");
}

TEST_CASE("a series missing from the next scrape is marked stale at once") {
  World w;
  w.ingester.ingest(kBody, ExpositionFormat::PrometheusText, 1000, 1ms);
  w.ingester.ingest("card_authorisations_total{result=\"approved\"} 11\n",
                    ExpositionFormat::PrometheusText, 2000, 1ms);
  auto declined = w.samples_of("card_authorisations_total", {eq("result", "declined")});
  REQUIRE(declined.size() == 2);
  CHECK(declined[1].t_ms == 2000);
  CHECK(vitals::is_stale_nan(declined[1].value));
}

TEST_CASE("a series replaced by another at the same place in the body is marked stale") {
  World w;
  w.ingester.ingest("a 1\nb 1\n", ExpositionFormat::PrometheusText, 1000, 1ms);
  w.ingester.ingest("a 2\nc 2\n", ExpositionFormat::PrometheusText, 2000, 1ms);
  auto b = w.samples_of("b");
  REQUIRE(b.size() == 2);
  CHECK(vitals::is_stale_nan(b[1].value));
  CHECK(w.samples_of("c").size() == 1);
}

TEST_CASE("the same series in another order is not stale, and repeated bodies land every sample") {
  World w;
  w.ingester.ingest("a 1\nb 1\n", ExpositionFormat::PrometheusText, 1000, 1ms);
  w.ingester.ingest("b 2\na 2\n", ExpositionFormat::PrometheusText, 2000, 1ms);
  w.ingester.ingest("b 3\na 3\n", ExpositionFormat::PrometheusText, 3000, 1ms);
  w.ingester.ingest("b 4\n", ExpositionFormat::PrometheusText, 4000, 1ms);
  auto a = w.samples_of("a");
  REQUIRE(a.size() == 4);
  CHECK(a[2].value == 3);
  CHECK(vitals::is_stale_nan(a[3].value));
  auto b = w.samples_of("b");
  REQUIRE(b.size() == 4);
  CHECK(b[3].value == 4);
}

TEST_CASE("a malformed body stores nothing, sets up to 0 and makes every series stale") {
  World w;
  w.ingester.ingest(kBody, ExpositionFormat::PrometheusText, 1000, 1ms);
  auto outcome = w.ingester.ingest("card_authorisations_total{result=\"approved\"} 12\nbroken{\n",
                                   ExpositionFormat::PrometheusText, 2000, 1ms);
  CHECK_FALSE(outcome.up);
  CHECK(outcome.error.find("line 2") != std::string::npos);
  auto approved = w.samples_of("card_authorisations_total", {eq("result", "approved")});
  REQUIRE(approved.size() == 2);
  CHECK(vitals::is_stale_nan(approved[1].value));  // not 12: the bad body was dropped whole
  auto up = w.samples_of("up");
  CHECK(up.back().value == 0);
}

TEST_CASE("more samples than sample_limit fail the whole scrape, as in Prometheus") {
  World w;
  std::string body;
  for (int i = 0; i < 101; ++i) body += "m{i=\"" + std::to_string(i) + "\"} 1\n";
  auto outcome = w.ingester.ingest(body, ExpositionFormat::PrometheusText, 1000, 1ms);
  CHECK_FALSE(outcome.up);
  CHECK(outcome.error.find("sample_limit") != std::string::npos);
  CHECK(w.samples_of("up").at(0).value == 0);
}

TEST_CASE("a series the window dropped after a long silence comes back on a later scrape") {
  vitals::testing::FakeClock clock;
  auto window =
      vitals::SampleWindow::create(clock, {.retention = 1min, .maintenance_interval = {}});
  TargetIngester ingester(*window, {{"service", "cards"}}, 0);
  const std::int64_t start =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock.wall_now().time_since_epoch())
          .count();
  ingester.ingest("a 1\nb 1\n", ExpositionFormat::PrometheusText, start, 1ms);
  ingester.ingest("b 2\n", ExpositionFormat::PrometheusText, start + 1000, 1ms);  // a goes stale
  clock.advance(10min);
  window->apply_retention();  // a is gone
  const std::int64_t later = start + 600'000;
  auto back = ingester.ingest("a 3\nb 3\n", ExpositionFormat::PrometheusText, later, 1ms);
  CHECK(back.rejected == 2);  // both went silent past retention: each ref fails once
  ingester.ingest("a 4\nb 4\n", ExpositionFormat::PrometheusText, later + 1000, 1ms);
  auto refs = window->select({eq("__name__", "a")});
  REQUIRE(refs.size() == 1);
  auto samples = window->samples(refs[0], later, later + 1000);
  REQUIRE(samples.size() == 1);
  CHECK(samples[0].value == 4);
}

TEST_CASE("a line that only starts like the last body's series there is read as a new series") {
  World w;
  w.ingester.ingest("m 1\nm_total 1\nn{a=\"1\"} 1\n", ExpositionFormat::PrometheusText, 1000, 1ms);
  w.ingester.ingest("m {a=\"b\"} 2\nm_total_x 2\nn{a=\"1\"}\t 2\n",
                    ExpositionFormat::PrometheusText, 2000, 1ms);
  auto labelled = w.samples_of("m", {eq("a", "b")});
  REQUIRE(labelled.size() == 1);
  CHECK(labelled[0].value == 2);
  CHECK(vitals::is_stale_nan(w.samples_of("m", {eq("a", "")}).back().value));
  CHECK(w.samples_of("m_total_x").at(0).value == 2);
  CHECK(w.samples_of("n").back().value == 2);
}

TEST_CASE("after a body that failed midway, series land on their own refs") {
  World w;
  w.ingester.ingest("a 1\nb 1\n", ExpositionFormat::PrometheusText, 1000, 1ms);
  // c takes b's place in the ingester's order before the body turns out malformed.
  w.ingester.ingest("a 2\nc 2\nbroken{\n", ExpositionFormat::PrometheusText, 2000, 1ms);
  w.ingester.ingest("a 3\nb 3\n", ExpositionFormat::PrometheusText, 3000, 1ms);
  CHECK(w.samples_of("b").back().value == 3);
  CHECK(w.samples_of("c").empty());
  w.ingester.ingest("a 4\nc 4\n", ExpositionFormat::PrometheusText, 4000, 1ms);
  w.ingester.ingest("a 5\nc 5\n", ExpositionFormat::PrometheusText, 5000, 1ms);
  CHECK(w.samples_of("c").back().value == 5);
  CHECK(vitals::is_stale_nan(w.samples_of("b").back().value));
}

TEST_CASE("a target switching between the text format and OpenMetrics keeps its series") {
  World w;
  w.ingester.ingest("a{x=\"1\"} 1\n", ExpositionFormat::PrometheusText, 1000, 1ms);
  w.ingester.ingest("a{x=\"1\"} 2\n# EOF\n", ExpositionFormat::OpenMetrics, 2000, 1ms);
  w.ingester.ingest("a{x=\"1\"} 3\n", ExpositionFormat::PrometheusText, 3000, 1ms);
  auto a = w.samples_of("a");
  REQUIRE(a.size() == 3);
  CHECK(a[2].value == 3);
}
