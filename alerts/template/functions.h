// The functions an alert template can call: Go's text/template builtins (and, or, not, len,
// index, slice, print, printf, println, html, js, urlquery, call, eq, ne, lt, le, gt, ge) and
// Prometheus' function map (template/template.go in Prometheus 2.42): humanize*, toTime,
// title, toUpper, toLower, match, reReplaceAll, safeHtml, stripPort, stripDomain, graphLink,
// tableLink, args, parseDuration, pathPrefix, externalURL. The query functions (query, first,
// label, value, strvalue, sortByLabel) exist, so templates using them parse as in Prometheus,
// but fail when called: `function "query" not supported`.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "alerts/template/value.h"

namespace vitals::alert_template::detail {

struct Function {
  Callable callable;
  bool builtin = false;  // Go's; "and", "or" and "call" are evaluated specially
};

// nullptr for a name that is no function. The table is immutable and shared.
const Function* find_function(std::string_view name);

// The builtins alone (builtins.cc), for functions.cc to merge with Prometheus' map, and their
// comparisons (builtin_compare.cc).
void add_builtins(std::vector<std::pair<std::string_view, Function>>& out);
void add_comparisons(std::vector<std::pair<std::string_view, Function>>& out);

// url.QueryEscape: what urlquery, graphLink and tableLink escape with.
std::string query_escape(std::string_view s);

}  // namespace vitals::alert_template::detail
