#!/usr/bin/env bash
# The agent alone at scale: PROBES probes (half HTTP against one loopback HTTP target, half TCP
# against one loopback listener, both from bench/tools/loopback_targets.py) every INTERVAL s.
#
# Two phases of DURATION s on one agent, from the moment it serves:
#   quiet          nothing reads the agent; CPU (utime + stime from /proc/<pid>/stat), VmRSS and
#                  the probe runs done (one /metrics read at the end) show what probing costs.
#   read every 1s  /metrics is read every second for vitals_scheduler_lateness_seconds (the
#                  worst start delay past a run's due time in the last second) and
#                  vitals_loop_lag_seconds (how late the network loop ran its last timer); the
#                  table shows their maxima, and what the reads add to CPU and memory (the
#                  exposition has ~17 series per probe).
#
# Environment: PROBES (10000), HTTP_PROBES (PROBES / 2), INTERVAL (10), DURATION (60),
# BUILD_DIR (build), PYTHON (/usr/bin/python3, else python3).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

probes=${PROBES:-10000}
http_probes=${HTTP_PROBES:-$((probes / 2))}
interval=${INTERVAL:-10}
duration=${DURATION:-60}

require_tools '' curl "$python"
# Thousands of probes in flight need as many descriptors; the agent inherits this limit.
raise_fd_limit

# One /metrics read: "lateness loop_lag probes failures skipped written_off".
sample() {
  curl -fs --max-time 5 "http://127.0.0.1:$port/metrics" |
    awk '$1 == "vitals_scheduler_lateness_seconds" { late = $2 }
         $1 == "vitals_loop_lag_seconds" { lag = $2 }
         /^vitals_probes_total\{/ { n += $NF; if (/result="failure"/) f += $NF }
         $1 == "vitals_scheduler_runs_skipped_total" { skipped = $2 }
         $1 == "vitals_scheduler_runs_written_off_total" { off = $2 }
         END { printf "%s %s %d %d %d %d\n", late + 0, lag + 0, n, f, skipped, off }'
}

build vitals-agent
start targets '^tcp 127\.0\.0\.1:([0-9]+)$' "$python" "$root/bench/tools/loopback_targets.py"
tcp_target=127.0.0.1:$matched
http_target=$(awk '/^http / { print $2 }' "$tmp/targets.out")

config=$tmp/vitals.yml
{
  printf 'global:\n  scrape_interval: %ss\nprobes:\n' "$interval"
  probe_list "$probes" "$http_probes" "$http_target" "$tcp_target"
} >"$config"

echo "vitals-agent ($agent_bin): $probes probes ($http_probes http, $((probes - http_probes)) tcp)" \
  "every ${interval}s, $(nproc) cores, ulimit -n $(ulimit -n)"
started=$(now)
start agent 'listening on port ([0-9]+)' "$agent_bin" --config.file="$config" \
  --web.listen-address=127.0.0.1:0 --storage.path="$tmp/data/vitals.db" --log.level=warn
pid=$started_pid
port=$matched
serving=$(now)
cpu_serving=$(cpu_seconds "$pid")

# Phase 1: nothing but probing. Not one /metrics read (a render of 10,000 probes' series is
# ~10 MB and costs CPU and memory of its own), so the counts come from one read at the end.
sleep "$duration"
cpu_quiet=$(cpu_seconds "$pid")
rss_quiet=$(rss_mib "$pid")
read -r _ _ probes_quiet failures_quiet skipped_quiet written_off_quiet < <(sample)

# Phase 2: the same load, read every second for the lateness and loop-lag gauges.
max_late=0
max_lag=0
samples=0
cpu_sampled0=$(cpu_seconds "$pid")
phase2=$(now)
for ((s = 1; s <= duration; s++)); do
  # Each read on its own second since the phase began, whatever the previous one took.
  wait_for=$(awk -v t0="$phase2" -v s="$s" -v now="$(now)" \
    'BEGIN { w = t0 + s - now; printf "%.3f", (w > 0 ? w : 0) }')
  sleep "$wait_for"
  read -r late lag _ _ _ _ < <(sample) || continue
  samples=$((samples + 1))
  max_late=$(awk -v a="$max_late" -v b="$late" 'BEGIN { print (b > a ? b : a) }')
  max_lag=$(awk -v a="$max_lag" -v b="$lag" 'BEGIN { print (b > a ? b : a) }')
done
cpu_sampled1=$(cpu_seconds "$pid")
rss_sampled=$(rss_mib "$pid")
read -r _ _ probes_end failures_end skipped_end written_off_end < <(sample)
metrics_bytes=$(curl -fs "http://127.0.0.1:$port/metrics" | wc -c)

quiet_cpu=$(sub "$cpu_quiet" "$cpu_serving")
sampled_cpu=$(sub "$cpu_sampled1" "$cpu_sampled0")
sampled_probes=$((probes_end - probes_quiet))
expected=$((probes * duration / interval))

printf '\n%-48s %14s %14s\n' "${duration}s each" "quiet" "read every 1s"
printf '%-48s %14s %14s\n' "probe runs (expected ~$expected)" "$probes_quiet" "$sampled_probes"
printf '%-48s %14s %14s\n' "failed probe runs" "$failures_quiet" "$((failures_end - failures_quiet))"
printf '%-48s %14s %14s\n' "runs skipped (previous still in flight)" "$skipped_quiet" \
  "$((skipped_end - skipped_quiet))"
printf '%-48s %14s %14s\n' "runs written off (no report by deadline)" "$written_off_quiet" \
  "$((written_off_end - written_off_quiet))"
printf '%-48s %14s %14s\n' "CPU s" "$quiet_cpu" "$sampled_cpu"
printf '%-48s %14s %14s\n' "CPU s per 1000 probe runs" "$(per_k "$quiet_cpu" "$probes_quiet")" \
  "$(per_k "$sampled_cpu" "$sampled_probes")"
printf '%-48s %14s %14s\n' "RSS MiB at the end" "$rss_quiet" "$rss_sampled"
printf '%-48s %14s %14s\n' "max vitals_scheduler_lateness_seconds" "-" "$max_late"
printf '%-48s %14s %14s\n' "max vitals_loop_lag_seconds" "-" "$max_lag"
printf '%-48s %14s %14s\n' "/metrics reads" "1" "$samples"
printf '\nstart-up to serving %ss (%s CPU s); one /metrics body: %s bytes\n' \
  "$(sub "$serving" "$started")" "$cpu_serving" "$metrics_bytes"
