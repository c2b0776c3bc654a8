// Parses PromQL into the syntax tree of ast.h with Prometheus' grammar: its precedence (`^`
// binds tighter than unary minus, `or` loosest), its modifiers (offset and @ in either order,
// on/ignoring/group_left/group_right, bool), its type checks and its error texts. Thread-safe:
// nothing is shared between calls.
#pragma once

#include <string_view>
#include <vector>

#include "agent/store/postings.h"
#include "alerts/promql/ast.h"
#include "vitals/common/error.h"

namespace vitals::promql {

struct ParseOptions {
  // Accept the functions Prometheus marks experimental (mad_over_time, sort_by_label, …) and the
  // limitk / limit_ratio aggregations, as its --enable-feature=promql-experimental-functions
  // does. Off by default, as there.
  bool experimental_functions = false;
};

// A whole query, type-checked. Errors are InvalidArgument with Prometheus' message for the first
// problem, "LINE:COL: parse error: …" (1-based; the column counts bytes), for example
// `1:5: parse error: unexpected "}"`. Unary minus on a number literal is folded into it (`-1` is
// NumberLiteral{-1}), as Prometheus does; parentheses stay as Paren nodes. Unlike Prometheus,
// "expression nested too deeply" refuses parentheses, calls and unary operators nested more
// than 256 deep, and trees more than 1000 nodes high (`a + b + … ` with 1000 operators), so
// that walking a tree recursively cannot overflow the stack.
Result<ExprPtr> parse(std::string_view query, const ParseOptions& options = {});

// One series selector as /api/v1/series' match[] takes it (`up`, `{__name__=~"job:.*"}`): its
// matchers, the metric name first as __name__="…". No offset, @ or range. Fails like parse(),
// and with "match[] must contain at least one non-empty matcher" when every matcher accepts
// the empty value (Prometheus' API check).
Result<std::vector<LabelMatcher>> parse_metric_selector(std::string_view text);

}  // namespace vitals::promql
