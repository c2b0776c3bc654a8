// A checker for the disk a service writes to (its database, logs, spool): it fails before the
// disk is full, while there is still time to act.
#pragma once

#include <cstdint>
#include <string>

#include "vitals/checkers/check.h"

namespace vitals {

struct DiskSpaceOptions {
  std::uint64_t min_free_bytes = 0;  // space an unprivileged process can still use
  double min_free_ratio = 0.0;       // that space over the file system's size, 0 to 1
};

// Each run reads statvfs() of the file system holding `path`. Metadata: `free_bytes`,
// `total_bytes`, `free_ratio`. Fails when free space is below either minimum, or `path` is
// missing. statvfs() has no timeout: on a hung network mount the runner reports the timeout.
Checker disk_space_checker(std::string path, DiskSpaceOptions options = {});

}  // namespace vitals
