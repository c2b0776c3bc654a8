#!/usr/bin/env bash
# CPU and memory per probe: vitals-agent against Debian's prometheus-blackbox-exporter, probing
# the same loopback HTTP target and the same loopback TCP port at the same rate.
#
# One loopback target process (bench/tools/loopback_targets.py: an HTTP server answering 200 and
# a TCP listener, both with a large accept backlog) serves every leg. Per run, four legs, one
# after the other so they never share the CPU:
#   agent    http  the agent with PROBES http probes of the same URL (distinct names), INTERVAL s
#   blackbox http  the blackbox exporter (module http_2xx), driven by a real Prometheus scraping
#                  /probe?module=http_2xx&target=URL for PROBES targets every INTERVAL s, which is
#                  how the exporter is used
#   agent    tcp   the same with tcp probes of the listener
#   blackbox tcp   module tcp_connect
# Each leg warms up for WARMUP s, then measures DURATION s: CPU from /proc/<pid>/stat
# (utime + stime) of the prober process only (not of Prometheus, the driver, nor of the target),
# probes done (agent: vitals_probes_total from its /metrics; blackbox: Prometheus' count of the
# /probe scrapes in the window), and VmRSS at the end. Prints each leg, then the medians over RUNS
# and the agent/blackbox ratios.
#
# Environment: RUNS (3), DURATION (60), WARMUP (3), PROBES (200), INTERVAL (1),
# BUILD_DIR (build), PYTHON (/usr/bin/python3, else python3).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

runs=${RUNS:-3}
duration=${DURATION:-60}
warmup=${WARMUP:-3}
probes=${PROBES:-200}
interval=${INTERVAL:-1}

require_tools ': run scripts/setup (Debian: prometheus, prometheus-blackbox-exporter)' curl \
  prometheus prometheus-blackbox-exporter "$python"

# The agent's probe runs so far: "total failures".
agent_probe_counts() {
  curl -fs "http://127.0.0.1:$1/metrics" |
    awk '/^vitals_probes_total\{/ { n += $NF; if (/result="failure"/) f += $NF }
         END { printf "%d %d\n", n, f }'
}

# Records one leg: peer kind probes failed cpu_s rss_mib.
record() {
  local cpu_per_k
  cpu_per_k=$(per_k "$5" "$3")
  printf '%-4s %-9s %-5s %8s %7s %8s %12s %8s\n' "$run" "$1" "$2" "$3" "$4" "$5" "$cpu_per_k" "$6"
  echo "$1 $2 $3 $4 $5 $cpu_per_k $6" >>"$tmp/results"
}

target_of() {  # kind -> what a probe of that kind aims at
  if [[ $1 == http ]]; then echo "http://$http_target/"; else echo "$tcp_target"; fi
}

agent_leg() {
  local kind=$1 target i config=$tmp/vitals.yml
  target=$(target_of "$kind")
  {
    printf 'global:\n  scrape_interval: %ss\nprobes:\n' "$interval"
    for ((i = 1; i <= probes; i++)); do
      if [[ $kind == http ]]; then
        printf '  - name: http-%04d\n    http: {url: "%s"}\n' "$i" "$target"
      else
        printf '  - name: tcp-%04d\n    tcp: {address: "%s"}\n' "$i" "$target"
      fi
    done
  } >"$config"
  rm -rf "$tmp/agent-data"
  start -t 10 agent 'listening on port ([0-9]+)' "$agent_bin" --config.file="$config" \
    --web.listen-address=127.0.0.1:0 --storage.path="$tmp/agent-data/vitals.db" --log.level=warn
  local pid=$started_pid port=$matched
  sleep "$warmup"
  local cpu0 cpu1 count0 count1 fail0 fail1
  read -r count0 fail0 < <(agent_probe_counts "$port")
  cpu0=$(cpu_seconds "$pid")
  sleep "$duration"
  cpu1=$(cpu_seconds "$pid")
  read -r count1 fail1 < <(agent_probe_counts "$port")
  local rss
  rss=$(rss_mib "$pid")
  stop "$pid"
  record agent "$kind" $((count1 - count0)) $((fail1 - fail0)) "$(sub "$cpu1" "$cpu0")" "$rss"
}

blackbox_leg() {
  local kind=$1 target module i bport pport
  target=$(target_of "$kind")
  if [[ $kind == http ]]; then module=http_2xx; else module=tcp_connect; fi
  cat >"$tmp/blackbox.yml" <<'EOF'
modules:
  http_2xx:
    prober: http
    timeout: 5s
    http: {preferred_ip_protocol: ip4}
  tcp_connect:
    prober: tcp
    timeout: 5s
    tcp: {preferred_ip_protocol: ip4}
EOF
  bport=$(free_port)
  prometheus-blackbox-exporter --config.file="$tmp/blackbox.yml" \
    --web.listen-address="127.0.0.1:$bport" --log.level=warn >>"$tmp/blackbox.log" 2>&1 &
  local bpid=$!
  pids+=("$bpid")
  wait_ready "http://127.0.0.1:$bport/metrics" 20

  {
    printf 'global:\n  scrape_interval: %ss\n  scrape_timeout: %ss\n' "$interval" "$interval"
    printf 'scrape_configs:\n  - job_name: blackbox\n    metrics_path: /probe\n'
    printf '    params: {module: [%s]}\n    static_configs:\n' "$module"
    for ((i = 1; i <= probes; i++)); do
      printf "      - {targets: ['%s'], labels: {probe: %s-%04d}}\n" "$target" "$kind" "$i"
    done
    printf '    relabel_configs:\n'
    printf '      - {source_labels: [__address__], target_label: __param_target}\n'
    printf '      - {target_label: __address__, replacement: "127.0.0.1:%s"}\n' "$bport"
  } >"$tmp/prometheus.yml"
  rm -rf "$tmp/tsdb"
  pport=$(free_port)
  prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/tsdb" \
    --web.listen-address="127.0.0.1:$pport" --log.level=warn >>"$tmp/prometheus.log" 2>&1 &
  local ppid=$!
  pids+=("$ppid")
  wait_ready "http://127.0.0.1:$pport/-/ready" 20

  sleep "$warmup"
  local cpu0 cpu1 t1
  cpu0=$(cpu_seconds "$bpid")
  sleep "$duration"
  cpu1=$(cpu_seconds "$bpid")
  t1=$(now)
  local rss count ok
  rss=$(rss_mib "$bpid")
  count=$(prom_value "$pport" "sum(count_over_time(up{job=\"blackbox\"}[${duration}s]))" \
    "$t1" %d)
  ok=$(prom_value "$pport" "sum(sum_over_time(probe_success{job=\"blackbox\"}[${duration}s]))" \
    "$t1" %d)
  stop "$ppid"
  stop "$bpid"
  record blackbox "$kind" "$count" $((count - ok)) "$(sub "$cpu1" "$cpu0")" "$rss"
}

summary() {
  printf '\nmedians over %s runs\n' "$runs"
  printf '%-9s %-5s %8s %7s %8s %12s %8s\n' peer kind probes failed cpu_s cpu_s/1000 rss_mib
  local peer kind
  for kind in http tcp; do
    for peer in agent blackbox; do
      printf '%-9s %-5s %8s %7s %8s %12s %8s\n' "$peer" "$kind" "$(median_of "$peer" "$kind" 3)" \
        "$(median_of "$peer" "$kind" 4)" "$(median_of "$peer" "$kind" 5)" \
        "$(median_of "$peer" "$kind" 6)" "$(median_of "$peer" "$kind" 7)"
    done
  done
  printf '\nagent / blackbox (medians)\n%-5s %14s %10s\n' kind cpu_per_probe rss
  for kind in http tcp; do
    awk -v k="$kind" -v ac="$(median_of agent "$kind" 6)" -v bc="$(median_of blackbox "$kind" 6)" \
      -v ar="$(median_of agent "$kind" 7)" -v br="$(median_of blackbox "$kind" 7)" \
      'BEGIN { printf "%-5s %14.3f %10.2f\n", k, bc ? ac / bc : 0, br ? ar / br : 0 }'
  done
}

build vitals-agent
start -t 10 targets '^tcp 127\.0\.0\.1:([0-9]+)$' "$python" "$root/bench/tools/loopback_targets.py"
tcp_target=127.0.0.1:$matched
http_target=$(awk '/^http / { print $2 }' "$tmp/targets.out")
echo "vitals-agent ($agent_bin) vs $(prometheus-blackbox-exporter --version 2>&1 | head -1)"
echo "$probes probes every ${interval}s per leg, ${duration}s measured after ${warmup}s warm-up," \
  "$(nproc) cores; targets http://$http_target/ and $tcp_target"
printf '%-4s %-9s %-5s %8s %7s %8s %12s %8s\n' run peer kind probes failed cpu_s cpu_s/1000 \
  rss_mib
for ((run = 1; run <= runs; run++)); do
  for kind in http tcp; do
    agent_leg "$kind"
    blackbox_leg "$kind"
  done
done
summary
