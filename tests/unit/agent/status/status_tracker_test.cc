#include "agent/status/status_tracker.h"

#include <doctest/doctest.h>

#include "tests/support/temp_dir.h"

namespace {

using namespace std::chrono_literals;
using vitals::WallTime;
using vitals::status::ComponentState;
using vitals::status::ObservedComponent;
using vitals::status::StatusStore;
using vitals::status::StatusTracker;

// 2026-11-27T10:00:00Z
const WallTime kStart = WallTime(std::chrono::seconds(1795773600));

ObservedComponent cards(ComponentState state, std::string cause = "") {
  ObservedComponent component{.name = "Card payments", .state = state};
  if (!cause.empty()) component.causes.push_back(std::move(cause));
  return component;
}

struct Fixture {
  vitals::testing::TempDir dir;
  std::unique_ptr<StatusStore> store;
  std::unique_ptr<StatusTracker> tracker;

  Fixture() { reopen(); }

  void reopen() {
    tracker.reset();
    store.reset();
    auto opened = StatusStore::open(dir.file("status.db"));
    REQUIRE(opened);
    store = std::move(*opened);
    auto tracking = StatusTracker::open(*store, {});
    REQUIRE(tracking);
    tracker = std::move(*tracking);
  }

  void observe(WallTime at, ObservedComponent component) {
    REQUIRE(tracker->observe(at, std::span(&component, 1)));
  }

  vitals::status::DayRollup day(const std::string& date) {
    auto days = tracker->days("Card payments", date, date);
    REQUIRE(days);
    REQUIRE(days->size() == 1);
    return days->front();
  }

  std::vector<vitals::status::Incident> incidents() {
    auto found = tracker->incidents_since(kStart - 24h);
    REQUIRE(found);
    return *found;
  }
};

}  // namespace

TEST_CASE("the time between observations counts for the earlier state") {
  Fixture f;
  f.observe(kStart, cards(ComponentState::Operational));
  f.observe(kStart + 5s, cards(ComponentState::PartialOutage, "card-service is unhealthy"));
  f.observe(kStart + 8s, cards(ComponentState::DegradedPerformance));
  f.observe(kStart + 9s, cards(ComponentState::Operational));
  const auto day = f.day("2026-11-27");
  CHECK(day.observed_ms == 9000);
  CHECK(day.partial_ms == 3000);
  CHECK(day.degraded_ms == 1000);
  CHECK(day.major_ms == 0);
  CHECK(*day.availability() == doctest::Approx(6.0 / 9.0));
}

TEST_CASE("a gap longer than max_gap is not observed, and No data is not counted") {
  Fixture f;
  f.observe(kStart, cards(ComponentState::Operational));
  f.observe(kStart + 1s, cards(ComponentState::NoData));
  f.observe(kStart + 2s, cards(ComponentState::Operational));
  f.observe(kStart + 2min, cards(ComponentState::Operational));  // the agent stalled
  f.observe(kStart + 2min + 1s, cards(ComponentState::Operational));
  CHECK(f.day("2026-11-27").observed_ms == 2000);
}

TEST_CASE("time across midnight is split between the two days") {
  Fixture f;
  const WallTime before_midnight = kStart + 14h - 3s;  // 23:59:57
  f.observe(before_midnight, cards(ComponentState::MajorOutage, "everything is down"));
  f.observe(before_midnight + 5s, cards(ComponentState::MajorOutage, "everything is down"));
  CHECK(f.day("2026-11-27").major_ms == 3000);
  CHECK(f.day("2026-11-28").major_ms == 2000);
}

TEST_CASE("day time survives a restart once flushed") {
  Fixture f;
  f.observe(kStart, cards(ComponentState::Operational));
  f.observe(kStart + 4s, cards(ComponentState::Operational));
  REQUIRE(f.tracker->flush());
  f.reopen();
  CHECK(f.day("2026-11-27").observed_ms == 4000);
}

TEST_CASE("an incident opens on leaving Operational, follows changes and closes on return") {
  Fixture f;
  f.observe(kStart, cards(ComponentState::Operational));
  CHECK(f.incidents().empty());
  f.observe(kStart + 1s, cards(ComponentState::PartialOutage, "alert CardDeclineRatioHigh"));
  f.observe(kStart + 2s, cards(ComponentState::PartialOutage, "alert CardDeclineRatioHigh"));
  f.observe(kStart + 3s, cards(ComponentState::MajorOutage, "card-service is unreachable"));
  f.observe(kStart + 4s, cards(ComponentState::NoData));  // says nothing
  f.observe(kStart + 5s, cards(ComponentState::Operational));

  const auto incidents = f.incidents();
  REQUIRE(incidents.size() == 1);
  const auto& incident = incidents[0];
  CHECK(incident.component == "Card payments");
  CHECK(incident.worst == ComponentState::MajorOutage);
  CHECK(incident.opened == kStart + 1s);
  CHECK(incident.closed == kStart + 5s);
  REQUIRE(incident.timeline.size() == 3);
  CHECK(incident.timeline[0].state == ComponentState::PartialOutage);
  CHECK(incident.timeline[0].detail == "alert CardDeclineRatioHigh");
  CHECK(incident.timeline[1].detail == "card-service is unreachable");
  CHECK(incident.timeline[2].state == ComponentState::Operational);
}

TEST_CASE("an incident open at a restart closes when its component is found Operational") {
  Fixture f;
  f.observe(kStart, cards(ComponentState::DegradedPerformance, "card-service is degraded"));
  f.reopen();
  f.observe(kStart + 1min, cards(ComponentState::NoData));
  REQUIRE(f.incidents().at(0).closed == std::nullopt);
  f.observe(kStart + 2min, cards(ComponentState::Operational));
  const auto incidents = f.incidents();
  REQUIRE(incidents.size() == 1);
  CHECK(incidents[0].closed == kStart + 2min);
  CHECK(incidents[0].timeline.size() == 2);
}

TEST_CASE("incidents are listed newest first; closed ones only within the window") {
  Fixture f;
  f.observe(kStart - 48h, cards(ComponentState::PartialOutage, "old"));
  f.observe(kStart - 47h, cards(ComponentState::Operational));
  f.observe(kStart, cards(ComponentState::PartialOutage, "new"));
  const auto incidents = f.incidents();  // since kStart - 24h
  REQUIRE(incidents.size() == 1);
  CHECK(incidents[0].timeline.at(0).detail == "new");
}

TEST_CASE("retention removes closed incidents and days older than it") {
  Fixture f;
  f.observe(kStart - 500 * 24h, cards(ComponentState::PartialOutage, "long ago"));
  f.observe(kStart - 500 * 24h + 2s, cards(ComponentState::Operational));
  REQUIRE(f.tracker->flush());
  auto deleted = f.store->delete_before(kStart - 400 * 24h);
  REQUIRE(deleted);
  CHECK(*deleted == 2);  // the incident (its events go with it) and the day
  auto all = f.store->incidents_since(WallTime{});
  REQUIRE(all);
  CHECK(all->empty());
}
