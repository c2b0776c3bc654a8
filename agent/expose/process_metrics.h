// The standard process_* series every Prometheus client exports (memory, CPU, file descriptors,
// start time), read from /proc/self at each collection the way the Go client does.
#pragma once

#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include "vitals/common/error.h"

namespace vitals {

struct ProcessStats {
  double resident_memory_bytes = 0;
  double virtual_memory_bytes = 0;
  double cpu_seconds = 0;  // user + system
  double open_fds = 0;
  double max_fds = 0;  // the soft limit; RLIM_INFINITY as 2^64-1, as the Go client reports it
  double start_time_seconds = 0;  // Unix seconds
};

// Reads /proc/self/stat, /proc/stat (boot time), /proc/self/fd and the RLIMIT_NOFILE soft limit.
// Unavailable, naming the file, when one cannot be read or parsed (e.g. not Linux).
// Thread-safe.
Result<ProcessStats> read_process_stats();

// A collectable for AgentMetrics' registry set. Thread-safe: each Collect() reads afresh. When
// /proc cannot be read it collects nothing rather than zeros, which would read as real values.
class ProcessMetrics : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override;
};

}  // namespace vitals
