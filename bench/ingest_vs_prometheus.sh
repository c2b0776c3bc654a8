#!/usr/bin/env bash
# Ingestion cost: vitals-agent against a real Prometheus (Debian's prometheus), both scraping the
# same loopback metrics targets at the same time, every second.
#
# One target server (bench/tools/metrics_targets.py: one keep-alive HTTP server, /metrics/<i>
# for each target, 100 series of the text format 0.0.4 whose counters grow and gauges wander)
# per leg; one leg per size in TARGETS, each with fresh processes. In a leg the agent (every
# target a service with only metrics_url, service label t0000…) and Prometheus (one static group
# per target with __metrics_path__ and the same service label) start together; once the agent
# serves and Prometheus is ready they warm up for WARMUP s, whose CPU is not counted, then
# DURATION s are measured, per scraper:
#   CPU        utime + stime from /proc/<pid>/stat over the measured period
#   samples    ingested over the same period: the agent's vitals_window_samples_appended_total,
#              Prometheus' prometheus_tsdb_head_samples_appended_total (summed over its types);
#              both count their per-target report series too (agent: up, scrape_duration_seconds,
#              scrape_samples_scraped: 103 a scrape; Prometheus adds two more: 105)
#   series     active at the end: vitals_window_series, prometheus_tsdb_head_series
#   RSS        VmRSS at the end (fixed overheads included)
# and prints µs of CPU per sample and bytes of RSS per series, with the raw figures; `up` is
# Prometheus' count(up == 1) and, for the agent (which has no query API), the targets the target
# server saw it fetch in the last 3 s; `scrapes` are the requests each got answered in the
# measured period (the target server's count; DURATION x TARGETS when none is missed). The
# summary has the medians over RUNS and the agent/Prometheus ratios against the goals (CPU per
# sample <= 1/4 of Prometheus', RSS per series <= 1/2). Under each leg: the target server's CPU,
# the agent's skipped and written-off runs, Prometheus' failed scrapes and scrape durations, the
# load average; and a WARNING when a scraper missed over 1% of its scrapes (a busy machine).
#
# Environment: TARGETS ("200 1000"), DURATION (600), WARMUP (60), RUNS (1), BUILD_DIR (build),
# PYTHON (/usr/bin/python3, else python3).
set -euo pipefail

sizes=${TARGETS:-200 1000}
duration=${DURATION:-600}
warmup=${WARMUP:-60}
runs=${RUNS:-1}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-build}
[[ $build_dir = /* ]] || build_dir=$root/$build_dir
agent_bin=$build_dir/bin/vitals-agent
python=${PYTHON:-$(command -v /usr/bin/python3 || command -v python3 || true)}
clk_tck=$(getconf CLK_TCK)

for tool in curl prometheus "$python"; do
  command -v "$tool" >/dev/null || {
    echo "$tool not found: run scripts/setup (Debian: prometheus)" >&2
    exit 1
  }
done
# Two scrapers keep a connection to every target: the target server needs twice as many
# descriptors, and the agent inherits this limit too.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

tmp=$(mktemp -d)
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

build() {
  [[ -f $build_dir/CMakeCache.txt ]] || cmake -S "$root" -B "$build_dir" >&2
  cmake --build "$build_dir" -j"$(nproc)" --target vitals-agent >&2
}

# Stops one process started here and forgets it.
stop() {
  kill -TERM "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  local kept=() pid
  for pid in "${pids[@]}"; do [[ $pid == "$1" ]] || kept+=("$pid"); done
  pids=("${kept[@]}")
}

# start NAME PATTERN COMMAND...: starts COMMAND in the background, reads its stdout until a line
# matches PATTERN (30 s at most), and leaves its later output in $tmp/NAME.log, so a full pipe
# never blocks it. Sets `started_pid` and `matched` (the pattern's first group).
start() {
  local name=$1 pattern=$2
  shift 2
  local fifo=$tmp/$name.fifo line out
  rm -f "$fifo"
  mkfifo "$fifo"
  "$@" >"$fifo" 2>>"$tmp/$name.log" &
  started_pid=$!
  pids+=("$started_pid")
  exec {out}<"$fifo"
  while IFS= read -r -t 30 -u "$out" line; do
    echo "$line" >>"$tmp/$name.out"
    if [[ $line =~ $pattern ]]; then
      matched=${BASH_REMATCH[1]}
      cat <&"$out" >>"$tmp/$name.log" &
      exec {out}<&-
      return 0
    fi
  done
  echo "$name did not start; it said:" >&2
  cat "$tmp/$name.out" "$tmp/$name.log" >&2 2>/dev/null || true
  exit 1
}

free_port() {
  "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits up to 30 s for URL to answer 200.
wait_ready() {
  local tries
  for ((tries = 0; tries < 300; tries++)); do
    curl -fs -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "$1 did not become ready" >&2
  exit 1
}

cpu_seconds() {
  local stat fields
  stat=$(<"/proc/$1/stat")
  read -r -a fields <<<"${stat##*) }"  # fields[0] is stat's 3rd field, so utime is [11]
  awk -v u="${fields[11]}" -v s="${fields[12]}" -v hz="$clk_tck" 'BEGIN { printf "%.2f", (u + s) / hz }'
}

rss_mib() {
  awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"
}

now() { date +%s.%N; }

# The agent's "samples_appended series runs_skipped runs_written_off".
agent_counts() {
  curl -fs --max-time 10 "http://127.0.0.1:$1/metrics" |
    awk '$1 == "vitals_window_samples_appended_total" { a = $2 }
         $1 == "vitals_window_series" { s = $2 }
         $1 == "vitals_scheduler_runs_skipped_total" { k = $2 }
         $1 == "vitals_scheduler_runs_written_off_total" { w = $2 }
         END { printf "%.0f %.0f %.0f %.0f\n", a, s, k, w }'
}

# Prometheus' "samples_appended series".
prom_counts() {
  curl -fs --max-time 10 "http://127.0.0.1:$1/metrics" |
    awk '/^prometheus_tsdb_head_samples_appended_total[{ ]/ { a += $NF }
         $1 == "prometheus_tsdb_head_series" { s = $2 }
         END { printf "%.0f %.0f\n", a, s }'
}

# Prints one PromQL instant query's single value (0 when empty) at time $3.
prom_value() {
  curl -fs --get "http://127.0.0.1:$1/api/v1/query" --data-urlencode "query=$2" \
    --data-urlencode "time=$3" |
    "$python" -c 'import json, sys
r = json.load(sys.stdin)["data"]["result"]
print("%.10g" % float(r[0]["value"][1]) if r else 0)'
}

# The target server's view of CLIENT: "targets_fetched_in_the_last_3s requests_so_far".
served() {
  curl -fs --max-time 10 "http://127.0.0.1:$1/stats" |
    awk -v c="$2" '$1 == c { t = $2; r = $3 } END { printf "%d %d\n", t, r }'
}

sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }

# Records one leg: peer up scrapes samples series cpu_s rss_mib seconds.
record() {
  local line f
  line=$(awk -v n="$targets" -v up="$2" -v sc="$3" -v sa="$4" -v se="$5" -v c="$6" -v r="$7" \
    -v t="$8" 'BEGIN { printf "%d %d %d %.1f %.1f %d %.1f %.2f %.3f %.0f",
                         n, up, sc, sa / t, sa / t / n, se, r, c, sa ? c * 1e6 / sa : 0,
                         se ? r * 1048576 / se : 0 }')
  read -r -a f <<<"$line"
  printf '%-4s %7s %-10s %5s %8s %10s %9s %8s %8s %8s %9s %8s\n' "$run" "${f[0]}" "$1" \
    "${f[1]}" "${f[2]}" "${f[3]}" "${f[4]}" "${f[5]}" "${f[6]}" "${f[7]}" "${f[8]}" "${f[9]}"
  echo "$1 $line" >>"$tmp/results"
}

write_configs() {
  local i
  {
    printf 'global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nservices:\n'
    for ((i = 0; i < targets; i++)); do
      printf '  - name: t%04d\n    metrics_url: "http://%s/metrics/%d"\n' "$i" "$target" "$i"
    done
  } >"$tmp/vitals.yml"
  {
    printf 'global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n'
    printf 'scrape_configs:\n  - job_name: bench\n    static_configs:\n'
    for ((i = 0; i < targets; i++)); do
      printf "      - {targets: ['%s'], " "$target"
      printf 'labels: {__metrics_path__: /metrics/%d, service: t%04d}}\n' "$i" "$i"
    done
  } >"$tmp/prometheus.yml"
}

leg() {
  local name=$run-$targets
  start "targets-$name" '^metrics (127\.0\.0\.1:[0-9]+)$' "$python" \
    "$root/bench/tools/metrics_targets.py" "$targets"
  local tpid=$started_pid
  target=$matched
  write_configs
  rm -rf "$tmp/agent-data" "$tmp/tsdb"
  start "agent-$name" 'listening on port ([0-9]+)' "$agent_bin" --config.file="$tmp/vitals.yml" \
    --web.listen-address=127.0.0.1:0 --storage.path="$tmp/agent-data/vitals.db" --log.level=warn
  local apid=$started_pid aport=$matched pport
  pport=$(free_port)
  prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/tsdb" \
    --web.listen-address="127.0.0.1:$pport" --log.level=warn >>"$tmp/prometheus-$name.log" 2>&1 &
  local ppid=$!
  pids+=("$ppid")
  wait_ready "http://127.0.0.1:$pport/-/ready"

  sleep "$warmup"
  local load0 load1
  read -r load0 _ </proc/loadavg
  local t0 t1 acpu0 acpu1 pcpu0 pcpu1 tcpu0 tcpu1 asamp0 asamp1 psamp0 psamp1 skip0 skip1 off0
  local off1 areq0 areq1 preq0 preq1 aseries pseries aup pup arss prss
  t0=$(now)
  acpu0=$(cpu_seconds "$apid")
  read -r asamp0 _ skip0 off0 < <(agent_counts "$aport")
  pcpu0=$(cpu_seconds "$ppid")
  read -r psamp0 _ < <(prom_counts "$pport")
  tcpu0=$(cpu_seconds "$tpid")
  read -r _ areq0 < <(served "${target#*:}" vitals-agent)
  read -r _ preq0 < <(served "${target#*:}" Prometheus)
  sleep "$duration"
  t1=$(now)
  acpu1=$(cpu_seconds "$apid")
  read -r asamp1 aseries skip1 off1 < <(agent_counts "$aport")
  pcpu1=$(cpu_seconds "$ppid")
  read -r psamp1 pseries < <(prom_counts "$pport")
  tcpu1=$(cpu_seconds "$tpid")
  read -r aup areq1 < <(served "${target#*:}" vitals-agent)
  read -r _ preq1 < <(served "${target#*:}" Prometheus)
  read -r load1 _ </proc/loadavg
  arss=$(rss_mib "$apid")
  prss=$(rss_mib "$ppid")
  pup=$(prom_value "$pport" 'count(up == 1)' "$t1")
  local failed dur_avg dur_max seconds
  failed=$(prom_value "$pport" \
    "sum(count_over_time(up[${duration}s]) - sum_over_time(up[${duration}s]))" "$t1")
  dur_avg=$(prom_value "$pport" "avg(avg_over_time(scrape_duration_seconds[${duration}s]))" "$t1")
  dur_max=$(prom_value "$pport" "max(max_over_time(scrape_duration_seconds[${duration}s]))" "$t1")
  seconds=$(sub "$t1" "$t0")
  stop "$ppid"
  stop "$apid"
  stop "$tpid"

  record agent "$aup" $((areq1 - areq0)) $((asamp1 - asamp0)) "$aseries" \
    "$(sub "$acpu1" "$acpu0")" "$arss" "$seconds"
  record prometheus "$pup" $((preq1 - preq0)) $((psamp1 - psamp0)) "$pseries" \
    "$(sub "$pcpu1" "$pcpu0")" "$prss" "$seconds"
  awk -v c="$(sub "$tcpu1" "$tcpu0")" -v t="$seconds" -v sk=$((skip1 - skip0)) \
    -v wo=$((off1 - off0)) -v f="$failed" -v avg="$dur_avg" -v max="$dur_max" \
    -v l0="$load0" -v l1="$load1" \
    'BEGIN { printf "     target server %.2f CPU s (%.0f%% of a core); agent runs skipped %d, " \
                    "written off %d; Prometheus failed scrapes %d, scrape duration avg %.1f ms, " \
                    "max %.1f ms; load average %s at the start, %s at the end\n",
                    c, c * 100 / t, sk, wo, f, avg * 1000, max * 1000, l0, l1 }'
  # A scraper that missed more than 1% of its scrapes had too little CPU: not a fair comparison.
  awk -v e="$(awk -v n="$targets" -v t="$seconds" 'BEGIN { printf "%d", n * t }')" \
    -v a=$((areq1 - areq0)) -v wo=$((off1 - off0)) -v p=$((preq1 - preq0)) -v f="$failed" \
    'BEGIN { if (a < 0.99 * e || wo > 0.01 * e || p - f < 0.99 * e)
               printf "     WARNING: scrapes missed (expected ~%d each; agent %d answered, %d " \
                      "written off; Prometheus %d answered, %d failed): this leg is not a fair " \
                      "measure; was the machine busy?\n", e, a, wo, p, f }'
}

median() {
  sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2];
                                       else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# median_of PEER TARGETS COLUMN (of the results file)
median_of() {
  awk -v p="$1" -v n="$2" -v c="$3" '$1 == p && $2 == n { print $c }' "$tmp/results" | median
}

summary() {
  local targets peer
  printf '\nmedians over %s run(s)\n' "$runs"
  printf '%7s %-10s %5s %8s %10s %9s %8s %8s %8s %9s %8s\n' targets peer up scrapes samples/s \
    per_tgt/s series rss_mib cpu_s us/sample B/series
  for targets in $sizes; do
    for peer in agent prometheus; do
      printf '%7s %-10s %5s %8s %10s %9s %8s %8s %8s %9s %8s\n' "$targets" "$peer" \
        "$(median_of "$peer" "$targets" 3)" "$(median_of "$peer" "$targets" 4)" \
        "$(median_of "$peer" "$targets" 5)" "$(median_of "$peer" "$targets" 6)" \
        "$(median_of "$peer" "$targets" 7)" "$(median_of "$peer" "$targets" 8)" \
        "$(median_of "$peer" "$targets" 9)" "$(median_of "$peer" "$targets" 10)" \
        "$(median_of "$peer" "$targets" 11)"
    done
  done
  printf '\nagent / prometheus (medians)\n%7s %14s %-14s %14s %-14s\n' targets cpu/sample goal \
    rss/series goal
  for targets in $sizes; do
    awk -v n="$targets" -v ac="$(median_of agent "$targets" 10)" \
      -v pc="$(median_of prometheus "$targets" 10)" -v ar="$(median_of agent "$targets" 11)" \
      -v pr="$(median_of prometheus "$targets" 11)" \
      'function verdict(r, goal) {
         return sprintf("<= %.2f %s", goal, r <= goal ? "met" : "MISSED") }
       BEGIN { c = pc ? ac / pc : 0; r = pr ? ar / pr : 0
               printf "%7s %14.3f %-14s %14.3f %-14s\n", n, c, verdict(c, 0.25), r,
                      verdict(r, 0.5) }'
  done
}

build
echo "vitals-agent ($agent_bin) vs $(prometheus --version 2>&1 | head -1)"
echo "targets: $sizes, 100 series each, scraped every 1s by both at once; ${duration}s measured" \
  "after ${warmup}s warm-up; $(nproc) cores, ulimit -n $(ulimit -n)"
printf '%-4s %7s %-10s %5s %8s %10s %9s %8s %8s %8s %9s %8s\n' run targets peer up scrapes \
  samples/s per_tgt/s series rss_mib cpu_s us/sample B/series
for ((run = 1; run <= runs; run++)); do
  for targets in $sizes; do
    leg
  done
done
summary
