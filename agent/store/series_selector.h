// Parses a PromQL series selector (`up`, `http_requests_total{job="api",code=~"5.."}`,
// `{__name__=~"card_.*"}`) into label matchers, for /api/v1/series' match[] parameter. The
// PromQL parser of the rules engine will take this over.
#pragma once

#include <string_view>
#include <vector>

#include "agent/store/postings.h"
#include "vitals/common/error.h"

namespace vitals {

// InvalidArgument naming the position (1-based column) of the first problem. A selector must
// have a metric name or at least one matcher that does not match the empty string, as in
// Prometheus.
Result<std::vector<LabelMatcher>> parse_series_selector(std::string_view text);

}  // namespace vitals
