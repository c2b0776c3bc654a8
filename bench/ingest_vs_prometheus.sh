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
# Prometheus' count(up == 1) and, for the agent (seen from outside it), the targets the target
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

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

sizes=${TARGETS:-200 1000}
duration=${DURATION:-600}
warmup=${WARMUP:-60}
runs=${RUNS:-1}

require_tools ': run scripts/setup (Debian: prometheus)' curl prometheus "$python"
# Two scrapers keep a connection to every target: the target server needs twice as many
# descriptors, and the agent inherits this limit too.
raise_fd_limit

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

leg() {
  start_scrapers "$run-$targets"

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

build vitals-agent
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
