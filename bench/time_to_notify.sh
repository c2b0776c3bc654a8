#!/usr/bin/env bash
# Time to notify: from the instant a service's metric flips to the moment a webhook receiver has
# the notification, for vitals-agent and for a real Prometheus + Alertmanager (Debian's
# prometheus and prometheus-alertmanager), both watching the same service in one run.
#
# bench/tools/flip_service.py serves the service's /metrics (bench_flip{flip="k"}, 0 for every
# k until flip k is turned on) and is also the webhook receiver (/hook/agent, /hook/am), so one
# clock times both ends. Both sides scrape it every 1 s (timeout 1 s), evaluate the same rule
# file every 1 s (`BenchFlip: bench_flip > 0`, no `for`) and route with group_by [flip],
# group_wait 0s, group_interval 1s, repeat_interval 1h to a webhook: the agent itself;
# Prometheus through Alertmanager (clustering off).
#
# Once both have scraped the service, flip 0 goes through uncounted (it proves the whole path
# works and opens the connections every later flip finds open). Then for each of FLIPS flips:
# a random pause of 1.5-3.5 s, flip k on (the service answers the instant its served value
# changed), wait (up to 20 s) until both receivers have a firing notification for flip k, flip
# it off, wait (up to 20 s) for both resolved notifications, so every flip starts from a quiet
# system. A row per flip, in ms from the flip instant: for each side the first firing
# notification's arrival (agent_ms, prom+am_ms; "-": none within 20 s) and the first scrape that
# fetched the flip (agent_scrape, prom_scrape: luck of the phase, which the rest of the delay
# comes after). Then medians, minima and maxima, the medians of what came after the scrape, and
# the ratio of the delays' medians against the goal (agent <= 1/2 of Prometheus + Alertmanager).
#
# Prometheus places its scrapes and its evaluations in the interval by hashes of the target and
# of the rule group (with its file), so the offset between the two is fixed for a run and
# differs from run to run: its median moves between runs by up to one interval. RUNS runs, each
# with fresh processes (a new port and rule file path, so new offsets), pool their flips for the
# summary.
#
# Environment: FLIPS (9) a run, RUNS (3), BUILD_DIR (build), AGENT_BIN (an agent binary to use
# as it is, instead of building one), PYTHON (/usr/bin/python3, else python3).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

flips=${FLIPS:-9}
runs=${RUNS:-3}
tool=$root/bench/tools/flip_service.py
timeout=20   # s a notification may take before it counts as missing

for n in flips runs; do
  [[ ${!n} =~ ^[0-9]+$ && ${!n} -gt 0 ]] || {
    echo "${n^^} must be a positive whole number (got ${!n})" >&2
    exit 1
  }
done
require_tools ': run scripts/setup (Debian: prometheus, prometheus-alertmanager)' curl \
  prometheus prometheus-alertmanager "$python"

# Prints the last lines each process logged, when the bench cannot go on.
logs() {
  local f
  for f in "$tmp"/*.log "$tmp"/*.out; do
    [[ -s $f ]] || continue
    echo "--- ${f##*/}" >&2
    tail -n 20 "$f" >&2
  done
}

# configure DIR: the rule file and the three configurations, in DIR.
configure() {
  local dir=$1
  cat >"$dir/rules.yml" <<EOF
groups:
  - name: bench
    rules:
      - alert: BenchFlip
        expr: bench_flip > 0
EOF
  # The same route in the agent and in Alertmanager: a group per flip, sent as soon as it forms.
  local route='{receiver: bench, group_by: [flip], group_wait: 0s, group_interval: 1s,
          repeat_interval: 1h}'
  cat >"$dir/vitals.yml" <<EOF
global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}
services:
  - name: flip
    metrics_url: "http://$service/metrics"
rule_files: ["$dir/rules.yml"]
alerting:
  route: $route
  receivers:
    - name: bench
      webhook_configs: [{url: "http://$service/hook/agent"}]
EOF
  cat >"$dir/alertmanager.yml" <<EOF
route: $route
receivers:
  - name: bench
    webhook_configs: [{url: "http://$service/hook/am", send_resolved: true}]
EOF
  cat >"$dir/prometheus.yml" <<EOF
global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}
rule_files: ["$dir/rules.yml"]
alerting:
  alertmanagers: [{static_configs: [{targets: ["127.0.0.1:$amport"]}]}]
scrape_configs:
  - job_name: flip
    static_configs: [{targets: ["$service"], labels: {service: flip}}]
EOF
}

# Waits until both have scraped the service once (the agent's query API is Prometheus').
wait_scraped() {
  local tries a p
  for ((tries = 0; tries < 300; tries++)); do
    a=$(prom_value "$aport" 'up{service="flip"}' "$(now)" 2>/dev/null || true)
    p=$(prom_value "$pport" 'up{job="flip"}' "$(now)" 2>/dev/null || true)
    [[ $a == 1 && $p == 1 ]] && return 0
    sleep 0.1
  done
  echo "the service was not scraped by both within 30 s (up: agent ${a:-?}, prometheus" \
    "${p:-?})" >&2
  logs
  exit 1
}

# flip K: turns flip K on, waits for both firing notifications, turns it off and waits for both
# resolved ones. Sets agent_ms and am_ms (flip to firing notification), agent_scrape and
# prom_scrape (flip to the first scrape that fetched it), "-" when missing, and unresolved (the
# sources that sent no resolved notification).
flip() {
  local k=$1 source ms client
  curl -fs -X POST "http://$service/flip/$k" >/dev/null
  agent_ms=- am_ms=- agent_scrape=- prom_scrape=- unresolved=
  while read -r source ms client; do
    case $source/$ms in
      agent/*) agent_ms=$ms ;;
      am/*) am_ms=$ms ;;
      scrape/vitals-agent) agent_scrape=$client ;;
      scrape/Prometheus) prom_scrape=$client ;;
    esac
  done < <(curl -fs --max-time $((timeout + 5)) "http://$service/delay/$k?wait=$timeout")
  curl -fs -X POST "http://$service/unflip" >/dev/null
  while read -r source ms; do
    [[ $ms == - ]] && unresolved+=" $source"
  done < <(curl -fs --max-time $((timeout + 5)) \
    "http://$service/delay/$k?status=resolved&wait=$timeout")
  return 0
}

# delay_stats COLUMN [RUN]: "median min max count" of COLUMN of $tmp/results (RUN's lines, or
# all): 3 agent, 4 its scrape, 5 prom+am, 6 Prometheus' scrape; 7 and 8 are 3 - 4 and 5 - 6, the
# time after the scrape.
delay_stats() {
  awk -v c="$1" -v r="${2:-}" \
    'r != "" && $1 != r { next }
     { $7 = $3 == "-" || $4 == "-" ? "-" : $3 - $4
       $8 = $5 == "-" || $6 == "-" ? "-" : $5 - $6 }
     $c != "-" { print $c }' "$tmp/results" | sort -g |
    awk '{ v[NR] = $1 }
         END { if (!NR) { print "- - - 0"; exit }
               m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
               printf "%.1f %.1f %.1f %d\n", m, v[1], v[NR], NR }'
}

row() {
  printf '%-4s %-12s %10s %12s %12s %12s%s\n' "$1" "$2" "$3" "$4" "$5" "$6" "${7:+  $7}"
}

# One run: fresh processes, the warm-up flip, FLIPS flips, and every process stopped again.
run_once() {
  local dir=$tmp/run$run k fpid apid ampid ppid a_after p_after
  mkdir -p "$dir"
  start "flip-$run" '^flip (127\.0\.0\.1:[0-9]+)$' "$python" "$tool" "$flips"
  fpid=$started_pid
  service=$matched
  amport=$(free_port)
  pport=$(free_port)
  configure "$dir"
  start "agent-$run" 'listening on port ([0-9]+)' "$agent_bin" --config.file="$dir/vitals.yml" \
    --web.listen-address=127.0.0.1:0 --storage.path="$dir/agent-data/vitals.db" --log.level=warn
  apid=$started_pid
  aport=$matched
  # Alertmanager before Prometheus, so that Prometheus' first alerts find it listening.
  prometheus-alertmanager --config.file="$dir/alertmanager.yml" --storage.path="$dir/am" \
    --web.listen-address="127.0.0.1:$amport" --cluster.listen-address= --log.level=warn \
    >>"$tmp/alertmanager-$run.log" 2>&1 &
  ampid=$!
  pids+=("$ampid")
  wait_ready "http://127.0.0.1:$amport/-/ready"
  prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/tsdb" \
    --web.listen-address="127.0.0.1:$pport" --log.level=warn >>"$tmp/prometheus-$run.log" 2>&1 &
  ppid=$!
  pids+=("$ppid")
  wait_ready "http://127.0.0.1:$pport/-/ready"
  wait_scraped

  flip 0
  if [[ $agent_ms == - || $am_ms == - ]]; then
    echo "the warm-up flip did not reach the receiver within ${timeout} s (agent $agent_ms ms," \
      "prometheus + alertmanager $am_ms ms)" >&2
    logs
    exit 1
  fi
  row "$run" "0 (warm-up)" "$agent_ms" "$agent_scrape" "$am_ms" "$prom_scrape" "not counted"
  for ((k = 1; k <= flips; k++)); do
    # A pause whose spread is a whole number of intervals (2 s) puts the flip at a uniformly
    # random phase of both sides' 1 s scrape and evaluation schedules, whatever the last flip
    # left.
    pause "$(awk -v r="$RANDOM" 'BEGIN { printf "%.3f", 1.5 + 2 * r / 32767 }')"
    flip "$k"
    row "$run" "$k" "$agent_ms" "$agent_scrape" "$am_ms" "$prom_scrape" \
      "${unresolved:+not resolved by:$unresolved}"
    echo "$run $k $agent_ms $agent_scrape $am_ms $prom_scrape" >>"$tmp/results"
  done

  read -r a_after _ < <(delay_stats 7 "$run")
  read -r p_after _ < <(delay_stats 8 "$run")
  curl -fs "http://$service/stats" |
    awk -v a="$a_after" -v p="$p_after" \
      '$1 == "hook" { h[$2] = $3; next } { s[$1] = $2 }
       END { printf "     after the scrape (median): agent %s ms, prom+am %s ms; scrapes: " \
                    "agent %d, Prometheus %d; webhook payloads (firing and resolved): agent " \
                    "%d, alertmanager %d\n", a, p, s["vitals-agent"], s["Prometheus"],
                    h["agent"], h["am"] }'
  stop "$ppid"
  stop "$ampid"
  stop "$apid"
  stop "$fpid"
}

build vitals-agent
echo "vitals-agent ($agent_bin) vs $(prometheus --version 2>&1 | head -1)" \
  "+ $(prometheus-alertmanager --version 2>&1 | head -1)"
echo "$runs run(s) x $flips flips; scrape and evaluation every 1s, group_wait 0s," \
  "group_interval 1s in both; $(nproc) cores; ms from the flip"
echo
row run flip agent_ms agent_scrape prom+am_ms prom_scrape
: >"$tmp/results"
for ((run = 1; run <= runs; run++)); do
  run_once
done

total=$((runs * flips))
read -r a_med a_min a_max a_n < <(delay_stats 3)
read -r as_med as_min as_max _ < <(delay_stats 4)
read -r p_med p_min p_max p_n < <(delay_stats 5)
read -r ps_med ps_min ps_max _ < <(delay_stats 6)
read -r a_after _ < <(delay_stats 7)
read -r p_after _ < <(delay_stats 8)
printf '\nover %s flips\n' "$total"
row "" "" agent_ms agent_scrape prom+am_ms prom_scrape
row "" median "$a_med" "$as_med" "$p_med" "$ps_med"
row "" min "$a_min" "$as_min" "$p_min" "$ps_min"
row "" max "$a_max" "$as_max" "$p_max" "$ps_max"
row "" received "$a_n/$total" - "$p_n/$total" -
row "" "after scrape" "$a_after" - "$p_after" -
if ((a_n < total || p_n < total)); then
  echo "WARNING: notifications missing (none within ${timeout} s): the medians leave them out"
fi

echo
awk -v a="$a_med" -v p="$p_med" -v an="$a_n" -v pn="$p_n" \
  'BEGIN { printf "agent / prom+am (medians): "
           if (an < 5 || pn < 5) { print "- (fewer than 5 flips received: no verdict)"; exit }
           r = a / p
           printf "%.3f   goal <= 0.50 %s\n", r, r <= 0.5 ? "met" : "MISSED" }'
