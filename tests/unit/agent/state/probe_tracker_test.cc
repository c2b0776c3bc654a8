#include "agent/state/probe_tracker.h"

#include <doctest/doctest.h>

#include "agent/state/vantage.h"

using namespace std::chrono_literals;
using vitals::FailureReason;
using vitals::ProbeResult;
using vitals::ProbeTracker;

namespace {

const vitals::WallTime kT0{1767225600s};

vitals::ProbeConfig api_probe(std::string name = "card-api") {
  vitals::ProbeConfig config;
  config.name = std::move(name);
  config.kind = vitals::HttpProbe{.url = "http://127.0.0.1:8081/ping"};
  return config;
}

ProbeResult up() {
  return ProbeResult{.success = true};
}
ProbeResult down(FailureReason reason) {
  return ProbeResult{.success = false, .reason = reason, .error = "boom"};
}

}  // namespace

TEST_CASE("a probe's view names its kind and target") {
  ProbeTracker tracker(api_probe());
  CHECK(tracker.view()->kind == "http");
  CHECK(tracker.view()->target == "http://127.0.0.1:8081/ping");
  CHECK_FALSE(tracker.view()->last.has_value());
  CHECK_FALSE(tracker.down());
}

TEST_CASE("probe flips and reason changes are recorded, repeats are not") {
  ProbeTracker tracker(api_probe());
  CHECK(tracker.observe(up(), kT0).size() == 1);
  CHECK(tracker.observe(up(), kT0 + 10s).empty());
  auto went_down = tracker.observe(down(FailureReason::Connect), kT0 + 20s);
  REQUIRE(went_down.size() == 1);
  CHECK(went_down[0].status == "down");
  CHECK(went_down[0].reason == "connect");
  CHECK(tracker.view()->since == kT0 + 20s);
  CHECK(tracker.observe(down(FailureReason::Connect), kT0 + 30s).empty());
  auto other_reason = tracker.observe(down(FailureReason::Timeout), kT0 + 40s);
  REQUIRE(other_reason.size() == 1);
  CHECK(other_reason[0].reason == "timeout");
  CHECK(tracker.view()->since == kT0 + 20s);  // still down since the first failure
  CHECK(tracker.down());
}

TEST_CASE("the vantage point is suspect only when most of enough probes fail") {
  std::vector<std::shared_ptr<const vitals::ProbeView>> views;
  std::vector<ProbeTracker> trackers;
  for (int i = 0; i < 5; ++i) trackers.emplace_back(api_probe("p" + std::to_string(i)));
  auto collect = [&] {
    views.clear();
    for (auto& t : trackers) views.push_back(t.view());
    return vitals::vantage_degraded(views, {.failing_fraction = 0.8, .min_probes = 3});
  };
  CHECK_FALSE(collect());  // no results yet
  for (int i = 0; i < 4; ++i) trackers[i].observe(down(FailureReason::Connect), kT0);
  trackers[4].observe(up(), kT0);
  CHECK(collect());  // 4 of 5 failing
  trackers[3].observe(up(), kT0);
  CHECK_FALSE(collect());  // 3 of 5
  std::vector<ProbeTracker> two{ProbeTracker(api_probe("a")), ProbeTracker(api_probe("b"))};
  two[0].observe(down(FailureReason::Connect), kT0);
  two[1].observe(down(FailureReason::Connect), kT0);
  CHECK_FALSE(vitals::vantage_degraded({two[0].view(), two[1].view()}, {}));
}
