// The template language's syntax: trim markers, comments, constants and Go's parse errors.
// Expected strings are what Debian's promtool (Prometheus 2.42, Go 1.19) gave for the same
// alert template; "PARSE: " marks an error it reported when loading the rule.
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "alerts/template/template.h"

namespace vitals::alert_template {
namespace {

TemplateData alert_data() {
  TemplateData data;
  data.labels = {{"__name__", "m"}, {"instance", "localhost:9090"}, {"job", "api"}};
  data.value = 1e6;
  return data;
}

void check_all(const std::vector<std::pair<std::string, std::string>>& cases) {
  const std::string parse_prefix = "PARSE: ";
  for (const auto& [text, want] : cases) {
    AlertTemplate t("A", text);
    if (want.starts_with(parse_prefix)) {
      std::string message = want.substr(parse_prefix.size());
      REQUIRE_MESSAGE(t.parse_error(), "template ", text);
      CHECK_MESSAGE(t.parse_error()->message == message, "template ", text);
      CHECK(t.expand(alert_data()) ==
            "<error expanding template: error parsing template __alert_A: " + message + ">");
    } else {
      CHECK_MESSAGE(!t.parse_error(), "template ", text);
      CHECK_MESSAGE(t.expand(alert_data()) == want, "template ", text);
    }
  }
}

TEST_CASE("trim markers remove the whitespace beside an action; comments print nothing") {
  check_all({
      {"a\n  {{- \"x\" -}}\n  b", "axb"},
      {"a {{- /* comment\n over lines */ -}} b", "ab"},
      {"{{- 1 }} {{ 2 -}} \t\n", "1 2"},
      {"a{{-\t1\t-}}b", "a1b"},
      {"x {{-3}} y", "x -3 y"},
      {"a{{/* c */}}b{{- /* c */}} c", "ab c"},
      {"{{- -}}", "PARSE: template: __alert_A:1: illegal number syntax: \"-\""},
  });
}

TEST_CASE("number, character and string constants are Go's") {
  check_all({
      {"{{ 1e6 }} {{ 1.5e-7 }} {{ 123456.0 }} {{ 1234567.0 }} {{ 0.1 }} {{ -0.0 }} {{ 100 }} {{ "
       "'a' }} {{ 0x1F }}",
       "1e+06 1.5e-07 123456 1.234567e+06 0.1 -0 100 97 31"},
      {"{{ 0x10 }} {{ 0o17 }} {{ 0b101 }} {{ 1_000 }} {{ 017 }} {{ .5 }} {{ 1. }} {{ -0 }} {{ +5 "
       "}} {{ 0x1p4 }}",
       "16 15 5 1000 15 0.5 1 0 5 16"},
      {"{{ 1e21 }} {{ 1e20 }} {{ 123456789.0 }} {{ 0.0001 }} {{ 0.00001 }} {{ 5e-324 }} {{ -1.5 }}",
       "1e+21 1e+20 1.23456789e+08 0.0001 1e-05 5e-324 -1.5"},
      {"{{ 'a' }} {{ '\\n' }} {{ '\\u00e9' }} {{ printf \"%c\" 'é' }} {{ 'é' }} {{ '\\'' }}",
       "97 10 233 é 233 39"},
      {"{{ \"tab\\there\" }}|{{ `raw\\n` }}|{{ \"\\x41\\101\\u00e9\\U0001F600\" }}",
       "tab\there|raw\\n|AAé😀"},
      {"{{ 1+2i }} {{ printf \"%v %.1f\" 2i 1.5+2.5i }} {{ 1i }} {{ 0i }}",
       "(1+2i) (0+2i) (1.5+2.5i) (0+1i) (0+0i)"},
      {"{{ 18446744073709551615 }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <18446744073709551615>: 18446744073709551615 overflows int>"},
  });
}

TEST_CASE("syntax errors read as Go's, with the line") {
  check_all({
      {"{{", "PARSE: template: __alert_A:1: unclosed action"},
      {"{{ 1 ", "PARSE: template: __alert_A:1: unclosed action"},
      {"{{ ) }}", "PARSE: template: __alert_A:1: unexpected \")\" in command"},
      {"{{ foo-bar }}", "PARSE: template: __alert_A:1: bad character U+002D '-'"},
      {"{{\xc2\xa0"
       "}}",
       "PARSE: template: __alert_A:1: unrecognized character in action: U+00A0"},
      {"{{ $label.foo }}", "PARSE: template: __alert_A:1: undefined variable \"$label\""},
      {"{{ nosuch 1 }}", "PARSE: template: __alert_A:1: function \"nosuch\" not defined"},
      {"{{ end }}", "PARSE: template: __alert_A:1: unexpected {{end}}"},
      {"{{ else }}", "PARSE: template: __alert_A:1: unexpected {{else}}"},
      {"{{ if true }}x", "PARSE: template: __alert_A:1: unexpected EOF"},
      {"{{ 1 \"abcdefghijklmnop\" | }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <1>: can't give argument to non-function 1>"},
      {"{{ 1 , }}", "PARSE: template: __alert_A:1: unexpected \",\" in operand"},
      {"{{ $x := }}", "PARSE: template: __alert_A:1: missing value for command"},
      {"{{ 1 | 2 }}", "PARSE: template: __alert_A:1: non executable command in pipeline stage 2"},
      {"{{ range $labels }}{{ else if true }}{{ end }}",
       "PARSE: template: __alert_A:1: unexpected <if> in input"},
      {"{{ if\n true }}a{{ end }}\n{{ nosuch }}",
       "PARSE: template: __alert_A:3: function \"nosuch\" not defined"},
      {"line1\n{{ 1\n 2", "PARSE: template: __alert_A:3: unclosed action started at __alert_A:2"},
      {"{{/* x */ 1}}", "PARSE: template: __alert_A:1: comment ends before closing delimiter"},
      {"{{/* x ", "PARSE: template: __alert_A:1: unclosed comment"},
      {"{{ if true }}{{ define \"x\" }}{{ end }}{{ end }}",
       "PARSE: template: __alert_A:1: unexpected <define> in command"},
      {"{{ \"\\q\" }}", "PARSE: template: __alert_A:1: invalid syntax"},
      {"{{ 'ab' }}", "PARSE: template: __alert_A:1: malformed character constant: 'ab'"},
      {"{{ 089 }}", "PARSE: template: __alert_A:1: integer overflow: \"089\""},
      {"{{ 1e }}", "PARSE: template: __alert_A:1: illegal number syntax: \"1e\""},
      {"{{ 99999999999999999999 }}",
       "PARSE: template: __alert_A:1: integer overflow: \"99999999999999999999\""},
      {"{{ break }}", "PARSE: template: __alert_A:1: {{break}} outside {{range}}"},
      {"{{ with $labels.job }}a{{ else with $labels.x }}b{{ end }}",
       "PARSE: template: __alert_A:1: unexpected <with> in else"},
  });
}

TEST_CASE("more syntax errors") {
  check_all({
      {"{{ $x := 1 2 }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:121: "
       "executing \"__alert_A\" at <1>: can't give argument to non-function 1>"},
      {"{{ $x, $y := 1 }}", "PARSE: template: __alert_A:1: too many declarations in command"},
      {"{{ range $x, $y, $z := $labels }}{{ end }}",
       "PARSE: template: __alert_A:1: too many declarations in range"},
      {"{{ range $x, 1 }}{{ end }}",
       "PARSE: template: __alert_A:1: range can only initialize variables"},
      {"{{ if }}{{ end }}", "PARSE: template: __alert_A:1: missing value for if"},
      {"{{ template }}", "PARSE: template: __alert_A:1: unexpected \"}}\" in template clause"},
      {"{{ template 1 }}", "PARSE: template: __alert_A:1: unexpected \"1\" in template clause"},
      {"{{ define 1 }}{{ end }}",
       "PARSE: template: __alert_A:1: unexpected \"1\" in define clause"},
      {"{{ define \"x\" 1 }}{{ end }}",
       "PARSE: template: __alert_A:1: unexpected \"1\" in define clause"},
      {"{{ define \"x\" }}{{ else }}{{ end }}",
       "PARSE: template: __alert_A:1: unexpected {{else}} in define clause"},
      {"{{ block \"x\" }}{{ end }}",
       "PARSE: template: __alert_A:1: missing value for block clause"},
      {"{{ (1 }}", "PARSE: template: __alert_A:1: unclosed left paren"},
      {"{{ 1) }}", "PARSE: template: __alert_A:1: unexpected \")\" in command"},
      {"{{ . x }}", "PARSE: template: __alert_A:1: function \"x\" not defined"},
      {"{{ 1.x }}", "PARSE: template: __alert_A:1: bad number syntax: \"1.x\""},
      {"{{ \"a\".x }}", "PARSE: template: __alert_A:1: unexpected . after term \"\\\"a\\\"\""},
      {"{{ nil.x }}", "PARSE: template: __alert_A:1: unexpected . after term \"nil\""},
      {"{{ | 1 }}", "PARSE: template: __alert_A:1: unexpected \"|\" in command"},
      {"{{ 1 | }}", "1"},
      {"{{ 1 || 2 }}", "PARSE: template: __alert_A:1: unexpected \"|\" in command"},
      {"{{ : }}", "PARSE: template: __alert_A:1: expected :="},
      {"{{ $x : 1 }}", "PARSE: template: __alert_A:1: undefined variable \"$x\""},
      {"{{ \"abc }}", "PARSE: template: __alert_A:1: unterminated quoted string"},
      {"{{ `abc }}", "PARSE: template: __alert_A:1: unterminated raw quoted string"},
      {"{{ 'a }}", "PARSE: template: __alert_A:1: unterminated character constant"},
      {"{{ 1a }}", "PARSE: template: __alert_A:1: bad number syntax: \"1a\""},
      {"{{ 0x }}", "PARSE: template: __alert_A:1: illegal number syntax: \"0x\""},
      {"{{ @ }}", "PARSE: template: __alert_A:1: unexpected \"@\" in command"},
      {"{{ € }}", "PARSE: template: __alert_A:1: unrecognized character in action: U+20AC '€'"},
      {"{{ if 1 }}{{ else }}{{ else }}{{ end }}",
       "PARSE: template: __alert_A:1: expected end; found {{else}}"},
      {"{{ if 1 }}{{ end }}{{ end }}", "PARSE: template: __alert_A:1: unexpected {{end}}"},
      {"{{ range $labels }}{{ break 1 }}{{ end }}",
       "PARSE: template: __alert_A:1: unexpected \"1\" in {{break}}"},
      {"{{ continue }}", "PARSE: template: __alert_A:1: {{continue}} outside {{range}}"},
      {"{{ 1 }}{{", "PARSE: template: __alert_A:1: unclosed action"},
      {"{{ 3.. }}", "PARSE: template: __alert_A:1: unexpected <.> in operand"},
      {"{{ $x }}", "PARSE: template: __alert_A:1: undefined variable \"$x\""},
      {"{{ $1 }}", "PARSE: template: __alert_A:1: undefined variable \"$1\""},
      {"{{ .1 }}", "0.1"},
      {"{{ true.x }}", "PARSE: template: __alert_A:1: unexpected . after term \"true\""},
      {"{{ define \"a\" }}x{{ end }}{{ define \"a\" }}y{{ end }}",
       "PARSE: template: __alert_A:1: template: multiple definition of template \"a\""},
      {"{{ define \"__alert_A\" }}x{{ end }}",
       "PARSE: template: __alert_A:1: template: multiple definition of template \"__alert_A\""},
      {"{{ printf \"%d\" (1 }}", "PARSE: template: __alert_A:1: unclosed left paren"},
      {"{{ ( ) }}", "PARSE: template: __alert_A:1: missing value for parenthesized pipeline"},
      {"{{ '\\z' }}", "PARSE: template: __alert_A:1: invalid syntax"},
      {"{{ 1e400 }}", "PARSE: template: __alert_A:1: illegal number syntax: \"1e400\""},
      {"{{ 0b102 }}", "PARSE: template: __alert_A:1: bad number syntax: \"0b102\""},
      {"{{ 1__0 }}", "PARSE: template: __alert_A:1: illegal number syntax: \"1__0\""},
      {"{{ 9223372036854775808 }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <9223372036854775808>: 9223372036854775808 overflows int>"},
      {"{{ -9223372036854775809 }}",
       "PARSE: template: __alert_A:1: integer overflow: \"-9223372036854775809\""},
      {"{{ - }}", "PARSE: template: __alert_A:1: illegal number syntax: \"-\""},
      {"{{ -x }}", "PARSE: template: __alert_A:1: bad number syntax: \"-x\""},
  });
}

TEST_CASE("a template parsed on its own is named as given and has no preamble") {
  auto unclosed = Template::parse("test", "{{");
  REQUIRE_FALSE(unclosed);
  CHECK(unclosed.error().message == "template: test:1: unclosed action");
  CHECK(unclosed.error().code == ErrorCode::InvalidArgument);

  auto nbsp = Template::parse("test", "{{\xc2\xa0}}");
  REQUIRE_FALSE(nbsp);
  CHECK(nbsp.error().message == "template: test:1: unrecognized character in action: U+00A0");

  auto no_labels = Template::parse("test", "{{ $labels }}");
  REQUIRE_FALSE(no_labels);
  CHECK(no_labels.error().message == "template: test:1: undefined variable \"$labels\"");

  auto plain = Template::parse("test", "plain text");
  REQUIRE(plain);
  CHECK(plain->name() == "test");
  CHECK(plain->execute(TemplateData{}).value() == "plain text");
}

TEST_CASE("an alert template is named after its alert and starts with Prometheus' preamble") {
  auto t = Template::parse_alert("InstanceDown", "{{ $value }} {{ $labels.job }}");
  REQUIRE(t);
  CHECK(t->name() == "__alert_InstanceDown");
  TemplateData data;
  data.labels = {{"job", "api"}};
  data.value = 0.5;
  CHECK(t->execute(data).value() == "0.5 api");
  CHECK(kAlertPreamble.size() == 112);
}

TEST_CASE("nesting beyond a thousand levels is refused rather than overflowing the stack") {
  // Go has no such limit for if/range/with (and allows 10000 parentheses); the agent keeps the
  // parser's and the evaluator's recursion bounded.
  auto nest = [](std::string_view open, int depth, std::string_view close) {
    std::string text;
    for (int i = 0; i < depth; ++i) text += open;
    text += "x";
    for (int i = 0; i < depth; ++i) text += close;
    return text;
  };
  CHECK(expand_for_alert("A", nest("{{ if true }}", 500, "{{ end }}"), alert_data()) == "x");
  AlertTemplate ifs("A", nest("{{ if true }}", 1001, "{{ end }}"));
  REQUIRE(ifs.parse_error());
  CHECK(ifs.parse_error()->message == "template: __alert_A:1: max expression depth exceeded");
  AlertTemplate parens("A", "{{ " + std::string(1001, '(') + "1" + std::string(1001, ')') + " }}");
  REQUIRE(parens.parse_error());
  CHECK(parens.parse_error()->message == "template: __alert_A:1: max expression depth exceeded");
}

}  // namespace
}  // namespace vitals::alert_template
