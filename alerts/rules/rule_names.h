// The syntax of the names a rule file gives: metric names (recording rules), label and
// annotation names, and UTF-8 validity of values, under Prometheus 3's two validation schemes.
#pragma once

#include <cstdint>
#include <string_view>

namespace vitals::rules {

// Prometheus 3 accepts any non-empty UTF-8 name (its default); the legacy scheme keeps the
// Prometheus 2 character sets.
enum class NameValidation : std::uint8_t { Utf8, Legacy };

// Go's utf8.ValidString: no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_valid_utf8(std::string_view text);

// Legacy: [a-zA-Z_][a-zA-Z0-9_]*. UTF-8: non-empty valid UTF-8.
bool is_valid_label_name(std::string_view name, NameValidation scheme);

// Legacy: [a-zA-Z_:][a-zA-Z0-9_:]*. UTF-8: non-empty valid UTF-8.
bool is_valid_metric_name(std::string_view name, NameValidation scheme);

}  // namespace vitals::rules
