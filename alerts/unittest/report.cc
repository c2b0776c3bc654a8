#include "alerts/unittest/report.h"

#include <charconv>
#include <chrono>
#include <cmath>

#include "alerts/promql/printer.h"
#include "alerts/promql/quoting.h"
#include "vitals/common/duration.h"

namespace vitals::unittest {
namespace {

// Eval times are printed as Prometheus durations (model.Duration): "5m", "1d", "0s".
std::string eval_time(std::int64_t ms) {
  return promql::format_duration_ms(ms);
}

std::string format_alert(const AlertView& alert) {
  return "Labels:" + format_labels(alert.labels) +
         "\nAnnotations:" + format_labels(alert.annotations);
}

}  // namespace

std::string format_labels(const LabelPairs& labels) {
  std::string out = "{";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ", ";
    const std::string& name = labels[i].name;
    out += promql::is_legacy_label_name(name) ? name : promql::go_quote(name);
    out += '=';
    out += promql::go_quote(labels[i].value);
  }
  return out + "}";
}

std::string format_float_e(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[64];
  auto [end, ec] =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  std::string out(buffer, ec == std::errc() ? end : buffer);
  for (char& c : out) {
    if (c == 'e') c = 'E';
  }
  return out;
}

std::string indent_lines(std::string_view text, std::string_view indent) {
  std::string out;
  std::size_t start = 0;
  for (std::size_t line = 0;; ++line) {
    std::size_t end = text.find('\n', start);
    if (line > 0) out += indent;
    out += text.substr(start, end == std::string_view::npos ? end : end - start);
    if (end == std::string_view::npos) break;
    out += '\n';
    start = end + 1;
  }
  return out;
}

std::string format_alerts(const std::vector<AlertView>& alerts) {
  if (alerts.empty()) return "[]";
  std::string out = "[";
  for (std::size_t i = 0; i < alerts.size(); ++i) {
    out += i == 0 ? "\n" : ",\n";
    out += std::to_string(i) + ":" + indent_lines("\n" + format_alert(alerts[i]), "  ");
  }
  return out + "\n]";
}

std::string format_samples(const std::vector<SampleView>& samples) {
  if (samples.empty()) return "nil";
  std::string out;
  for (const SampleView& sample : samples) {
    if (!out.empty()) out += ", ";
    out += format_labels(sample.labels) + " " + format_float_e(sample.value);
  }
  return out;
}

std::string alert_mismatch(const std::string& group, const std::string& alertname,
                           std::int64_t eval_time_ms, const std::vector<AlertView>& expected,
                           const std::vector<AlertView>& got) {
  std::string out;
  if (!group.empty()) out += "    name: " + group + ",\n";
  out += "    alertname: " + alertname + ", time: " + eval_time(eval_time_ms) + ", \n";
  out += "        exp:" + indent_lines(format_alerts(expected), "            ") + ", \n";
  out += "        got:" + indent_lines(format_alerts(got), "            ");
  return out;
}

std::string sample_mismatch(const std::string& expr, std::int64_t eval_time_ms,
                            const std::vector<SampleView>& expected,
                            const std::vector<SampleView>& got) {
  return "    expr: " + promql::go_quote(expr) + ", time: " + eval_time(eval_time_ms) +
         ",\n        exp: " + format_samples(expected) + "\n        got: " + format_samples(got);
}

std::string query_error(const std::string& expr, std::int64_t eval_time_ms,
                        const std::string& message) {
  return "    expr: " + promql::go_quote(expr) + ", time: " + eval_time(eval_time_ms) +
         ", err: " + message;
}

// promtool prints this time with Go's time.Duration ("1m0s"), unlike the others.
std::string rule_error(const std::string& rule, std::int64_t t_ms, const std::string& message) {
  return "    rule: " + rule + ", time: " + format_duration(std::chrono::milliseconds(t_ms)) +
         ", err: " + message;
}

std::string missing_alertname(const std::string& group, std::int64_t eval_time_ms) {
  std::string out =
      "an item under alert_rule_test misses required attribute alertname at "
      "eval_time " +
      eval_time(eval_time_ms);
  if (!group.empty()) out += " (in TestGroup " + group + ")";
  return out;
}

}  // namespace vitals::unittest
