// Prints a syntax tree back as PromQL the way Prometheus' String() methods do, for
// /api/v1/rules and messages: `sum by (job) (rate(http_requests_total{job="api"}[5m]))`. One
// canonical spelling: single spaces around operators, matchers sorted, durations as "1h30m",
// timestamps as "@ 1609746000.000". parse(format(e)) is equivalent to e (see ast.h) for any
// parsed e; parentheses are written only where the tree has Paren nodes, so a tree built by hand
// needs them where precedence asks for them.
#pragma once

#include <cstdint>
#include <string>

#include "agent/store/postings.h"
#include "alerts/promql/ast.h"

namespace vitals::promql {

std::string format(const Expr& expr);

// `job="api"`, `"service.name"=~"a|b"`: a label name is quoted when it is not [a-zA-Z_]\w*.
std::string format(const LabelMatcher& matcher);

// Prometheus' duration spelling (model.Duration): "1h30m", "90d", "1y", "0s"; years and weeks
// only when they divide evenly; negative with a leading "-".
std::string format_duration_ms(std::int64_t ms);

// Go's strconv.FormatFloat(v, 'f', -1, 64): the shortest digits that read back exactly, never
// an exponent; "+Inf", "-Inf", "NaN".
std::string format_number(double value);

}  // namespace vitals::promql
