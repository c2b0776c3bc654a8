#include "alerts/template/template.h"

#include "alerts/template/ast.h"
#include "alerts/template/exec.h"
#include "alerts/template/functions.h"
#include "alerts/template/parser.h"
#include "alerts/template/value.h"

namespace vitals::alert_template {

namespace {

using detail::Value;
using detail::ValueMap;

std::shared_ptr<const ValueMap> to_value_map(const std::map<std::string, std::string>& labels) {
  auto map = std::make_shared<ValueMap>();
  for (const auto& [name, value] : labels) map->emplace(name, Value::string(value));
  return map;
}

Value to_value(const TemplateData& data) {
  auto fields = std::make_shared<detail::AlertFields>();
  fields->labels = to_value_map(data.labels);
  fields->external_labels = to_value_map(data.external_labels);
  fields->external_url = data.external_url;
  fields->value = data.value;
  Value v;
  v.type = detail::GoType::AlertData;
  v.alert = std::move(fields);
  return v;
}

}  // namespace

Result<Template> Template::parse(std::string_view name, std::string_view text) {
  auto set = detail::parse_template(
      name, text, [](std::string_view fn) { return detail::find_function(fn) != nullptr; });
  if (!set) return tl::unexpected(set.error());
  return Template(std::move(*set));
}

Result<Template> Template::parse_alert(std::string_view alert_name, std::string_view text) {
  return parse("__alert_" + std::string(alert_name),
               std::string(kAlertPreamble) + std::string(text));
}

Result<std::string> Template::execute(const TemplateData& data) const {
  detail::CallContext ctx{data.external_url};
  return detail::execute_template(*set_, to_value(data), ctx);
}

const std::string& Template::name() const {
  return set_->name;
}

AlertTemplate::AlertTemplate(std::string_view alert_name, std::string_view text)
    : name_("__alert_" + std::string(alert_name)) {
  auto parsed = Template::parse_alert(alert_name, text);
  if (parsed) {
    template_ = std::move(*parsed);
  } else {
    parse_error_ = parsed.error();
  }
}

std::string AlertTemplate::expand(const TemplateData& data) const {
  std::string error;
  if (parse_error_) {
    error = "error parsing template " + name_ + ": " + parse_error_->message;
  } else {
    auto out = template_->execute(data);
    if (out) return std::move(*out);
    error = "error executing template " + name_ + ": " + out.error().message;
  }
  return "<error expanding template: " + error + ">";
}

std::string expand_for_alert(std::string_view alert_name, std::string_view text,
                             const TemplateData& data) {
  return AlertTemplate(alert_name, text).expand(data);
}

}  // namespace vitals::alert_template
