// Secrets kept in files (bearer tokens, routing keys, webhook URLs with tokens), read the one way
// everything in the agent reads them.
#pragma once

#include <string>

#include "vitals/common/error.h"

namespace vitals {

// The first line of `path` without surrounding whitespace (editors add a newline). Unavailable
// when the file cannot be read or holds nothing; the error names the path, never the content.
Result<std::string> read_secret_file(const std::string& path);

}  // namespace vitals
