#!/usr/bin/env bash
# The exposition parser alone: parse-exposition-bench builds a service's /metrics body of SERIES
# series (counters, gauges, histograms and a summary with route, method, status, issuer… labels)
# in the Prometheus text format 0.0.4 and in OpenMetrics 1.0, parses each PARSES times per run,
# and prints MB/s (10^6 bytes of body) and samples/s, the medians of RUNS runs. No network, no
# gzip: the parser's own cost, one thread.
#
# Environment: SERIES (10000), RUNS (11), PARSES (20), BUILD_DIR (build).
set -euo pipefail

series=${SERIES:-10000}
runs=${RUNS:-11}
parses=${PARSES:-20}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-build}
[[ $build_dir = /* ]] || build_dir=$root/$build_dir

cmake -S "$root" -B "$build_dir" -DVITALS_BUILD_BENCH=ON >/dev/null
cmake --build "$build_dir" -j"$(nproc)" --target parse-exposition-bench >&2
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build_dir/CMakeCache.txt")
echo "build: ${build_type:-default}, $(g++ --version | head -1), $(nproc) CPUs" \
  "($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1))"
"$build_dir/bin/parse-exposition-bench" --series "$series" --runs "$runs" --parses "$parses"
