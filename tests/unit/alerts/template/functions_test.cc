// Prometheus' template functions and Go's builtins, end to end through an alert template (so
// error positions count Prometheus' preamble). Every expected string is what Debian's promtool
// (Prometheus 2.42, Go 1.19) expanded the same template to, for an alert with labels
// {__name__="m", instance="localhost:9090", job="api"} and value 1e6.
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
  for (const auto& [text, want] : cases) {
    CHECK_MESSAGE(expand_for_alert("A", text, alert_data()) == want, "template ", text);
  }
}

TEST_CASE("humanize functions take numbers and numeric strings") {
  check_all({
      {"{{ humanize 1048576 }} {{ humanize1024 1048576 }} {{ humanizeDuration 135.3563 }} {{ "
       "humanizePercentage 0.959 }} {{ humanizeTimestamp 1643114203 }}",
       "1.049M 1Mi 2m 15s 95.9% 2022-01-25 12:36:43 +0000 UTC"},
      {"{{ humanize \"1234567.0\" }} {{ humanize1024 \"1048576\" }} {{ humanizeDuration \"86400\" "
       "}} {{ humanizePercentage \"0.1234567\" }} {{ humanizeTimestamp \"1435065584.128\" }}",
       "1.235M 1Mi 1d 0h 0m 0s 12.35% 2015-06-23 13:19:44.128 +0000 UTC"},
      {"{{ humanize $value }} {{ $value | humanize1024 }} {{ .Value | humanizeDuration }} {{ "
       "humanizePercentage 1 }}",
       "1M 976.6ki 11d 13h 46m 40s 100%"},
      {"{{ humanize \"+Inf\" }} {{ humanize1024 \"-Inf\" }} {{ humanizeDuration \"NaN\" }} {{ "
       "humanizeTimestamp \"NaN\" }}",
       "+Inf -Inf NaN NaN"},
      {"{{ humanize \"0x1p10\" }} {{ humanize \"1_000\" }} {{ humanize \"inf\" }} {{ humanize "
       "\"-Infinity\" }}",
       "1.024k 1k +Inf -Inf"},
  });
}

TEST_CASE("humanize functions report what cannot be converted") {
  check_all({
      {"{{ humanize \"one\" }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <humanize \"one\">: error calling humanize: strconv.ParseFloat: "
       "parsing \"one\": invalid syntax>"},
      {"{{ \"one\" | humanizePercentage }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:123: "
       "executing \"__alert_A\" at <humanizePercentage>: error calling humanizePercentage: "
       "strconv.ParseFloat: parsing \"one\": invalid syntax>"},
      {"{{ humanize1024 true }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <humanize1024 true>: error calling humanize1024: can't convert "
       "bool to float>"},
      {"{{ humanizeDuration nil }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <humanizeDuration nil>: error calling humanizeDuration: can't "
       "convert <nil> to float>"},
      {"{{ humanize (safeHtml \"1\") }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <humanize (safeHtml \"1\")>: error calling humanize: can't "
       "convert template.HTML to float>"},
      {"{{ humanize \"1e999\" }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <humanize \"1e999\">: error calling humanize: "
       "strconv.ParseFloat: parsing \"1e999\": value out of range>"},
      {"{{ humanizeTimestamp 1e20 }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <humanizeTimestamp 1e20>: error calling humanizeTimestamp: "
       "1e+20 cannot be represented as a nanoseconds timestamp since it overflows int64>"},
      {"{{ humanize }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <humanize>: wrong number of args for humanize: want 1 got 0>"},
      {"{{ humanize 1 2 }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <humanize>: wrong number of args for humanize: want 1 got 2>"},
  });
}

TEST_CASE("toTime gives a time whose methods a template can call") {
  check_all({
      {"{{ toTime 1.5 }}|{{ toTime -1.5 }}|{{ (toTime 1435065584.128).Unix }}|{{ (toTime "
       "1435065584.128).Year }}|{{ (toTime 1435065584.128).UTC }}",
       "1970-01-01 00:00:01.5 +0000 UTC|1969-12-31 23:59:58.5 +0000 UTC|1435065584|2015|2015-06-23 "
       "13:19:44.128 +0000 UTC"},
      {"{{ (1435065584.128 | toTime).Format \"2006\" }}|{{ (toTime \"1435065584.128\").Format "
       "\"Mon Jan _2 15:04:05.000 MST 2006 pm 03 __2 002 -07:00 Z07:00 .999 ,000\" }}",
       "2015|Tue Jun 23 13:19:44.128 UTC 2015 pm 01 174 174 +00:00 Z .128 ,128"},
      {"{{ toTime \"NaN\" }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <toTime \"NaN\">: error calling toTime: value is NaN or Inf>"},
      {"{{ (toTime 1).Foo }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:123: "
       "executing \"__alert_A\" at <1>: can't evaluate field Foo in type *time.Time>"},
      {"{{ printf \"%T %s\" (toTime 1) (toTime 2) }}", "*time.Time 1970-01-01 00:00:02 +0000 UTC"},
  });
}

TEST_CASE("title, toUpper and toLower change case as Go's strings package does") {
  check_all({
      {"{{title \"this part\"}} {{toUpper \"is testing\"}} {{toLower \"THE STRINGS\"}}",
       "This Part IS TESTING the strings"},
      {"{{ \"aa bb CC\" | title }}|{{ \"aa bb CC\" | toUpper }}|{{ \"aA bB CC\" | toLower }}",
       "Aa Bb CC|AA BB CC|aa bb cc"},
      {"{{ title \"foo.bar 1st don't a-b c_d e:f x..y\" }}|{{ title \"héllo wörld ñu\" }}|{{ title "
       "\"ǆemal\" }}",
       "Foo.Bar 1st Don'T A-B C_d E:F X..Y|Héllo Wörld Ñu|ǅemal"},
      {"{{ toUpper \"straße é ǆ ﬁ ı\" }}|{{ toLower \"ÉCOLE İ Σ\" }}", "STRAßE É Ǆ ﬁ I|école i σ"},
      {"{{ toUpper 3 }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:123: "
       "executing \"__alert_A\" at <3>: expected string; found 3>"},
      {"{{ toUpper .Value }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:123: "
       "executing \"__alert_A\" at <.Value>: wrong type for value; expected string; got float64>"},
      {"{{ toUpper (safeHtml \"x\") }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:133: "
       "executing \"__alert_A\" at <\"x\">: wrong type for value; expected string; got "
       "template.HTML>"},
      {"{{ toUpper nil }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:123: "
       "executing \"__alert_A\" at <nil>: cannot assign nil to string>"},
      {"{{ toUpper $labels.nothere }}", ""},
  });
}

TEST_CASE("match and reReplaceAll use Go's regular expressions") {
  check_all({
      {"{{ match \"a+\" \"aa\" }} {{ match \"a+\" \"b\" }} {{ match \"[0-9]+$\" \"1234a\" }} {{ "
       "match \"^a.c$\" \"a\\nc\" }} {{ match \"(?s)^a.c$\" \"a\\nc\" }} {{ match \"(?m)^b\" "
       "\"a\\nb\" }}",
       "true false false false true true"},
      {"{{ reReplaceAll \"(a)b\" \"x$1\" \"ab\" }}|{{ reReplaceAll \"r.*d\" \"replaced\" \"rpld "
       "text\" }}|{{ reReplaceAll \"(.*):(\\\\d+)\" \"$1\" \"localhost:9090\" }}",
       "xa|replaced text|localhost"},
      {"{{ reReplaceAll \"(a)(b)?\" \"[$1|$2|${1}x|$1x|$$|$0|$3|${name}|$\" \"ab a c\" }}",
       "[a|b|ax||$|ab|||$ [a||ax||$|a|||$ c"},
      {"{{ reReplaceAll \"(?P<first>\\\\w+) (?P<second>\\\\w+)\" \"$second $first ${first}_\" "
       "\"hello world foo bar\" }}",
       "world hello hello_ bar foo foo_"},
      {"{{ reReplaceAll \"x*\" \"-\" \"abc\" }}|{{ reReplaceAll \"a*\" \"-\" \"baaac\" }}|{{ "
       "reReplaceAll \"\" \"-\" \"héllo\" }}|{{ reReplaceAll \"^\" \">\" \"abc\" }}|{{ "
       "reReplaceAll \"\\\\b\" \"|\" \"ab cd\" }}",
       "-a-b-c-|-b-c-|-h-é-l-l-o-|>abc||ab| |cd|"},
      {"{{ reReplaceAll \"(?i)ABC\" \"x\" \"abcABC\" }}|{{ reReplaceAll \"a|ab\" \"x\" \"ab\" "
       "}}|{{ reReplaceAll \"(a+)(b+)?\" \"<$2>\" \"aab a\" }}",
       "xx|xb|<b> <>"},
  });
}

TEST_CASE("a bad regular expression is an error in Go's words") {
  check_all({
      {"{{ reReplaceAll \"(\" \"x\" \"y\" }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <reReplaceAll \"(\" \"x\" \"y\">: error calling reReplaceAll: "
       "regexp: Compile(`(`): error parsing regexp: missing closing ): `(`>"},
      {"{{ reReplaceAll \"a)\" \"\" \"\" }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <reReplaceAll \"a)\" \"\" \"\">: error calling reReplaceAll: "
       "regexp: Compile(`a)`): error parsing regexp: unexpected ): `a)`>"},
      {"{{ reReplaceAll \"a(\\n\" \"\" \"\" }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <reReplaceAll \"a(\\n\" \"\" \"\">: error calling reReplaceAll: "
       "regexp: Compile(\"a(\\n\"): error parsing regexp: missing closing ): `a(\n`>"},
      {"{{ match \"a**\" \"y\" }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <match \"a**\" \"y\">: error calling match: error parsing "
       "regexp: invalid nested repetition operator: `**`>"},
      {"{{ match \"[a\" \"\" }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <match \"[a\" \"\">: error calling match: error parsing regexp: "
       "missing closing ]: `[a`>"},
      {"{{ match \"*\" \"\" }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <match \"*\" \"\">: error calling match: error parsing regexp: "
       "missing argument to repetition operator: `*`>"},
      {"{{ match \"\\\\q\" \"\" }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <match \"\\\\q\" \"\">: error calling match: error parsing "
       "regexp: invalid escape sequence: `\\q`>"},
      {"{{ match \"a{1001}\" \"\" }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <match \"a{1001}\" \"\">: error calling match: error parsing "
       "regexp: invalid repeat count: `{1001}`>"},
      {"{{ match \"(?z)\" \"\" }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <match \"(?z)\" \"\">: error calling match: error parsing "
       "regexp: invalid or unsupported Perl syntax: `(?z`>"},
      {"{{ match \"a\\\\\" \"\" }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <match \"a\\\\\" \"\">: error calling match: error parsing "
       "regexp: trailing backslash at end of expression: ``>"},
      {"{{ reReplaceAll \"[z-a]\" \"x\" \"y\" }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <reReplaceAll \"[z-a]\" \"x\" \"y\">: error calling "
       "reReplaceAll: regexp: Compile(`[z-a]`): error parsing regexp: invalid character class "
       "range: `z-a`>"},
  });
}

TEST_CASE("stripPort and stripDomain split host and port as Go's net package does") {
  check_all({
      {"{{ stripPort \"[::1]:6006\"}} {{ stripPort \"127.0.0.1:4004\"}} {{ "
       "\"foo.example.com:12345\" | stripPort }} {{ \"2001:0DB8::1\" | stripPort }} {{ "
       "\"[2001:0DB8::1]::12345\" | stripPort }} {{ stripPort \"a:b:c\" }} {{ stripPort \"[::1]\" "
       "}}",
       "::1 127.0.0.1 foo.example.com 2001:0DB8::1 [2001:0DB8::1]::12345 a:b:c [::1]"},
      {"{{ \"foo.example.com\" | stripDomain }} {{ \"foo.example.com:12345\" | stripDomain }} {{ "
       "\"192.0.2.1:12345\" | stripDomain }} {{ \"[2001:0DB8::1]:12345\" | stripDomain }} {{ "
       "\"[2001:0DB8::1]::12345\" | stripDomain }} {{ stripDomain \"host.x:9\" }}",
       "foo foo:12345 192.0.2.1:12345 [2001:0DB8::1]:12345 [2001:0DB8::1]::12345 host:9"},
  });
}

TEST_CASE("graphLink, tableLink, safeHtml, parseDuration and args") {
  check_all({
      {"{{ graphLink \"up\" }}|{{ tableLink \"up\" }}|{{ graphLink \"rate(x[5m]) > 0\" }}",
       "/graph?g0.expr=up&g0.tab=0|/graph?g0.expr=up&g0.tab=1|/"
       "graph?g0.expr=rate%28x%5B5m%5D%29+%3E+0&g0.tab=0"},
      {"{{ safeHtml \"<b>\" }} {{ printf \"%T\" (safeHtml \"x\") }}", "<b> template.HTML"},
      {"{{ parseDuration \"2h10m15s\" }} {{ parseDuration \"1h2m10ms\" }} {{ parseDuration \"0\" "
       "}} {{ parseDuration \"1d\" }} {{ printf \"%0.2f\" (parseDuration \"1h2m10ms\") }}",
       "7815 3720.01 0 86400 3720.01"},
      {"{{ parseDuration \"1x\" }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <parseDuration \"1x\">: error calling parseDuration: not a "
       "valid duration string: \"1x\">"},
      {"{{ parseDuration \"\" }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <parseDuration \"\">: error calling parseDuration: empty "
       "duration string>"},
      {"{{ parseDuration \"1000000y\" }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <parseDuration \"1000000y\">: error calling parseDuration: "
       "duration out of range>"},
      {"{{define \"x\"}}{{.arg0}} {{.arg1}} [{{ .arg5 }}]{{end}}{{template \"x\" (args 1 \"2\")}}",
       "1 2 [<no value>]"},
      {"{{ args 1 \"2\" nil }}|{{ index (args 1) \"arg0\" }}|{{ len (args 1 2) }}|{{ range $k, $v "
       ":= args 1 \"b\" }}{{ $k }}={{ $v }};{{ end }}",
       "map[arg0:1 arg1:2 arg2:<nil>]|1|2|arg0=1;arg1=b;"},
      {"{{ define \"x\" }}{{ .arg5.y }}{{ end }}{{ template \"x\" (args 1) }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:136: "
       "executing \"x\" at <.arg5.y>: nil pointer evaluating interface {}.y>"},
  });
}

TEST_CASE("Go's builtins: len, index, slice, not, and, or, html, js, urlquery, print") {
  check_all({
      {"{{ len $labels }} {{ len \"héllo\" }} {{ index $labels \"job\" }}|{{ index $labels \"zz\" "
       "}}|{{ index \"abc\" 1 }} {{ slice \"abcdef\" 1 3 }} {{ slice \"abc\" }}",
       "3 6 api||98 bc abc"},
      {"{{ not 0 }} {{ not $labels.nothere }} {{ not nil }} {{ and 1 0 2 }}|{{ or 0 \"\" \"x\" "
       "}}|{{ and 1 \"a\" }}|{{ or \"\" 0 nil }}|{{ and 0 (index 1 2) }}",
       "true true true 0|x|a|<no value>|0"},
      {"{{ html \"<a href='x'>&\" }}|{{ js \"a'b\\\"<>=\" }}|{{ urlquery \"a b&c\" }}|{{ html nil "
       "}}|{{ html 1 \"a\" }}",
       "&lt;a href=&#39;x&#39;&gt;&amp;|a\\'b\\\"\\u003C\\u003E\\u003D|a+b%26c|&lt;no "
       "value&gt;|1a"},
      {"{{ print 1 2 \"a\" \"b\" 3 }}|{{ println 1 \"a\" }}|{{ print nil }}", "1 2ab3|1 a\n|<nil>"},
      {"{{ len nil }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <len nil>: error calling len: reflect: call of "
       "reflect.Value.Type on zero Value>"},
      {"{{ len $value }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <len $value>: error calling len: len of type float64>"},
      {"{{ index $labels 1 }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <index $labels 1>: error calling index: value has type int; "
       "should be string>"},
      {"{{ index \"abc\" 3 }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <index \"abc\" 3>: error calling index: reflect: string index "
       "out of range>"},
      {"{{ index $value 1 }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <index $value 1>: error calling index: can't index item of type "
       "float64>"},
      {"{{ index nil 1 }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <index nil 1>: error calling index: index of untyped nil>"},
      {"{{ and }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <and>: wrong number of args for and: want at least 1 got 0>"},
      {"{{ call $value }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <call $value>: error calling call: non-function of type "
       "float64>"},
  });
}

TEST_CASE("comparisons follow Go's rules for basic kinds") {
  check_all({
      {"{{ eq 1 1 }} {{ eq \"a\" \"b\" \"a\" }} {{ ne 1 2 }} {{ lt 1.5 2.5 }} {{ le \"a\" \"a\" }} "
       "{{ ge 3 4 }} {{ gt 2 1 }} {{ eq nil nil }} {{ eq nil \"x\" }}",
       "true true true true true false true true false"},
      {"{{ if gt $value 0.5 }}big{{ else }}small{{ end }} {{ eq $value $value }} {{ eq $labels.job "
       "\"api\" }}",
       "big true true"},
      {"{{ gt $value 1 }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <gt $value 1>: error calling gt: incompatible types for "
       "comparison>"},
      {"{{ eq 1 1.0 }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <eq 1 1.0>: error calling eq: incompatible types for "
       "comparison>"},
      {"{{ lt true false }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <lt true false>: error calling lt: invalid type for "
       "comparison>"},
      {"{{ eq 1 }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <eq 1>: error calling eq: missing argument for comparison>"},
      {"{{ eq $labels $labels }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <eq $labels $labels>: error calling eq: non-comparable type "
       "map[__name__:m instance:localhost:9090 job:api]: map[string]string>"},
      {"{{ lt 1 \"a\" }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <lt 1 \"a\">: error calling lt: incompatible types for "
       "comparison>"},
  });
}

TEST_CASE("the query functions parse, as in Prometheus, but fail when called") {
  check_all({
      {"{{ query \"up\" }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <query \"up\">: error calling query: function \"query\" not "
       "supported>"},
      {"{{ with query \"up\" }}{{ . | first | value }}{{ end }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:120: "
       "executing \"__alert_A\" at <query \"up\">: error calling query: function \"query\" not "
       "supported>"},
      {"{{ label \"a\" nil }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
       "executing \"__alert_A\" at <label \"a\" nil>: error calling label: function \"label\" not "
       "supported>"},
      // Arguments are checked against the function's parameter types first, as Go does.
      {"{{ first $labels }}",
       "<error expanding template: error executing template __alert_A: template: __alert_A:1:121: "
       "executing \"__alert_A\" at <$labels>: wrong type for value; expected "
       "template.queryResult; got map[string]string>"},
  });
}

TEST_CASE("pathPrefix and externalURL read the external URL, and fail without one as promtool") {
  TemplateData data = alert_data();
  data.external_url = "http://prom.example:9090/p%20q/r?x=1";
  CHECK(expand_for_alert("A", "{{ pathPrefix }}|{{ externalURL }}|{{ $externalURL }}", data) ==
        "/p q/r|http://prom.example:9090/p%20q/r?x=1|http://prom.example:9090/p%20q/r?x=1");
  CHECK(expand_for_alert("A", "{{ pathPrefix }}", alert_data()) ==
        "<error expanding template: error executing template __alert_A: template: __alert_A:1:115: "
        "executing \"__alert_A\" at <pathPrefix>: error calling pathPrefix: runtime error: invalid "
        "memory address or nil pointer dereference>");
}

}  // namespace
}  // namespace vitals::alert_template
