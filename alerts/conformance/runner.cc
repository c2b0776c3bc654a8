#include "alerts/conformance/runner.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <re2/re2.h>

#include "agent/store/sample_window.h"
#include "alerts/conformance/result_comparison.h"
#include "alerts/conformance/skip_rules.h"
#include "alerts/promql/parser.h"

namespace vitals::conformance {
namespace {

constexpr std::int64_t kRangeModeStepMs = 60'000;

// Test times start at the Unix epoch and reach days or years past it. The window keeps what is
// newer than now - retention, so "now" sits at the epoch and retention spans two centuries
// either way; with maintenance off nothing is ever dropped.
class EpochClock final : public Clock {
 public:
  SteadyTime now() const override { return SteadyTime{}; }
  WallTime wall_now() const override { return WallTime{}; }
};

WindowOptions window_options() {
  WindowOptions options;
  options.retention = std::chrono::hours(24 * 365 * 200);
  options.maintenance_interval = Duration::zero();
  return options;
}

QueryResult to_result(const promql::Value& value, std::int64_t t_ms) {
  QueryResult out;
  if (const auto* scalar = std::get_if<promql::Scalar>(&value)) {
    out.type = QueryResult::Type::Scalar;
    out.scalar = scalar->value;
  } else if (const auto* string = std::get_if<promql::String>(&value)) {
    out.type = QueryResult::Type::String;
    out.string = string->value;
  } else if (const auto* vector = std::get_if<promql::Vector>(&value)) {
    for (const promql::Sample& sample : *vector) {
      out.series.push_back({sample.labels, {{t_ms, sample.value}}});
    }
  } else {
    out.type = QueryResult::Type::Matrix;
    for (const promql::Series& series : std::get<promql::Matrix>(value)) {
      out.series.push_back({series.labels, series.points});
    }
  }
  return out;
}

QueryResult to_result(const promql::Matrix& matrix) {
  return to_result(promql::Value{matrix}, 0);
}

// A query as text, or as a tree when the runner has changed it.
struct Query {
  std::string_view text{};
  const promql::Expr* tree = nullptr;
};

// Prometheus' AtModifierUnsafeFunctions: their results change with the evaluation time even
// when every selector is pinned with @.
bool at_unsafe(std::string_view function) {
  static const std::set<std::string_view> kUnsafe{
      "days_in_month", "day_of_month", "day_of_week",    "day_of_year", "hour",     "minute",
      "month",         "year",         "predict_linear", "time",        "timestamp"};
  return kUnsafe.contains(function);
}

// promqltest's atModifierTestCases: gives every selector and outermost subquery without an @
// modifier `@ t` (a subquery's inside is left alone); false when an @-unsafe function makes the
// variants meaningless.
bool pin_at(promql::Expr& expr, std::int64_t t_ms) {
  const promql::AtModifier at{.kind = promql::AtModifier::Kind::Timestamp, .timestamp_ms = t_ms};
  bool safe = true;
  auto pin = [&](promql::ExprPtr& child) {
    if (child) safe = pin_at(*child, t_ms) && safe;
  };
  std::visit(
      [&](auto& node) {
        using Node = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<Node, promql::VectorSelector>) {
          if (!node.at) node.at = at;
        } else if constexpr (std::is_same_v<Node, promql::MatrixSelector>) {
          if (!node.selector.at) node.selector.at = at;
        } else if constexpr (std::is_same_v<Node, promql::Subquery>) {
          if (!node.at) node.at = at;
        } else if constexpr (std::is_same_v<Node, promql::Call>) {
          safe = !at_unsafe(node.function) && safe;
          for (promql::ExprPtr& arg : node.args) pin(arg);
        } else if constexpr (std::is_same_v<Node, promql::Aggregate>) {
          pin(node.expr);
          pin(node.param);
        } else if constexpr (std::is_same_v<Node, promql::Binary>) {
          pin(node.lhs);
          pin(node.rhs);
        } else if constexpr (std::is_same_v<Node, promql::Unary> ||
                             std::is_same_v<Node, promql::Paren>) {
          pin(node.expr);
        }
      },
      expr.node);
  return safe;
}

// The times promqltest evaluates the pinned query at.
std::vector<std::int64_t> at_variant_times(std::int64_t t_ms) {
  if (t_ms == 0) return {-1000, 0, 1000};
  return {-10 * t_ms, 0, t_ms / 5, t_ms, 10 * t_ms};
}

// One file's run: the window and engine of the current `load`s, and the tally.
class FileRun {
 public:
  FileRun(const TestFile& file, const RunnerOptions& options)
      : file_(file), options_(options), report_{.file = file.name} {
    reset();
  }

  FileReport run() && {
    for (const Command& command : file_.commands) {
      std::visit([&](const auto& body) { execute(command.line, body); }, command.body);
    }
    return std::move(report_);
  }

 private:
  void reset() {
    engine_.reset();
    window_ = SampleWindow::create(clock_, window_options());
    engine_ = std::make_unique<promql::Engine>(*window_, options_.engine);
    skips_.clear();
  }

  void execute(int, const ClearCommand&) { reset(); }
  void execute(int, const SkipCommand& skip) { count_skip(skip.reason); }

  // A series written twice in one load keeps its last line, as promqltest's does.
  void execute(int, const LoadCommand& load) {
    skips_.load(load);
    std::map<LabelPairs, const SeriesDescription*> series;
    for (const SeriesDescription& s : load.series) series[s.labels] = &s;
    for (const auto& [labels, description] : series) {
      auto ref = window_->get_or_create(labels);
      if (!ref) continue;  // no labels left: promqltest could not store it either
      for (std::size_t i = 0; i < description->values.size(); ++i) {
        const SeriesValue& value = description->values[i];
        const std::int64_t t = static_cast<std::int64_t>(i) * load.interval_ms;
        if (value.kind == SeriesValue::Kind::Number) window_->append(*ref, t, value.value);
        if (value.kind == SeriesValue::Kind::Stale) window_->mark_stale(*ref, t);
      }
    }
  }

  void execute(int line, const EvalCommand& eval) {
    if (auto reason = skips_.reason(eval)) {
      count_skip(*reason);
      return;
    }
    std::optional<Mismatch> bad;
    try {
      bad = eval.kind == EvalCommand::Kind::Instant ? run_instant(eval) : run_range(eval);
    } catch (const std::exception& e) {
      bad = Mismatch{"a result", std::string("exception: ") + e.what()};
    }
    if (!bad) {
      ++report_.passed;
      return;
    }
    ++report_.failed;
    report_.failures.push_back({line, eval.expr, std::move(bad->expected), std::move(bad->got)});
  }

  void count_skip(const std::string& reason) {
    ++report_.skipped;
    ++report_.skip_reasons[reason];
  }

  // What an error means: success when a failure was expected and it is the right one.
  static std::optional<Mismatch> on_error(const EvalCommand& eval, const Error& error) {
    if (eval.fail) return compare_failure(*eval.fail, error.message);
    return Mismatch{"a result", "error: " + error.message};
  }

  Result<promql::Value> instant(const Query& query, std::int64_t t_ms) const {
    return query.tree ? engine_->instant(*query.tree, t_ms) : engine_->instant(query.text, t_ms);
  }
  Result<promql::Matrix> range(const Query& query, std::int64_t start_ms, std::int64_t end_ms,
                               std::int64_t step_ms) const {
    return query.tree ? engine_->range(*query.tree, start_ms, end_ms, step_ms)
                      : engine_->range(query.text, start_ms, end_ms, step_ms);
  }

  // The case as written, then (as promqltest does) with every selector pinned to its time by
  // @ and evaluated at other times, which must not change the result.
  std::optional<Mismatch> run_instant(const EvalCommand& eval) const {
    if (auto bad = check_instant(eval, Query{eval.expr}, eval.time_ms)) return bad;
    if (!options_.check_at_modifier) return std::nullopt;
    auto tree = promql::parse(eval.expr);
    if (!tree || !pin_at(**tree, eval.time_ms)) return std::nullopt;
    for (std::int64_t t : at_variant_times(eval.time_ms)) {
      if (auto bad = check_instant(eval, Query{eval.expr, tree->get()}, t)) {
        bad->got += " (selectors @ " + std::to_string(eval.time_ms) + ", evaluated at " +
                    std::to_string(t) + ")";
        return bad;
      }
    }
    return std::nullopt;
  }

  std::optional<Mismatch> check_instant(const EvalCommand& eval, const Query& query,
                                        std::int64_t t_ms) const {
    auto value = instant(query, t_ms);
    if (!value) return on_error(eval, value.error());
    const QueryResult result = to_result(*value, t_ms);
    if (eval.fail) return Mismatch{"an error", describe(result)};
    if (auto bad = compare_result(eval, result)) return bad;
    if (!options_.check_range_mode || eval.range_vector || eval.string) return std::nullopt;
    return run_range_mode(eval, query, t_ms, result.type == QueryResult::Type::Scalar);
  }

  // promqltest's second look at an instant case: the same query as a range query over
  // t-1m … t+1m, its step at t compared like the instant result. Queries whose value depends
  // on the query's range (start(), end(), range(), step()) are left out, as there.
  std::optional<Mismatch> run_range_mode(const EvalCommand& eval, const Query& query,
                                         std::int64_t t, bool scalar) const {
    static const RE2 kRangeDependent(R"((start|end|range|step)\(\))");
    if (RE2::PartialMatch(eval.expr, kRangeDependent)) return std::nullopt;
    auto matrix = range(query, t - kRangeModeStepMs, t + kRangeModeStepMs, kRangeModeStepMs);
    if (!matrix) return Mismatch{"a result in range mode", "error: " + matrix.error().message};
    if (eval.ordered) return std::nullopt;  // range results are sorted by labels
    QueryResult at_t;
    for (const promql::Series& series : *matrix) {
      auto point = std::find_if(series.points.begin(), series.points.end(),
                                [&](const SamplePoint& p) { return p.t_ms == t; });
      if (point != series.points.end()) at_t.series.push_back({series.labels, {*point}});
    }
    if (scalar) {
      if (at_t.series.empty()) return Mismatch{"a scalar in range mode", "no point at t"};
      at_t = QueryResult{.type = QueryResult::Type::Scalar,
                         .scalar = at_t.series.front().points.front().value};
    }
    auto bad = compare_result(eval, at_t);
    if (bad) bad->got += " (in range mode)";
    return bad;
  }

  std::optional<Mismatch> run_range(const EvalCommand& eval) const {
    auto matrix =
        engine_->range(eval.expr, eval.range.start_ms, eval.range.end_ms, eval.range.step_ms);
    if (!matrix) return on_error(eval, matrix.error());
    const QueryResult result = to_result(*matrix);
    if (eval.fail) return Mismatch{"an error", describe(result)};
    return compare_result(eval, result);
  }

  static std::string describe(const QueryResult& result) {
    switch (result.type) {
      case QueryResult::Type::Scalar:
        return "scalar " + format_value(result.scalar);
      case QueryResult::Type::String:
        return "string \"" + result.string + "\"";
      case QueryResult::Type::Vector:
      case QueryResult::Type::Matrix:
        break;
    }
    if (result.series.empty()) return "an empty result";
    std::string out =
        format_series(result.series.front(), result.type == QueryResult::Type::Matrix);
    if (result.series.size() > 1)
      out += " and " + std::to_string(result.series.size() - 1) + " more";
    return out;
  }

  const TestFile& file_;
  const RunnerOptions& options_;
  EpochClock clock_;
  std::unique_ptr<SampleWindow> window_;
  std::unique_ptr<promql::Engine> engine_;  // reads window_; destroyed first
  SkipContext skips_;
  FileReport report_;
};

}  // namespace

std::string FileReport::top_skip_reasons(std::size_t limit) const {
  std::vector<std::pair<std::string, int>> reasons(skip_reasons.begin(), skip_reasons.end());
  std::stable_sort(reasons.begin(), reasons.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out;
  for (std::size_t i = 0; i < reasons.size() && i < limit; ++i) {
    if (!out.empty()) out += ", ";
    out += reasons[i].first + " " + std::to_string(reasons[i].second);
  }
  return out;
}

FileReport run_test_file(const TestFile& file, const RunnerOptions& options) {
  return FileRun(file, options).run();
}

FileReport run_test_path(const std::string& path, const RunnerOptions& options) {
  auto file = read_test_file(path);
  if (!file) {
    return FileReport{.file = std::filesystem::path(path).filename().string(),
                      .failed = 1,
                      .error = to_string(file.error())};
  }
  return run_test_file(*file, options);
}

}  // namespace vitals::conformance
