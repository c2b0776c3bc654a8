// Reading the agent's configuration (vitals.yml): YAML text or a file in, a validated Config
// with every default filled in out, or the first problem as "file:line:col: reason".
#pragma once

#include <string>
#include <string_view>

#include "agent/config/config.h"
#include "vitals/common/error.h"

namespace vitals {

// Parses and validates `yaml_text`. `file_name` is used in error locations and as the
// directory that relative rule_files and secret file paths are resolved against. Errors are
// InvalidArgument with `where` set (1-based line and column).
Result<Config> parse_config(std::string_view yaml_text, const std::string& file_name);

// Reads `path` and parses it. A missing file is NotFound, an unreadable one Unavailable; both
// name the path in the message.
Result<Config> load_config(const std::string& path);

// The checks that need the whole configuration: unique names, depends_on targets that exist and
// form no cycle, receivers that routes name, the status page's services and probes. Errors
// point at config.locations; parse_config runs this already.
Result<void> validate_config(const Config& config);

}  // namespace vitals
