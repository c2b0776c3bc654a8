#include "alerts/unittest/group_runner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <utility>
#include <variant>

#include "agent/store/sample_window.h"
#include "alerts/conformance/series_notation.h"
#include "alerts/promql/engine.h"
#include "alerts/promql/quoting.h"
#include "alerts/rules/rule_group.h"
#include "alerts/unittest/expectations.h"
#include "alerts/unittest/report.h"

namespace vitals::unittest::detail {
namespace {

using conformance::SeriesValue;

// The window keeps what is newer than now - retention. Test times run from the Unix epoch (or a
// group's start_timestamp) to centuries past it, so "now" sits at the epoch, retention spans
// three centuries either way, and with maintenance off nothing is ever dropped.
class EpochClock final : public Clock {
 public:
  SteadyTime now() const override { return SteadyTime{}; }
  WallTime wall_now() const override { return WallTime{}; }
};

WindowOptions window_options() {
  WindowOptions options;
  options.retention = std::chrono::hours(24 * 365 * 200);  // 300 years overflow nanoseconds
  options.maintenance_interval = Duration::zero();
  return options;
}

// One input series' points, appended as evaluation reaches them.
struct InputPoints {
  LabelPairs labels{};
  std::vector<std::pair<std::int64_t, SeriesValue>> points{};
  std::size_t next = 0;  // the first point not yet appended
};

class GroupRun {
 public:
  GroupRun(const TestGroup& group, const GroupContext& context)
      : group_(group),
        context_(context),
        interval_ms_(group.interval_ms > 0 ? group.interval_ms : context.evaluation_interval_ms),
        start_ms_(group.start_ms),
        window_(SampleWindow::create(clock_, window_options())),
        template_context_{.external_labels = group.external_labels,
                          .external_url = group.external_url} {
    // promqltest's LazyLoader: at most 10000 samples a query (mirrored for when the engine
    // enforces max_samples), subqueries without a step at the evaluation interval; the 5m
    // lookback is the default.
    engine_options_.max_samples = 10'000;
    engine_options_.default_subquery_step_ms = context.evaluation_interval_ms;
  }

  std::vector<std::string> run() && {
    if (!load_series()) return std::move(failures_);
    if (!context_.rule_errors.empty()) {
      failures_.insert(failures_.end(), context_.rule_errors.begin(), context_.rule_errors.end());
      return std::move(failures_);
    }
    for (const AlertTestCase& test : group_.alert_rule_tests) {
      if (test.alertname.empty()) {
        failures_.push_back(missing_alertname(group_.name, test.eval_time_ms));
        return std::move(failures_);
      }
    }
    for (const rules::GroupSpec& spec : context_.rule_groups) {
      groups_.push_back(
          std::make_unique<rules::RuleGroup>(spec, interval_ms_, *window_, engine_options_));
    }
    if (!evaluate_all()) return std::move(failures_);
    engine_ = std::make_unique<promql::Engine>(*window_, engine_options_);
    for (const PromqlTestCase& test : group_.promql_expr_tests) check_promql(test);
    return std::move(failures_);
  }

 private:
  // Each series as promqltest's `load` reads "series values"; a label set written twice keeps
  // its last line. A series that does not parse stops the group, as in promtool; one of native
  // histograms (which vitals does not evaluate) is a failure too, but the group runs without it
  // so its other cases still count.
  bool load_series() {
    std::map<LabelPairs, std::size_t> index;
    for (const InputSeries& input : group_.input_series) {
      auto parsed = conformance::parse_series_description(input.series + " " + input.values);
      auto fail = [&](const std::string& problem) {
        failures_.push_back(to_string(
            Error{ErrorCode::InvalidArgument,
                  "input series " + promql::go_quote(input.series) + ": " + problem, input.where}));
      };
      if (!parsed) {
        fail(parsed.error().message);
        return false;
      }
      if (parsed->has_histograms()) {
        fail("native histograms are not supported by vitals");
        continue;
      }
      InputPoints series{.labels = parsed->labels};
      for (std::size_t i = 0; i < parsed->values.size(); ++i) {
        const SeriesValue& value = parsed->values[i];
        if (value.kind == SeriesValue::Kind::Missing) continue;
        series.points.emplace_back(start_ms_ + static_cast<std::int64_t>(i) * interval_ms_, value);
      }
      auto [at, added] = index.emplace(series.labels, series_.size());
      if (added) {
        series_.push_back(std::move(series));
      } else {
        series_[at->second] = std::move(series);
      }
    }
    return true;
  }

  // promqltest's WithSamplesTill: what is due by t_ms, and nothing later.
  void append_until(std::int64_t t_ms) {
    for (InputPoints& series : series_) {
      if (series.next >= series.points.size() || series.points[series.next].first > t_ms) continue;
      auto ref = window_->get_or_create(series.labels);
      for (; series.next < series.points.size() && series.points[series.next].first <= t_ms;
           ++series.next) {
        if (!ref) continue;  // no labels left: the store could not keep it either
        const auto& [t, value] = series.points[series.next];
        if (value.kind == SeriesValue::Kind::Stale) {
          window_->mark_stale(*ref, t);
        } else {
          window_->append(*ref, t, value.value);
        }
      }
    }
  }

  std::int64_t max_eval_time() const {
    std::int64_t max = 0;
    for (const AlertTestCase& test : group_.alert_rule_tests)
      max = std::max(max, test.eval_time_ms);
    for (const PromqlTestCase& test : group_.promql_expr_tests) {
      max = std::max(max, test.eval_time_ms);
    }
    return max;
  }

  // Evaluates every group at each step; alert cases due in [ts, ts + interval) are checked
  // right after the step at ts. Stops at the first step whose rules fail, as promtool does.
  bool evaluate_all() {
    std::set<std::int64_t> alert_times;
    for (const AlertTestCase& test : group_.alert_rule_tests) alert_times.insert(test.eval_time_ms);
    auto next_alert = alert_times.begin();
    const std::int64_t max = max_eval_time();
    const std::int64_t step = context_.evaluation_interval_ms;
    for (std::int64_t ts = 0; ts <= max; ts += step) {
      append_until(start_ms_ + ts);
      if (!evaluate_at(ts)) return false;
      for (; next_alert != alert_times.end() && ts <= *next_alert && *next_alert < ts + step;
           ++next_alert) {
        check_alerts(*next_alert);
      }
      if (ts > std::numeric_limits<std::int64_t>::max() - step) break;
    }
    return true;
  }

  bool evaluate_at(std::int64_t ts) {
    bool ok = true;
    for (auto& group : groups_) {
      group->evaluate(start_ms_ + ts, template_context_);
      for (const rules::RuleStatus& rule : group->status()->rules) {
        if (rule.health != "err") continue;
        failures_.push_back(rule_error(rule.name, ts, rule.last_error));
        ok = false;
      }
    }
    return ok;
  }

  void check_alerts(std::int64_t eval_time_ms) {
    std::map<std::string, std::vector<AlertView>> got;
    for (const AlertTestCase& test : group_.alert_rule_tests) {
      if (test.eval_time_ms == eval_time_ms) got[test.alertname];
    }
    // One alertname may belong to rules in several groups: their alerts are pooled.
    for (auto& group : groups_) {
      for (const rules::RuleStatus& rule : group->status()->rules) {
        auto wanted = got.find(rule.name);
        if (rule.type != "alerting" || wanted == got.end()) continue;
        for (const rules::Alert& alert : rule.alerts) {
          if (alert.state != rules::AlertState::Firing) continue;
          wanted->second.push_back({alert.labels, alert.annotations});
        }
      }
    }
    for (const AlertTestCase& test : group_.alert_rule_tests) {
      if (test.eval_time_ms != eval_time_ms) continue;
      std::vector<AlertView> actual = got[test.alertname];
      std::vector<AlertView> expected = expected_alerts(test);
      std::sort(actual.begin(), actual.end());
      if (expected != actual) {
        failures_.push_back(
            alert_mismatch(group_.name, test.alertname, test.eval_time_ms, expected, actual));
      }
    }
  }

  void check_promql(const PromqlTestCase& test) {
    auto value = engine_->instant(test.expr, start_ms_ + test.eval_time_ms);
    if (!value) {
      failures_.push_back(query_error(test.expr, test.eval_time_ms, value.error().message));
      return;
    }
    std::vector<SampleView> got;
    if (const auto* vector = std::get_if<promql::Vector>(&*value)) {
      for (const promql::Sample& sample : *vector) got.push_back({sample.labels, sample.value});
    } else if (const auto* scalar = std::get_if<promql::Scalar>(&*value)) {
      got.push_back({{}, scalar->value});
    } else {
      failures_.push_back(
          query_error(test.expr, test.eval_time_ms, "rule result is not a vector or scalar"));
      return;
    }
    auto expected = expected_samples(test);
    if (!expected) {
      failures_.push_back(query_error(test.expr, test.eval_time_ms, expected.error().message));
      return;
    }
    sort_samples(got);
    if (!same_samples(*expected, got, context_.fuzzy_compare)) {
      failures_.push_back(sample_mismatch(test.expr, test.eval_time_ms, *expected, got));
    }
  }

  const TestGroup& group_;
  const GroupContext& context_;
  const std::int64_t interval_ms_;
  const std::int64_t start_ms_;
  EpochClock clock_;
  std::unique_ptr<SampleWindow> window_;
  promql::EngineOptions engine_options_;
  rules::TemplateContext template_context_;
  std::vector<InputPoints> series_;
  std::vector<std::unique_ptr<rules::RuleGroup>> groups_;  // read window_; destroyed first
  std::unique_ptr<promql::Engine> engine_;
  std::vector<std::string> failures_;
};

}  // namespace

std::vector<std::string> run_test_group(const TestGroup& group, const GroupContext& context) {
  return GroupRun(group, context).run();
}

}  // namespace vitals::unittest::detail
