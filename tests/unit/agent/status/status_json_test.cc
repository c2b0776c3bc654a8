#include "agent/status/status_json.h"

#include <doctest/doctest.h>

namespace {

using namespace std::chrono_literals;
using vitals::Rollup;
using vitals::WallTime;
using vitals::status::DayRollup;

// 2026-11-27T10:07:00Z
const WallTime kNow = WallTime(std::chrono::seconds(1795773600)) + 7min;

}  // namespace

TEST_CASE("the uptime bar has 90 days ending today, unobserved ones null") {
  const std::vector<DayRollup> days = {
      {.day = "2026-11-26", .observed_ms = 86'400'000, .partial_ms = 864'000},
      {.day = "2026-11-27", .observed_ms = 1000}};
  const auto json = vitals::status::uptime_json(days, kNow);
  const auto& uptime = json.at("uptime");
  REQUIRE(uptime.size() == 90);
  CHECK(uptime.front().at("date") == "2026-08-30");
  CHECK(uptime.front().at("availability").is_null());
  CHECK(uptime[88].at("date") == "2026-11-26");
  CHECK(uptime[88].at("availability").get<double>() == doctest::Approx(0.99));
  CHECK(uptime[88].at("partial_outage_seconds").get<double>() == doctest::Approx(864));
  CHECK(uptime.back().at("date") == "2026-11-27");
  CHECK(uptime.back().at("availability").get<double>() == doctest::Approx(1.0));
  // Weighted by observed time, not an average of days.
  CHECK(json.at("availability_90d").get<double>() ==
        doctest::Approx(1.0 - 864'000.0 / 86'401'000.0));
  CHECK(vitals::status::uptime_json({}, kNow).at("availability_90d").is_null());
}

TEST_CASE("response times are per 15-minute bucket means over the last 24 hours") {
  const WallTime bucket_start = WallTime(std::chrono::seconds(1795773600));  // 10:00
  const std::vector<Rollup> rollups = {
      {.target = "card-api", .minute = bucket_start, .count = 2, .latency_sum_seconds = 0.2},
      {.target = "card-api", .minute = bucket_start + 1min, .count = 2, .latency_sum_seconds = 0.6},
      {.target = "card-api", .minute = bucket_start - 25h, .count = 1, .latency_sum_seconds = 9}};
  const auto json = vitals::status::response_time_json("card-api", rollups, kNow);
  CHECK(json.at("probe") == "card-api");
  const auto& points = json.at("points");
  REQUIRE(points.size() == 96);
  CHECK(points.back().at("at") == "2026-11-27T10:00:00.000Z");
  CHECK(points.back().at("seconds").get<double>() == doctest::Approx(0.2));
  CHECK(points.front().at("at") == "2026-11-26T10:15:00.000Z");
  CHECK(points.front().at("seconds").is_null());
}

TEST_CASE("the error budget is the month's downtime allowance less the outage time so far") {
  // November has 30 days: 99.9% allows 0.1% of 2,592,000 s, 2592 s (43.2 minutes).
  const auto half = vitals::status::slo_json(
      99.9, {{.day = "2026-11-01", .observed_ms = 1'000'000'000, .partial_ms = 1'296'000}}, kNow);
  CHECK(half.at("month") == "2026-11");
  CHECK(half.at("allowed_downtime_seconds").get<double>() == doctest::Approx(2592));
  CHECK(half.at("downtime_seconds").get<double>() == doctest::Approx(1296));
  CHECK(half.at("budget_left").get<double>() == doctest::Approx(0.5));
  CHECK(half.at("availability").get<double>() == doctest::Approx(1 - 1296.0 / 1'000'000));
  // Partial and major outage both count; more than the allowance overspends.
  const auto overspent = vitals::status::slo_json(
      99.9,
      {{.day = "2026-11-02", .observed_ms = 10'000'000, .partial_ms = 2'592'000},
       {.day = "2026-11-03", .observed_ms = 10'000'000, .major_ms = 2'592'000}},
      kNow);
  CHECK(overspent.at("budget_left").get<double>() == doctest::Approx(-1.0));
  // A few seconds of outage barely touch it.
  const auto brief = vitals::status::slo_json(
      99.9, {{.day = "2026-11-27", .observed_ms = 60'000, .partial_ms = 9000}}, kNow);
  CHECK(brief.at("budget_left").get<double>() == doctest::Approx(1 - 9.0 / 2592));
  CHECK(vitals::status::slo_json(99.9, {}, kNow).at("budget_left").is_null());
  CHECK(vitals::status::month_start_day(kNow) == "2026-11-01");
}

TEST_CASE("an incident's JSON keeps its strings as they are, with its timeline") {
  vitals::status::Incident incident{.id = 7,
                                    .component = "<b>Cards</b>",
                                    .worst = vitals::status::ComponentState::MajorOutage,
                                    .opened = kNow};
  incident.timeline.push_back({.at = kNow,
                               .state = vitals::status::ComponentState::MajorOutage,
                               .detail = "<img src=x onerror=alert(1)>"});
  const auto json = vitals::status::incident_json(incident);
  CHECK(json.at("component") == "<b>Cards</b>");
  CHECK(json.at("state_text") == "Major outage");
  CHECK(json.at("closed").is_null());
  CHECK(json.at("timeline").at(0).at("detail") == "<img src=x onerror=alert(1)>");
  CHECK(json.dump().find("<img") != std::string::npos);  // JSON needs no HTML escaping
}
