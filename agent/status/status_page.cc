#include "agent/status/status_page.h"

#include <map>

#include "agent/status/status_json.h"
#include "vitals/common/log.h"
#include "vitals/common/time_format.h"

namespace vitals::status {
namespace {

using nlohmann::json;

std::vector<ObservedComponent> observed(const Components& components,
                                        const std::vector<ComponentAssessment>& assessments) {
  std::vector<ObservedComponent> out;
  for (std::size_t i = 0; i < assessments.size(); ++i) {
    out.push_back({.name = components.page().components[i].name,
                   .state = assessments[i].state,
                   .causes = assessments[i].causes});
  }
  return out;
}

ComponentState worst_of(const std::vector<ComponentAssessment>& assessments) {
  ComponentState worst = ComponentState::NoData;
  for (const ComponentAssessment& assessment : assessments) {
    worst = std::max(worst, assessment.state);
  }
  return worst;
}

std::string overall_words(ComponentState worst) {
  if (worst == ComponentState::Operational) return "All systems operational";
  return std::string(state_words(worst));
}

// A read that fails leaves its part of the page empty, logged, rather than failing the page.
template <class T>
T or_log(Result<T> result, std::string_view what) {
  if (result) return std::move(*result);
  log::warn("status page: a read failed",
            {{"what", std::string(what)}, {"reason", to_string(result.error())}});
  return T{};
}

}  // namespace

std::vector<FiringAlert> firing_alerts(const rules::GroupStatuses& groups,
                                       const Fingerprinter& fingerprint) {
  std::vector<FiringAlert> firing;
  for (const auto& group : groups) {
    for (const rules::RuleStatus& rule : group->rules) {
      for (const rules::Alert& alert : rule.alerts) {
        if (alert.state != rules::AlertState::Firing) continue;
        firing.push_back({.labels = alert.labels,
                          .annotations = alert.annotations,
                          .active_at_ms = alert.active_at_ms,
                          .fingerprint = fingerprint(alert.labels)});
      }
    }
  }
  return firing;
}

Result<std::unique_ptr<StatusPage>> StatusPage::open(const std::string& path, HistoryStore* history,
                                                     Fingerprinter fingerprint,
                                                     TrackerOptions options) {
  auto store = StatusStore::open(path);
  if (!store) return tl::unexpected(store.error());
  auto tracker = StatusTracker::open(**store, options);
  if (!tracker) return tl::unexpected(tracker.error());
  std::unique_ptr<StatusPage> page(
      new StatusPage(std::move(*store), std::move(*tracker), history, std::move(fingerprint)));
  if (auto configured = page->configure({}, std::chrono::seconds(10)); !configured) {
    return tl::unexpected(configured.error());
  }
  return page;
}

Result<void> StatusPage::configure(const StatusPageConfig& page, Duration refresh) {
  auto components = Components::compile(page);
  if (!components) return tl::unexpected(components.error());
  auto settings = std::make_shared<const Settings>(Settings{std::move(*components), refresh});
  MutexLock lock(mu_);
  settings_ = std::move(settings);
  return {};
}

std::shared_ptr<const StatusPage::Settings> StatusPage::settings() {
  MutexLock lock(mu_);
  return settings_;
}

Result<void> StatusPage::observe(const StatusInputs& inputs) {
  const auto current = settings();
  const std::vector<FiringAlert> firing = firing_alerts(inputs.rules, fingerprint_);
  const auto assessments = current->components.assess(*inputs.snapshot, firing);
  const auto components = observed(current->components, assessments);
  return tracker_->observe(inputs.now, components);
}

json StatusPage::render(const StatusInputs& inputs) {
  const auto current = settings();
  const std::vector<FiringAlert> firing = firing_alerts(inputs.rules, fingerprint_);
  const auto assessments = current->components.assess(*inputs.snapshot, firing);
  const StatusPageConfig& page = current->components.page();
  const std::string today = utc_day(inputs.now);
  const std::string first_day = utc_day(inputs.now - std::chrono::days(kUptimeDays - 1));

  auto day_of_rollups = [&](const std::string& probe) -> std::vector<Rollup> {
    if (history_ == nullptr) return {};
    return or_log(history_->rollups(probe, inputs.now - std::chrono::hours(24)), "probe rollups");
  };
  // A probe can belong to several components: its rollups are read once per answer.
  std::map<std::string, json> response_time_of;
  json components = json::array();
  for (std::size_t i = 0; i < assessments.size(); ++i) {
    const StatusComponentConfig& config = page.components[i];
    json component = component_json(config, assessments[i], *inputs.snapshot);
    const auto days = or_log(tracker_->days(config.name, first_day, today), "uptime days");
    component.update(uptime_json(days, inputs.now));
    json response_times = json::array();
    for (const std::string& probe : config.probes) {
      auto [known, fresh] = response_time_of.try_emplace(probe);
      if (fresh) known->second = response_time_json(probe, day_of_rollups(probe), inputs.now);
      response_times.push_back(known->second);
    }
    component["response_time"] = std::move(response_times);
    component["slo"] = nullptr;
    if (config.slo) {
      std::vector<DayRollup> month;
      const std::string month_start = month_start_day(inputs.now);
      for (const DayRollup& day : days) {
        if (day.day >= month_start) month.push_back(day);
      }
      component["slo"] = slo_json(*config.slo, month, inputs.now);
    }
    components.push_back(std::move(component));
  }

  json incidents = json::array();
  for (const Incident& incident : or_log(
           tracker_->incidents_since(inputs.now - std::chrono::days(kIncidentDays)), "incidents")) {
    incidents.push_back(incident_json(incident));
  }
  const ComponentState worst = worst_of(assessments);
  const auto refresh_seconds = std::max<std::int64_t>(
      1, std::chrono::duration_cast<std::chrono::seconds>(current->refresh).count());
  return {{"title", page.title},
          {"updated", format_rfc3339(inputs.now)},
          {"refresh_seconds", refresh_seconds},
          {"state", std::string(state_code(worst))},
          {"state_text", overall_words(worst)},
          {"components", std::move(components)},
          {"incidents", std::move(incidents)}};
}

Result<void> StatusPage::flush() {
  return tracker_->flush();
}

}  // namespace vitals::status
