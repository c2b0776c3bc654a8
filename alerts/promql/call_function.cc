// Function calls: argument access, and the functions over instant vectors and scalars (math,
// clamps, time, labels, sorting); the range-vector ones are in range_functions.cc.
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <ctime>
#include <functional>
#include <limits>
#include <map>
#include <numbers>

#include "alerts/gotext/utf8.h"
#include "alerts/promql/functions_internal.h"

namespace vitals::promql::detail {

Result<Vector> CallArgs::vector(std::size_t i) const {
  auto value = evaluator_.eval(*call_.args[i], t_ms_);
  if (!value) return tl::unexpected(value.error());
  return std::get<Vector>(std::move(*value));
}

Result<double> CallArgs::scalar(std::size_t i) const {
  auto value = evaluator_.eval(*call_.args[i], t_ms_);
  if (!value) return tl::unexpected(value.error());
  return std::get<Scalar>(*value).value;
}

Result<std::string> CallArgs::string(std::size_t i) const {
  auto value = evaluator_.eval(*call_.args[i], t_ms_);
  if (!value) return tl::unexpected(value.error());
  return std::get<String>(std::move(*value)).value;
}

Result<RangeArg> CallArgs::range(std::size_t i) const {
  return evaluator_.eval_range(*call_.args[i], t_ms_);
}

LabelPairs labels_for_absent(const Expr& expr) {
  const Expr* inner = &expr;
  while (const auto* paren = std::get_if<Paren>(&inner->node)) inner = paren->expr.get();
  const VectorSelector* selector = std::get_if<VectorSelector>(&inner->node);
  if (const auto* matrix = std::get_if<MatrixSelector>(&inner->node)) selector = &matrix->selector;
  LabelPairs labels;
  if (!selector) return labels;
  std::vector<std::string> seen;
  for (const LabelMatcher& matcher : selector->matchers) {
    if (matcher.name() == "__name__") continue;
    const bool first = std::find(seen.begin(), seen.end(), matcher.name()) == seen.end();
    if (matcher.op() == MatchOp::Equal && first) {
      set_label(labels, matcher.name(), matcher.value());
      seen.push_back(matcher.name());
    } else {
      drop_label(labels, matcher.name());
    }
  }
  return labels;
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Go's math.Max and math.Min: NaN wins.
double go_max(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return kNaN;
  return std::max(a, b);
}
double go_min(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return kNaN;
  return std::min(a, b);
}

// Applies `f` to every sample of the vector argument `index`, dropping the name.
Result<Value> each_sample(const CallArgs& args, std::size_t index,
                          const std::function<double(double)>& f) {
  auto vector = args.vector(index);
  if (!vector) return tl::unexpected(vector.error());
  for (Sample& sample : *vector) {
    sample.value = f(sample.value);
    sample.drop_name = true;
  }
  return Value{std::move(*vector)};
}

const std::map<std::string, double (*)(double), std::less<>>& math_functions() {
  static const std::map<std::string, double (*)(double), std::less<>> table{
      {"abs", [](double v) { return std::fabs(v); }},
      {"ceil", [](double v) { return std::ceil(v); }},
      {"floor", [](double v) { return std::floor(v); }},
      {"exp", [](double v) { return std::exp(v); }},
      {"sqrt", [](double v) { return std::sqrt(v); }},
      {"ln", [](double v) { return std::log(v); }},
      {"log2", [](double v) { return std::log2(v); }},
      {"log10", [](double v) { return std::log10(v); }},
      {"sgn", [](double v) { return v < 0   ? -1.0
                                    : v > 0 ? 1.0
                                            : v; }},
      {"sin", [](double v) { return std::sin(v); }},
      {"cos", [](double v) { return std::cos(v); }},
      {"tan", [](double v) { return std::tan(v); }},
      {"asin", [](double v) { return std::asin(v); }},
      {"acos", [](double v) { return std::acos(v); }},
      {"atan", [](double v) { return std::atan(v); }},
      {"sinh", [](double v) { return std::sinh(v); }},
      {"cosh", [](double v) { return std::cosh(v); }},
      {"tanh", [](double v) { return std::tanh(v); }},
      {"asinh", [](double v) { return std::asinh(v); }},
      {"acosh", [](double v) { return std::acosh(v); }},
      {"atanh", [](double v) { return std::atanh(v); }},
      {"rad", [](double v) { return v * std::numbers::pi / 180; }},
      {"deg", [](double v) { return v * 180 / std::numbers::pi; }},
  };
  return table;
}

Result<Value> round_function(const CallArgs& args) {
  double to_nearest = 1;
  if (args.size() > 1) {
    auto given = args.scalar(1);
    if (!given) return tl::unexpected(given.error());
    to_nearest = *given;
  }
  const double inverse = 1.0 / to_nearest;
  return each_sample(args, 0,
                     [inverse](double v) { return std::floor(v * inverse + 0.5) / inverse; });
}

Result<Value> clamp_function(const CallArgs& args) {
  const std::string& name = args.name();
  double low = -std::numeric_limits<double>::infinity();
  double high = std::numeric_limits<double>::infinity();
  if (name == "clamp" || name == "clamp_min") {
    auto given = args.scalar(1);
    if (!given) return tl::unexpected(given.error());
    low = *given;
  }
  if (name == "clamp" || name == "clamp_max") {
    auto given = args.scalar(name == "clamp" ? 2 : 1);
    if (!given) return tl::unexpected(given.error());
    high = *given;
  }
  if (name == "clamp" && high < low) return Value{Vector{}};
  if (name == "clamp_min") return each_sample(args, 0, [low](double v) { return go_max(low, v); });
  if (name == "clamp_max")
    return each_sample(args, 0, [high](double v) { return go_min(high, v); });
  return each_sample(args, 0, [=](double v) { return go_max(low, go_min(high, v)); });
}

// day_of_week() and friends: of each sample's value as Unix seconds, or of the evaluation time.
Result<Value> date_function(const CallArgs& args, const std::function<double(const std::tm&)>& f) {
  auto of = [&](double seconds) {
    std::time_t t = static_cast<std::time_t>(seconds);
    std::tm utc{};
    gmtime_r(&t, &utc);
    return f(utc);
  };
  if (args.size() == 0) {
    return Value{
        Vector{Sample{.value = of(std::floor(static_cast<double>(args.time_ms()) / 1000))}}};
  }
  return each_sample(args, 0, of);
}

bool leap(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

const std::map<std::string, std::function<double(const std::tm&)>, std::less<>>& date_parts() {
  static const std::map<std::string, std::function<double(const std::tm&)>, std::less<>> table{
      {"day_of_month", [](const std::tm& t) { return t.tm_mday; }},
      {"day_of_week", [](const std::tm& t) { return t.tm_wday; }},
      {"day_of_year", [](const std::tm& t) { return t.tm_yday + 1; }},
      {"hour", [](const std::tm& t) { return t.tm_hour; }},
      {"minute", [](const std::tm& t) { return t.tm_min; }},
      {"month", [](const std::tm& t) { return t.tm_mon + 1; }},
      {"year", [](const std::tm& t) { return t.tm_year + 1900; }},
      {"days_in_month",
       [](const std::tm& t) {
         static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
         return kDays[t.tm_mon] + (t.tm_mon == 1 && leap(t.tm_year + 1900) ? 1 : 0);
       }},
  };
  return table;
}

// Go's regexp Expand: $1, ${1}, $name, ${name}, $$; a name is the longest run of letters,
// digits and underscores, so "$1x" names group "1x".
std::string expand(std::string_view templ, const RE2& re,
                   const std::vector<re2::StringPiece>& groups) {
  std::string out;
  for (std::size_t i = 0; i < templ.size(); ++i) {
    if (templ[i] != '$' || i + 1 >= templ.size()) {
      out += templ[i];
      continue;
    }
    if (templ[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    std::string_view name;
    std::size_t next = i + 1;
    if (templ[next] == '{') {
      auto close = templ.find('}', next);
      if (close == std::string_view::npos) {
        out += templ[i];
        continue;
      }
      name = templ.substr(next + 1, close - next - 1);
      next = close + 1;
    } else {
      std::size_t end = next;
      while (end < templ.size() &&
             (std::isalnum(static_cast<unsigned char>(templ[end])) || templ[end] == '_')) {
        ++end;
      }
      name = templ.substr(next, end - next);
      next = end;
    }
    if (name.empty()) {
      out += templ[i];
      continue;
    }
    int index = -1;
    if (std::all_of(name.begin(), name.end(),
                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      index = std::stoi(std::string(name));
    } else if (auto named = re.NamedCapturingGroups().find(std::string(name));
               named != re.NamedCapturingGroups().end()) {
      index = named->second;
    }
    if (index >= 0 && index < static_cast<int>(groups.size()) && groups[index].data()) {
      out.append(groups[index].data(), groups[index].size());
    }
    i = next - 1;
  }
  return out;
}

Result<Value> label_replace(const CallArgs& args) {
  auto vector = args.vector(0);
  auto dst = args.string(1);
  auto replacement = args.string(2);
  auto src = args.string(3);
  auto pattern = args.string(4);
  for (const auto* failed : {&dst, &replacement, &src, &pattern}) {
    if (!*failed) return tl::unexpected(failed->error());
  }
  if (!vector) return tl::unexpected(vector.error());
  RE2::Options options;
  options.set_log_errors(false);
  options.set_dot_nl(true);
  RE2 re("^(?s:" + *pattern + ")$", options);
  if (!re.ok()) {
    return make_error(ErrorCode::InvalidArgument,
                      "invalid regular expression in label_replace(): " + *pattern);
  }
  if (dst->empty() || !gotext::valid_utf8(*dst)) {
    return make_error(ErrorCode::InvalidArgument,
                      "invalid destination label name in label_replace(): " + *dst);
  }
  std::vector<re2::StringPiece> groups(static_cast<std::size_t>(re.NumberOfCapturingGroups()) + 1);
  for (Sample& sample : *vector) {
    const std::string* source = find_label(sample.labels, *src);
    const std::string value = source ? *source : "";
    if (!re.Match(value, 0, value.size(), RE2::ANCHOR_BOTH, groups.data(),
                  static_cast<int>(groups.size()))) {
      continue;
    }
    set_label(sample.labels, *dst, expand(*replacement, re, groups));
    if (*dst == "__name__") sample.drop_name = false;
  }
  return Value{std::move(*vector)};
}

Result<Value> label_join(const CallArgs& args) {
  auto vector = args.vector(0);
  if (!vector) return tl::unexpected(vector.error());
  auto dst = args.string(1);
  if (!dst) return tl::unexpected(dst.error());
  auto separator = args.string(2);
  if (!separator) return tl::unexpected(separator.error());
  std::vector<std::string> sources;
  for (std::size_t i = 3; i < args.size(); ++i) {
    auto source = args.string(i);
    if (!source) return tl::unexpected(source.error());
    if (!gotext::valid_utf8(*source)) {
      return make_error(ErrorCode::InvalidArgument,
                        "invalid source label name in label_join(): " + *source);
    }
    sources.push_back(std::move(*source));
  }
  if (dst->empty() || !gotext::valid_utf8(*dst)) {
    return make_error(ErrorCode::InvalidArgument,
                      "invalid destination label name in label_join(): " + *dst);
  }
  for (Sample& sample : *vector) {
    std::string joined;
    for (std::size_t i = 0; i < sources.size(); ++i) {
      if (i > 0) joined += *separator;
      if (const std::string* value = find_label(sample.labels, sources[i])) joined += *value;
    }
    set_label(sample.labels, *dst, joined);
    if (*dst == "__name__") sample.drop_name = false;
  }
  return Value{std::move(*vector)};
}

Result<Value> sort_function(const CallArgs& args, bool descending) {
  auto vector = args.vector(0);
  if (!vector) return tl::unexpected(vector.error());
  std::stable_sort(vector->begin(), vector->end(), [descending](const Sample& a, const Sample& b) {
    if (std::isnan(a.value)) return false;
    if (std::isnan(b.value)) return true;
    return descending ? a.value > b.value : a.value < b.value;
  });
  return Value{std::move(*vector)};
}

Result<Value> timestamp_function(const CallArgs& args) {
  const Expr* inner = &args.expr(0);
  while (const auto* paren = std::get_if<Paren>(&inner->node)) inner = paren->expr.get();
  Vector out;
  if (const auto* selector = std::get_if<VectorSelector>(&inner->node)) {
    for (auto& [sample, at] : args.evaluator().select_instant(*selector, args.time_ms())) {
      sample.value = static_cast<double>(at) / 1000;
      sample.drop_name = true;
      out.push_back(std::move(sample));
    }
    return Value{std::move(out)};
  }
  const double now = static_cast<double>(args.time_ms()) / 1000;
  return each_sample(args, 0, [now](double) { return now; });
}

Result<Value> absent_function(const CallArgs& args) {
  auto vector = args.vector(0);
  if (!vector) return tl::unexpected(vector.error());
  if (!vector->empty()) return Value{Vector{}};
  return Value{Vector{Sample{.labels = labels_for_absent(args.expr(0)), .value = 1}}};
}

}  // namespace

Result<Value> call_function(const Call& call, const Evaluator& evaluator, std::int64_t t_ms) {
  CallArgs args(call, evaluator, t_ms);
  const std::string& name = call.function;
  if (auto math = math_functions().find(name); math != math_functions().end()) {
    return each_sample(args, 0, math->second);
  }
  if (auto part = date_parts().find(name); part != date_parts().end()) {
    return date_function(args, part->second);
  }
  if (name == "round") return round_function(args);
  if (name == "clamp" || name == "clamp_min" || name == "clamp_max") return clamp_function(args);
  if (name == "time") return Value{Scalar{static_cast<double>(t_ms) / 1000}};
  if (name == "pi") return Value{Scalar{std::numbers::pi}};
  if (name == "timestamp") return timestamp_function(args);
  if (name == "vector") {
    auto value = args.scalar(0);
    if (!value) return tl::unexpected(value.error());
    return Value{Vector{Sample{.value = *value}}};
  }
  if (name == "scalar") {
    auto vector = args.vector(0);
    if (!vector) return tl::unexpected(vector.error());
    return Value{Scalar{vector->size() == 1 ? vector->front().value : kNaN}};
  }
  if (name == "sort" || name == "sort_desc") return sort_function(args, name == "sort_desc");
  if (name == "label_replace") return label_replace(args);
  if (name == "label_join") return label_join(args);
  if (name == "absent") return absent_function(args);
  if (name == "histogram_quantile") return histogram_quantile(args);
  return call_range_function(args);
}

}  // namespace vitals::promql::detail
