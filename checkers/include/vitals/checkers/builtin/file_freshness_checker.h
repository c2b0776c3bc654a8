// A checker for work a service leaves on disk (an export, a backup, a feed snapshot written by a
// job): it fails when the file stops being rewritten.
#pragma once

#include <string>

#include "vitals/checkers/check.h"

namespace vitals {

// Each run compares the modification time of `path` with the context's wall clock. Metadata:
// `modified` (RFC 3339) and `age_seconds`. Fails when the file is missing or is older than
// `max_age`; a modification time in the future counts as fresh.
Checker file_freshness_checker(std::string path, Duration max_age);

}  // namespace vitals
