// Rule files with time run faster: every duration in a rule file's text (range selectors and
// subqueries `[5m]`, `[1h:1m]`, `offset 5m`, and the `for`, `keep_firing_for` and `interval`
// keys) divided by one factor, so the end-to-end test runs the shipped rules' logic in seconds
// instead of minutes. Thresholds and everything else stay as written, so a shipped rule that
// writes a time span any other way (`time() - x > 300`) is not scaled: the shipped rules avoid it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vitals::testing {

// `ms` as a Prometheus duration: whole seconds as "15s", anything else as "1500ms".
std::string format_prometheus_duration(std::int64_t ms);

// `rule_file_text` with every duration it holds divided by `factor` (at least 1 ms).
std::string time_scaled_rules(std::string_view rule_file_text, std::int64_t factor);

}  // namespace vitals::testing
