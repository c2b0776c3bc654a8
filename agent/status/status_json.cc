#include "agent/status/status_json.h"

#include <cmath>
#include <map>

#include "vitals/common/time_format.h"

namespace vitals::status {
namespace {

using nlohmann::json;
using std::chrono::minutes;

constexpr Duration kBucket = minutes(15);

json nullable(const std::optional<double>& value) {
  return value ? json(*value) : json(nullptr);
}

double seconds_of(std::int64_t ms) {
  return static_cast<double>(ms) / 1000;
}

json services_json(const StatusComponentConfig& component, const AgentSnapshot& snapshot) {
  json services = json::array();
  for (const std::string& name : component.services) {
    const ServiceView* service = snapshot.service(name);
    json failing = json::array();
    if (service != nullptr) {
      for (const CheckView& check : service->checks) {
        if (check.status == "healthy") continue;
        json out = {{"name", check.name}, {"status", check.status}};
        if (check.error) out["error"] = *check.error;
        failing.push_back(std::move(out));
      }
    }
    json out = {{"name", name},
                {"status", service != nullptr ? service->status : "unknown"},
                {"failing_checks", std::move(failing)}};
    if (service != nullptr && service->status == "unreachable") out["error"] = service->error;
    services.push_back(std::move(out));
  }
  return services;
}

json probes_json(const StatusComponentConfig& component, const AgentSnapshot& snapshot) {
  json probes = json::array();
  for (const std::string& name : component.probes) {
    const ProbeView* probe = snapshot.probe(name);
    json out = {{"name", name}, {"success", nullptr}};
    if (probe != nullptr && probe->last) {
      out["success"] = probe->last->success;
      out["duration_seconds"] = std::chrono::duration<double>(probe->last->duration).count();
      if (!probe->last->success) {
        out["reason"] = std::string(to_string(probe->last->reason));
        out["error"] = probe->last->error;
      }
    }
    probes.push_back(std::move(out));
  }
  return probes;
}

json labels_json(const LabelPairs& labels) {
  json out = json::object();
  for (const LabelPair& label : labels) out[label.name] = label.value;
  return out;
}

json active_incident_json(const FiringAlert& alert) {
  return {{"alertname", std::string(notify::label_value(alert.labels, "alertname"))},
          {"severity", std::string(severity_of(alert))},
          {"summary", std::string(notify::label_value(alert.annotations, "summary"))},
          {"since", format_rfc3339(WallTime(std::chrono::milliseconds(alert.active_at_ms)))},
          {"labels", labels_json(alert.labels)},
          {"fingerprint", alert.fingerprint}};
}

json day_json(const std::string& date, const DayRollup* day) {
  if (day == nullptr) {
    return {{"date", date},          {"availability", nullptr},     {"observed_seconds", 0},
            {"degraded_seconds", 0}, {"partial_outage_seconds", 0}, {"major_outage_seconds", 0}};
  }
  return {{"date", date},
          {"availability", nullable(day->availability())},
          {"observed_seconds", seconds_of(day->observed_ms)},
          {"degraded_seconds", seconds_of(day->degraded_ms)},
          {"partial_outage_seconds", seconds_of(day->partial_ms)},
          {"major_outage_seconds", seconds_of(day->major_ms)}};
}

DayRollup total_of(const std::vector<DayRollup>& days) {
  DayRollup total;
  for (const DayRollup& day : days) total += day;
  return total;
}

}  // namespace

json component_json(const StatusComponentConfig& component, const ComponentAssessment& assessment,
                    const AgentSnapshot& snapshot) {
  json incidents = json::array();
  for (const FiringAlert* alert : assessment.alerts) {
    incidents.push_back(active_incident_json(*alert));
  }
  return {{"name", component.name},
          {"description", component.description},
          {"state", std::string(state_code(assessment.state))},
          {"state_text", std::string(state_words(assessment.state))},
          {"causes", assessment.causes},
          {"services", services_json(component, snapshot)},
          {"probes", probes_json(component, snapshot)},
          {"active_incidents", std::move(incidents)}};
}

json uptime_json(const std::vector<DayRollup>& days, WallTime now) {
  std::map<std::string, const DayRollup*> by_day;
  for (const DayRollup& day : days) by_day[day.day] = &day;
  json uptime = json::array();
  const WallTime today = day_start(now);
  for (int back = kUptimeDays - 1; back >= 0; --back) {
    const std::string date = utc_day(today - std::chrono::days(back));
    auto found = by_day.find(date);
    uptime.push_back(day_json(date, found == by_day.end() ? nullptr : found->second));
  }
  return {{"uptime", std::move(uptime)},
          {"availability_90d", nullable(total_of(days).availability())}};
}

json response_time_json(const std::string& probe, const std::vector<Rollup>& rollups,
                        WallTime now) {
  const WallTime last_bucket = now - now.time_since_epoch() % kBucket;
  const WallTime first_bucket = last_bucket - kBucket * (kResponseTimeBuckets - 1);
  std::vector<std::pair<double, std::int64_t>> sums(kResponseTimeBuckets, {0.0, 0});
  for (const Rollup& rollup : rollups) {
    if (rollup.minute < first_bucket || rollup.count <= 0) continue;
    const auto index = static_cast<std::size_t>((rollup.minute - first_bucket) / kBucket);
    if (index >= sums.size()) continue;
    sums[index].first += rollup.latency_sum_seconds;
    sums[index].second += rollup.count;
  }
  json points = json::array();
  for (std::size_t i = 0; i < sums.size(); ++i) {
    const auto& [latency, count] = sums[i];
    points.push_back(
        {{"at", format_rfc3339(first_bucket + kBucket * static_cast<int>(i))},
         {"seconds", count > 0 ? json(latency / static_cast<double>(count)) : json(nullptr)}});
  }
  return {{"probe", probe}, {"points", std::move(points)}};
}

std::string month_start_day(WallTime now) {
  std::string day = utc_day(now);
  return day.substr(0, 8) + "01";
}

json slo_json(double objective_percent, const std::vector<DayRollup>& month_days, WallTime now) {
  const DayRollup month = total_of(month_days);
  const std::optional<double> availability = month.availability();
  // The month's allowance of downtime, over the whole calendar month: what a 99.9% objective
  // allows is 43 minutes of a 30-day month, however much of it has passed.
  const std::chrono::year_month_day today{std::chrono::floor<std::chrono::days>(now)};
  const auto month_length =
      std::chrono::sys_days{today.year() / today.month() / std::chrono::last} -
      std::chrono::sys_days{today.year() / today.month() / 1} + std::chrono::days(1);
  const double allowed_seconds =
      (1.0 - objective_percent / 100.0) *
      std::chrono::duration_cast<std::chrono::seconds>(month_length).count();
  const double downtime_seconds = seconds_of(month.partial_ms + month.major_ms);
  json budget = nullptr;
  if (availability) budget = 1.0 - downtime_seconds / allowed_seconds;
  return {{"objective", objective_percent},         {"month", utc_day(now).substr(0, 7)},
          {"availability", nullable(availability)}, {"allowed_downtime_seconds", allowed_seconds},
          {"downtime_seconds", downtime_seconds},   {"budget_left", std::move(budget)}};
}

json incident_json(const Incident& incident) {
  json timeline = json::array();
  for (const IncidentEvent& event : incident.timeline) {
    timeline.push_back({{"at", format_rfc3339(event.at)},
                        {"state", std::string(state_code(event.state))},
                        {"state_text", std::string(state_words(event.state))},
                        {"detail", event.detail}});
  }
  return {{"id", incident.id},
          {"component", incident.component},
          {"state", std::string(state_code(incident.worst))},
          {"state_text", std::string(state_words(incident.worst))},
          {"opened", format_rfc3339(incident.opened)},
          {"closed", incident.closed ? json(format_rfc3339(*incident.closed)) : json(nullptr)},
          {"timeline", std::move(timeline)}};
}

}  // namespace vitals::status
