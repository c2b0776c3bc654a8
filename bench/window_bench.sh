#!/usr/bin/env bash
# The sample window alone (bench/window_bench.cc): append cost per sample with scrape refs
# cached, compressed and index bytes per series, resident memory, select and read costs, and
# appends beside two readers; for 20,000 and 100,000 series (200 and 1000 targets of 100 series)
# over 1 h of 15 s rounds, in memory and backed by SQLite. Times are thread CPU time.
#
# Environment: SERIES ("20000 100000"), ROUNDS (240), BUILD_DIR (build).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-build}
[[ $build_dir = /* ]] || build_dir=$root/$build_dir
rounds=${ROUNDS:-240}

cmake -S "$root" -B "$build_dir" -DVITALS_BUILD_BENCH=ON >/dev/null
cmake --build "$build_dir" -j"$(nproc)" --target window-bench >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for series in ${SERIES:-20000 100000}; do
  "$build_dir/bin/window-bench" --series "$series" --rounds "$rounds"
  echo
  "$build_dir/bin/window-bench" --series "$series" --rounds "$rounds" --db "$work/window-$series.db"
  echo
done
