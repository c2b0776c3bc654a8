#!/usr/bin/env bash
# How fast the checkers library serves /health and /metrics: starts checkers-example with 20
# extra checkers on a free loopback port, loads each endpoint with wrk a few times, and prints
# requests/s, p50 and p99 latency per run and the median across runs.
#
# Environment: RUNS (3), DURATION (10s), THREADS (2), CONNECTIONS (32), EXTRA_CHECKS (20),
# BUILD_DIR (build).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

runs=${RUNS:-3}
duration=${DURATION:-10s}
threads=${THREADS:-2}
connections=${CONNECTIONS:-32}
extra_checks=${EXTRA_CHECKS:-20}
binary=$build_dir/bin/checkers-example

require_tools ' (apt-get install wrk)' wrk

# Starts the example on port 0 and sets `server_pid` and `port` from the line it prints once
# serving. Its later output (status changes) is drained to a log so a full pipe can never block it.
start_server() {
  start -t 10 checkers-example '^listening on http://127\.0\.0\.1:([0-9]+)$' "$binary" --port 0 \
    --extra-checks "$extra_checks" --drain-grace 0s
  server_pid=$started_pid
  port=$matched
}

# Converts wrk's latency ("512.00us", "1.20ms", "1.01s") to milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n *= 1; else if (v ~ /m$/) n *= 60000;
    else if (v ~ /s$/) n *= 1000
    printf "%.3f", n }'
}

# One wrk run against `path`; prints "req/s p50_ms p99_ms non2xx".
measure() {
  local report
  report=$(wrk -t"$threads" -c"$connections" -d"$duration" --latency "http://127.0.0.1:$port$1")
  local rps p50 p99 non2xx
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$report")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$report")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$report")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$report")
  echo "$rps $(to_ms "$p50") $(to_ms "$p99") ${non2xx:-0}"
}

report_endpoint() {
  local path=$1 results=()
  printf '\n%s  (wrk -t%s -c%s -d%s, %s checkers)\n' "$path" "$threads" "$connections" \
    "$duration" "$((extra_checks + 2))"
  printf '%-8s %12s %10s %10s %8s\n' run requests/s p50_ms p99_ms non2xx
  for ((run = 1; run <= runs; run++)); do
    local row rps p50 p99 non2xx
    row=$(measure "$path")
    results+=("$row")
    read -r rps p50 p99 non2xx <<<"$row"
    printf '%-8s %12s %10s %10s %8s\n' "$run" "$rps" "$p50" "$p99" "$non2xx"
  done
  local column medians=()
  for column in 1 2 3 4; do
    medians+=("$(printf '%s\n' "${results[@]}" | awk -v c=$column '{print $c}' | median)")
  done
  printf '%-8s %12s %10s %10s %8s\n' median "${medians[@]}"
}

build checkers-example
start_server
echo "checkers-example (pid $server_pid) on 127.0.0.1:$port, $(nproc) cores"
report_endpoint /health
report_endpoint /metrics
