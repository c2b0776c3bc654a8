#include "agent/ingest/target_recorder.h"

#include <doctest/doctest.h>

#include <cmath>

#include "tests/support/fake_clock.h"
#include "tests/support/inline_executor.h"
#include "tests/unit/agent/expose/sample_snapshot.h"
#include "tests/unit/agent/ingest/window_reading.h"

using namespace std::chrono_literals;
using vitals::AgentSnapshot;
using vitals::LabelMatcher;
using vitals::SamplePoint;
using vitals::TargetRecorder;
using vitals::testing::eq;
using vitals::testing::probe;
using vitals::testing::service;

namespace {

struct World {
  vitals::testing::FakeClock clock;
  std::unique_ptr<vitals::SampleWindow> window = vitals::SampleWindow::create(clock, {});
  TargetRecorder recorder{*window, 60s};

  std::vector<SamplePoint> samples_of(const std::vector<LabelMatcher>& matchers) {
    return vitals::testing::samples_of(*window, matchers);
  }
  std::size_t series_named(const std::string& name) {
    return window->select({eq("__name__", name)}).size();
  }
};

std::shared_ptr<const vitals::ServiceView> cards(std::string status) {
  return service("cards", std::move(status),
                 {vitals::CheckView{.name = "db", .status = "healthy", .duration_seconds = 0.5}},
                 {{"team", "payments"}});
}

AgentSnapshot snapshot_of(std::vector<std::shared_ptr<const vitals::ServiceView>> services,
                          std::vector<std::shared_ptr<const vitals::ProbeView>> probes = {}) {
  AgentSnapshot snapshot;
  snapshot.services = std::move(services);
  snapshot.probes = std::move(probes);
  return snapshot;
}

std::vector<double> values(const std::vector<SamplePoint>& points) {
  std::vector<double> out;
  for (const SamplePoint& p : points) out.push_back(vitals::is_stale_nan(p.value) ? -1 : p.value);
  return out;
}

}  // namespace

TEST_CASE("a service's health and checks land in the window with its labels") {
  World w;
  w.recorder.record(snapshot_of({cards("healthy")}), 1000);
  auto health = w.samples_of(
      {eq("__name__", "vitals_service_health"), eq("service", "cards"), eq("team", "payments")});
  REQUIRE(health.size() == 1);
  CHECK(health[0].t_ms == 1000);
  CHECK(health[0].value == 1);
  CHECK(w.samples_of({eq("__name__", "vitals_check_up"), eq("check", "db")}).at(0).value == 1);
  CHECK(w.samples_of({eq("__name__", "vitals_check_duration_seconds")}).at(0).value == 0.5);
  CHECK(w.samples_of({eq("__name__", "vitals_target_suppressed")}).at(0).value == 0);
  CHECK(w.samples_of({eq("__name__", "vitals_vantage_degraded")}).at(0).value == 0);
}

TEST_CASE("an unchanged target is written again only after the refresh interval") {
  World w;
  AgentSnapshot same = snapshot_of({cards("healthy")});
  w.recorder.record(same, 1000);
  w.recorder.record(same, 30'000);
  w.recorder.record(same, 60'999);
  w.recorder.record(same, 61'000);
  auto health = w.samples_of({eq("__name__", "vitals_service_health")});
  REQUIRE(health.size() == 2);
  CHECK(health[1].t_ms == 61'000);
}

TEST_CASE("a new view is news: written at once") {
  World w;
  w.recorder.record(snapshot_of({cards("healthy")}), 1000);
  w.recorder.record(snapshot_of({cards("degraded")}), 2000);
  CHECK(values(w.samples_of({eq("__name__", "vitals_service_health")})) ==
        std::vector<double>{1, 0.5});
}

TEST_CASE("checks of a service that became unreachable go stale at once") {
  World w;
  w.recorder.record(snapshot_of({cards("healthy")}), 1000);
  w.recorder.record(snapshot_of({cards("unreachable")}), 2000);
  auto check = w.samples_of({eq("__name__", "vitals_check_up")});
  REQUIRE(check.size() == 2);
  CHECK(check[1].t_ms == 2000);
  CHECK(vitals::is_stale_nan(check[1].value));
  CHECK(values(w.samples_of({eq("__name__", "vitals_service_health")})) ==
        std::vector<double>{1, 0});
}

TEST_CASE("a target that left the configuration has every series marked stale") {
  World w;
  auto api = probe("api", "http", vitals::ProbeResult{.success = true, .http_status = 200});
  auto healthy = cards("healthy");
  w.recorder.record(snapshot_of({healthy}, {api}), 1000);
  CHECK(w.series_named("probe_duration_seconds") == 5);
  CHECK(w.series_named("probe_failure_reason") == 8);
  CHECK(w.samples_of({eq("__name__", "probe_http_status_code")}).at(0).value == 200);

  w.recorder.record(snapshot_of({healthy}), 2000);
  for (auto ref : w.window->select({eq("probe", "api")})) {
    auto points = w.window->samples(ref, 0, 10'000);
    CAPTURE(w.window->labels(ref)[0].value);
    REQUIRE(points.size() == 2);
    CHECK(vitals::is_stale_nan(points[1].value));
  }
  // The service stays, unwritten until its refresh.
  CHECK(w.samples_of({eq("__name__", "vitals_service_health")}).size() == 1);
}

TEST_CASE("the vantage series is written when it flips") {
  World w;
  AgentSnapshot snapshot = snapshot_of({});
  w.recorder.record(snapshot, 1000);
  snapshot.vantage_degraded = true;
  w.recorder.record(snapshot, 2000);
  w.recorder.record(snapshot, 3000);
  CHECK(values(w.samples_of({eq("__name__", "vitals_vantage_degraded")})) ==
        std::vector<double>{0, 1});
}

TEST_CASE("a series the window retired is made anew on the next write") {
  vitals::testing::FakeClock clock;
  auto window = vitals::SampleWindow::create(clock, {.retention = 1min});
  TargetRecorder recorder(*window, 60s);
  AgentSnapshot snapshot = snapshot_of({cards("healthy")});
  const auto now_ms = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               clock.wall_now().time_since_epoch())
        .count();
  };
  recorder.record(snapshot, now_ms());
  clock.advance(5min);
  window->apply_retention();
  CHECK(window->select({eq("__name__", "vitals_service_health")}).empty());
  recorder.record(snapshot, now_ms());
  auto refs = window->select({eq("__name__", "vitals_service_health")});
  REQUIRE(refs.size() == 1);
  CHECK(window->samples(refs[0], 0, now_ms()).size() == 1);
}

TEST_CASE("the queue records each offered snapshot on the executor at the clock's time") {
  World w;
  vitals::testing::InlineExecutor inline_executor;
  vitals::RecordingQueue queue(w.recorder, inline_executor, w.clock);
  queue.offer(std::make_shared<AgentSnapshot>(snapshot_of({cards("healthy")})));
  w.clock.advance(2s);
  queue.offer(std::make_shared<AgentSnapshot>(snapshot_of({cards("unhealthy")})));
  auto health = w.samples_of({eq("__name__", "vitals_service_health")});
  REQUIRE(health.size() == 2);
  CHECK(health[1].t_ms - health[0].t_ms == 2000);
  CHECK(health[1].value == 0);
}
