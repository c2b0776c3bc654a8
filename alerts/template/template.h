// Prometheus' alert templating: Go's text/template with Prometheus' function map, as it
// expands an alerting rule's labels and annotations. Output matches Prometheus byte for byte
// (`promtool test rules` compares annotations as strings), error texts included. The reference
// is Debian's promtool (Prometheus 2.42, Go 1.19); where later versions differ (title's word
// breaks, comparison error texts, {{else with}}, range over an integer) this follows 2.42.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "vitals/common/error.h"

namespace vitals::alert_template {

namespace detail {
struct TemplateSet;
}

// What an alert's templates see: Prometheus' AlertTemplateData (.Labels, .ExternalLabels,
// .ExternalURL, .Value, also as $labels, $externalLabels, $externalURL, $value).
struct TemplateData {
  std::map<std::string, std::string> labels{};
  double value = 0;
  std::map<std::string, std::string> external_labels{};
  // Also what pathPrefix and externalURL read; when empty they fail as in promtool, which
  // has no external URL.
  std::string external_url{};
};

// What Prometheus puts before every alert label and annotation template.
inline constexpr std::string_view kAlertPreamble =
    "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}"
    "{{$externalURL := .ExternalURL}}{{$value := .Value}}";

// A parsed template. Immutable and cheap to copy; execute from any thread.
class Template {
 public:
  // Go's template.New(name).Funcs(…).Option("missingkey=zero").Parse(text). Errors are
  // InvalidArgument with Go's text: "template: NAME:LINE: undefined variable \"$x\"".
  static Result<Template> parse(std::string_view name, std::string_view text);
  // An alert's label or annotation: named "__alert_" + alert_name, kAlertPreamble before text.
  static Result<Template> parse_alert(std::string_view alert_name, std::string_view text);

  // Errors are InvalidArgument with Go's text:
  // `template: NAME:1:120: executing "NAME" at <humanize "x">: error calling humanize: …`.
  Result<std::string> execute(const TemplateData& data) const;

  const std::string& name() const;

 private:
  explicit Template(std::shared_ptr<const detail::TemplateSet> set) : set_(std::move(set)) {}
  std::shared_ptr<const detail::TemplateSet> set_;
};

// One label or annotation template of an alerting rule, parsed once and expanded per alert the
// way Prometheus' rules/alerting.go does. Immutable; expand from any thread.
class AlertTemplate {
 public:
  AlertTemplate(std::string_view alert_name, std::string_view text);

  // The parse error, if any, as `promtool check rules` reports it after `annotation "NAME": `.
  const std::optional<Error>& parse_error() const { return parse_error_; }
  // The expansion, or "<error expanding template: error parsing|executing template NAME: …>".
  std::string expand(const TemplateData& data) const;

 private:
  std::string name_;  // "__alert_" + alert_name
  std::optional<Template> template_;
  std::optional<Error> parse_error_;
};

// AlertTemplate(alert_name, text).expand(data).
std::string expand_for_alert(std::string_view alert_name, std::string_view text,
                             const TemplateData& data);

}  // namespace vitals::alert_template
