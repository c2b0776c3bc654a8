// Alert templates end to end: the data Prometheus passes, control structures, templates and
// execution errors, then the annotations of Prometheus' own conformance files. Expected strings
// of the tables are what Debian's promtool (Prometheus 2.42, Go 1.19) expanded the same template
// to, for labels {__name__="m", instance="localhost:9090", job="api"}, value 1e6 and external
// labels {region="eu"}.
#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "alerts/template/template.h"

namespace vitals::alert_template {
namespace {

namespace fs = std::filesystem;

TemplateData alert_data() {
  TemplateData data;
  data.labels = {{"__name__", "m"}, {"instance", "localhost:9090"}, {"job", "api"}};
  data.value = 1e6;
  data.external_labels = {{"region", "eu"}};
  return data;
}

// "PARSE: " marks an error promtool reported when it loaded the rule; Prometheus puts it in
// the annotation as "error parsing template".
void check_all(const std::vector<std::pair<std::string, std::string>>& cases) {
  const std::string parse_prefix = "PARSE: ";
  for (auto [text, want] : cases) {
    if (want.starts_with(parse_prefix)) {
      want = "<error expanding template: error parsing template __alert_A: " +
             want.substr(parse_prefix.size()) + ">";
    }
    CHECK_MESSAGE(expand_for_alert("A", text, alert_data()) == want, "template ", text);
  }
}

TEST_CASE("$value, $labels and the dot struct print as Go prints them") {
  check_all({
      {"{{ $value }} {{ .Value }} {{ $labels }} {{ .Labels }} {{ .Labels.job }} {{ "
       "$labels.instance }}",
       "1e+06 1e+06 map[__name__:m instance:localhost:9090 job:api] map[__name__:m "
       "instance:localhost:9090 job:api] api localhost:9090"},
      {"{{ $externalLabels }} {{ .ExternalLabels.region }} [{{ $externalURL }}] [{{ .ExternalURL "
       "}}]",
       "map[region:eu] eu [] []"},
      {"{{ . }}", "{map[__name__:m instance:localhost:9090 job:api] map[region:eu]  1e+06}"},
      {"{{ printf \"%+v\" . }}",
       "{Labels:map[__name__:m instance:localhost:9090 job:api] ExternalLabels:map[region:eu] "
       "ExternalURL: Value:1e+06}"},
      {"{{ $ }}", "{map[__name__:m instance:localhost:9090 job:api] map[region:eu]  1e+06}"},
      {"{{ printf \"%T %T %T\" $labels . $value }}",
       "map[string]string struct { Labels map[string]string; ExternalLabels map[string]string; "
       "ExternalURL string; Value float64 } float64"},
  });
}

TEST_CASE("a missing label is empty, as with missingkey=zero") {
  check_all({
      {"[{{ $labels.nothere }}] [{{ .Labels.nothere }}] [{{ index $labels \"nothere\" }}] [{{ "
       "$externalLabels.nothere }}]",
       "[] [] [] []"},
      {"{{ with $labels.nothere }}yes{{ else }}no{{ end }} {{ if $labels.nothere }}yes{{ else "
       "}}no{{ end }}",
       "no no"},
  });
}

TEST_CASE("if, else if, with, range and variables") {
  check_all({
      {"{{ if eq $labels.job \"x\" }}x{{ else if eq $labels.job \"api\" }}api{{ else }}other{{ end "
       "}}",
       "api"},
      {"{{ if false }}1{{ else if false }}2{{ else if true }}3{{ else }}4{{ end }}", "3"},
      {"{{ if and $labels.job (eq $labels.job \"api\") }}A{{ else if $labels.x }}B{{ else }}C{{ "
       "end }}",
       "A"},
      {"{{ with $labels.job }}job={{ . }}{{ else }}nojob{{ end }} {{ with $labels }}{{ .job }}{{ "
       "end }}",
       "job=api api"},
      {"{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}",
       "__name__=m;instance=localhost:9090;job=api;"},
      {"{{ range $v := $labels }}{{ $v }},{{ end }}|{{ range $labels }}{{ . }}|{{ end }}",
       "m,localhost:9090,api,|m|localhost:9090|api|"},
      {"{{ range $externalLabels }}x{{ else }}empty{{ end }}", "x"},
      {"{{ range $k, $v := $labels }}{{ if eq $k \"instance\" }}{{ break }}{{ end }}{{ $k }};{{ "
       "end }}",
       "__name__;"},
      {"{{ range $k, $v := $labels }}{{ if eq $k \"instance\" }}{{continue}}{{ end }}{{ $k }};{{ "
       "end }}",
       "__name__;job;"},
      {"{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}", "2"},
      {"{{ $x := 1 }}{{ range $k, $v := $labels }}{{ $x = $k }}{{ end }}{{ $x }}", "job"},
      {"{{ $k := 0 }}{{ $v := 0 }}{{ range $k, $v = $labels }}{{ end }}{{ $k }}={{ $v }}",
       "job=api"},
      {"{{ $a := 1 }}{{ $b := \"x\" }}{{ $a }}{{ $b }}{{ with $c := $labels.job }}{{ $c }}{{ end "
       "}}",
       "1xapi"},
      {"{{ if true }}{{ $x := 1 }}{{ end }}{{ $x }}",
       "PARSE: template: __alert_A:1: undefined variable \"$x\""},
  });
}

TEST_CASE("pipelines pass each command's value as the next one's last argument") {
  check_all({
      {"{{ $labels.job | printf \"%s-%s\" \"x\" }}|{{ \"api\" | eq $labels.job }}|{{ 3 | printf "
       "\"%d\" }}",
       "x-api|true|3"},
      {"{{ (print 1) }}|{{ printf \"%s\" (print 1 2) }}|{{ (printf \"%s\" \"x\") | printf \"[%s]\" "
       "}}",
       "1|1 2|[x]"},
      {"{{ $labels.instance | stripPort | toUpper | printf \"%q\" }}", "\"LOCALHOST\""},
  });
}

TEST_CASE("define, template and block") {
  check_all({
      {"{{ define \"x\" }}<{{ . }}>{{ end }}{{ template \"x\" $labels.job }}{{ template \"x\" }}{{ "
       "template `x` 1 }}",
       "<api><<no value>><1>"},
      {"{{ block \"b\" $labels.job }}[{{ . }}]{{ end }}", "[api]"},
      {"{{ define \"t\" }}{{ $ }}{{ end }}{{ template \"t\" 5 }}", "5"},
      {"{{ template \"nope\" }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:124: "
       "executing \"__alert_A\" at <{{template \"nope\"}}>: template \"nope\" not defined>"},
      {"{{ define \"r\" }}{{ template \"r\" }}{{ end }}{{ template \"r\" }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:140: "
       "executing \"r\" at <{{template \"r\"}}>: exceeded maximum template depth (100000)>"},
      {"{{ define \"t\" }}{{ humanize . }}{{ end }}{{ template \"t\" \"bad\" }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:131: "
       "executing \"t\" at <humanize .>: error calling humanize: strconv.ParseFloat: parsing "
       "\"bad\": invalid syntax>"},
  });
}

TEST_CASE("execution errors name the template, line, column and node as Go does") {
  check_all({
      {"{{ .Value.Foo }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:121: "
       "executing \"__alert_A\" at <.Value.Foo>: can't evaluate field Foo in type float64>"},
      {"{{ .labels }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <.labels>: can't evaluate field labels in type struct { Labels "
       "map[string]string; ExternalLabels map[string]string; ExternalURL string; Value float64 }>"},
      {"{{ $labels.job.x }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:122: "
       "executing \"__alert_A\" at <$labels.job.x>: can't evaluate field x in type string>"},
      {"{{ $labels.a.b }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:122: "
       "executing \"__alert_A\" at <$labels.a.b>: can't evaluate field b in type string>"},
      {"line1\n  {{ humanize \"bad\" }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:2:5: "
       "executing \"__alert_A\" at <humanize \"bad\">: error calling humanize: strconv.ParseFloat: "
       "parsing \"bad\": invalid syntax>"},
      {"{{ .Labels 1 }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <.Labels>: Labels has arguments but cannot be invoked as "
       "function>"},
      {"{{ $labels.job 1 }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:122: "
       "executing \"__alert_A\" at <$labels.job>: job is not a method but has arguments>"},
      {"{{ $labels 1 }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <$labels>: can't give argument to non-function $labels>"},
      {"{{ nil }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <nil>: nil is not a command>"},
      {"{{ $y = 1 }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:120: "
       "executing \"__alert_A\" at <1>: undefined variable: $y>"},
      {"{{ range 3 }}x{{ end }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:121: "
       "executing \"__alert_A\" at <3>: range can't iterate over 3>"},
      {"{{ range \"ab\" }}x{{ end }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:121: "
       "executing \"__alert_A\" at <\"ab\">: range can't iterate over ab>"},
      {"{{ range $value }}x{{ end }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:121: "
       "executing \"__alert_A\" at <$value>: range can't iterate over 1e+06>"},
      {"{{ humanize \"x\" }} after",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <humanize \"x\">: error calling humanize: strconv.ParseFloat: "
       "parsing \"x\": invalid syntax>"},
      {"before {{ gt $value 1 }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:122: "
       "executing \"__alert_A\" at <gt $value 1>: error calling gt: incompatible types for "
       "comparison>"},
  });
}

TEST_CASE("an alert template parsed once expands for many alerts, from several threads") {
  const AlertTemplate summary("InstanceDown", "{{ $labels.instance }} is {{ humanize $value }}");
  REQUIRE_FALSE(summary.parse_error());
  std::vector<std::string> got(8);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < got.size(); ++i) {
    threads.emplace_back([&, i] {
      TemplateData data;
      data.labels = {{"instance", "host" + std::to_string(i)}};
      data.value = 1500.0 * static_cast<double>(i + 1);
      for (int k = 0; k < 50; ++k) got[i] = summary.expand(data);
    });
  }
  for (auto& t : threads) t.join();
  CHECK(got[0] == "host0 is 1.5k");
  CHECK(got[7] == "host7 is 12k");
}

TEST_CASE("an execution error becomes Prometheus' <error expanding template: …>") {
  auto t = Template::parse_alert("HighLoad", "load {{ humanize \"x\" }}");
  REQUIRE(t);
  auto result = t->execute(alert_data());
  REQUIRE_FALSE(result);
  CHECK(result.error().code == ErrorCode::InvalidArgument);
  const std::string go_error =
      "template: __alert_HighLoad:1:120: executing \"__alert_HighLoad\" at <humanize \"x\">: "
      "error calling humanize: strconv.ParseFloat: parsing \"x\": invalid syntax";
  CHECK(result.error().message == go_error);
  CHECK(expand_for_alert("HighLoad", "load {{ humanize \"x\" }}", alert_data()) ==
        "<error expanding template: error executing template __alert_HighLoad: " + go_error + ">");
}

// The conformance files are read in place from ../shared/conformance beside the checkout.
fs::path conformance_dir(const char* sub) {
  return fs::path(VITALS_CONFORMANCE_DIR) / sub;
}

std::map<std::string, std::string> string_map(const YAML::Node& node) {
  std::map<std::string, std::string> out;
  for (const auto& kv : node) out[kv.first.as<std::string>()] = kv.second.as<std::string>();
  return out;
}

// alert name → annotation name → template, from a rule file.
std::map<std::string, std::map<std::string, std::string>> alert_annotations(const fs::path& file) {
  std::map<std::string, std::map<std::string, std::string>> out;
  for (const auto& group : YAML::LoadFile(file.string())["groups"]) {
    for (const auto& rule : group["rules"]) {
      if (!rule["alert"]) continue;
      out[rule["alert"].as<std::string>()] = string_map(rule["annotations"]);
    }
  }
  return out;
}

TEST_CASE("the annotations promtool's unit tests expect are what the rules' templates expand to") {
  const fs::path dir = conformance_dir("promtool");
  if (!fs::is_directory(dir)) {
    MESSAGE("conformance folder " << dir.string() << " not found: skipped");
    return;
  }
  const YAML::Node tests = YAML::LoadFile((dir / "unittest.yml").string());
  std::map<std::string, std::map<std::string, std::string>> rules;
  for (const auto& file : tests["rule_files"]) {
    rules.merge(alert_annotations(dir / file.as<std::string>()));
  }
  int compared = 0;
  for (const auto& test : tests["tests"]) {
    for (const auto& alert_test : test["alert_rule_test"]) {
      const std::string alertname = alert_test["alertname"].as<std::string>();
      for (const auto& expected : alert_test["exp_alerts"]) {
        if (!expected["exp_annotations"]) continue;
        // The expected labels are the alert's: its series' labels plus the rule's.
        TemplateData data;
        data.labels = string_map(expected["exp_labels"]);
        for (const auto& [name, want] : string_map(expected["exp_annotations"])) {
          CHECK_MESSAGE(expand_for_alert(alertname, rules.at(alertname).at(name), data) == want,
                        alertname, " ", name);
          ++compared;
        }
      }
    }
  }
  CHECK(compared >= 2);
}

TEST_CASE("a rule file's undefined template variable is the error promtool check rules reports") {
  const fs::path dir = conformance_dir("promtool");
  if (!fs::is_directory(dir)) {
    MESSAGE("conformance folder " << dir.string() << " not found: skipped");
    return;
  }
  auto rules = alert_annotations(dir / "rules-bad.yml");
  AlertTemplate summary("InstanceDown", rules.at("InstanceDown").at("summary"));
  REQUIRE(summary.parse_error());
  CHECK(summary.parse_error()->message ==
        "template: __alert_InstanceDown:1: undefined variable \"$label\"");
  CHECK_FALSE(
      AlertTemplate("InstanceDown", rules.at("InstanceDown").at("description")).parse_error());
}

TEST_CASE("the alert generator compliance rules' templates expand as Prometheus expands them") {
  const fs::path dir = conformance_dir("alert_generator");
  if (!fs::is_directory(dir)) {
    MESSAGE("conformance folder " << dir.string() << " not found: skipped");
    return;
  }
  auto rules = alert_annotations(dir / "rules.yaml");
  TemplateData old_alert;
  old_alert.labels = {{"alertname", "NewAlerts_OrderCheck_Rule1"}, {"foo", "bar"}};
  CHECK(expand_for_alert("NewAlerts_OrderCheck_Rule2",
                         rules.at("NewAlerts_OrderCheck_Rule2").at("description"), old_alert) ==
        "Based on ALERTS. Old alertname was NewAlerts_OrderCheck_Rule1. foo was bar.");
  TemplateData fifteen;
  fifteen.value = 15;
  CHECK(expand_for_alert("PendingAndFiringAndResolved_SimpleAlert",
                         rules.at("PendingAndFiringAndResolved_SimpleAlert").at("summary"),
                         fifteen) == "The value is 15 15");
  CHECK(expand_for_alert("ZeroFor_SmallFor_ZeroFor",
                         rules.at("ZeroFor_SmallFor_ZeroFor").at("template_test"),
                         fifteen) == "1.049M 1Mi 2m 15s 95.9% 2022-01-25 12:36:43 +0000 UTC");
  CHECK(expand_for_alert("ZeroFor_SmallFor_SmallFor",
                         rules.at("ZeroFor_SmallFor_SmallFor").at("template_test"), fifteen) ==
        "This Part IS TESTING the strings. ::1 127.0.0.1. 7815. replaced text. .");
  // It runs a query, which the agent does not support; the template still parses.
  AlertTemplate query("ZeroFor_SmallFor_ZeroFor",
                      rules.at("ZeroFor_SmallFor_ZeroFor").at("template_query_test"));
  CHECK_FALSE(query.parse_error());
  CHECK(query.expand(fifteen).find("function \"query\" not supported") != std::string::npos);
}

}  // namespace
}  // namespace vitals::alert_template
