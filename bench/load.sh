#!/usr/bin/env bash
# The agent under load: one vitals-agent with SERVICES services, PROBES probes and 500 rules, all
# every INTERVAL s, while wrk loads its /metrics, /api/v1/status and /api/v1/query at the same
# time. Prints the agent's CPU and memory, how late its scrapes, probes and rule evaluations ran,
# and each endpoint's requests/s and latency.
#
# The world, all on 127.0.0.1, fresh for each run:
#   services  SERVICES (1000) services t0000… with only a metrics_url, all served by one process
#             (bench/tools/metrics_targets.py: /metrics/<i>, 100 series each, as in
#             ingest_vs_prometheus.sh), scraped every INTERVAL (10) s: 100,000 series
#   probes    PROBES (10000) probes every INTERVAL s, HTTP_PROBES (half) of them HTTP against one
#             loopback HTTP server, the others TCP against one listener
#             (bench/tools/loopback_targets.py, as in agent_scale.sh)
#   rules     the 500 rules in 11 groups of rules_vs_prometheus.sh (bench/tools/bench_rules.py,
#             over the services' series; checked with `vitals-agent check rules`), evaluated
#             every EVAL_INTERVAL (INTERVAL) s (global.evaluation_interval)
#   status    a status_page of COMPONENTS (5) components, each with 20 services, 20 probes (half
#             HTTP), alert_matchers over its services (the rules' per-service alerts match) and
#             an slo, so /api/v1/status assesses states, reads uptime and probe rollups
#   API       web.api_rate_limit is off (requests_per_second: 0): wrk measures the agent, not the
#             rate limiter, which would answer most of its requests 429 (100 a second per client
#             address by default)
#
# A run: the agent starts (ulimit -n raised to the hard limit), WARMUP (30) s pass uncounted,
# then for DURATION (60) s three wrk processes run at the same time, one per endpoint, each
# `wrk -t THREADS (1) -c CONNECTIONS (4) --latency --timeout 30s`, closed loop (each connection
# sends its next request as soon as the last is answered) unless RATE (0: off) asks for about
# RATE requests/s per endpoint: then min(CONNECTIONS, RATE) connections, each pausing
# connections/RATE s (at most 1 s) before each request (wrk's Lua delay(); the rate reached is
# lower when answers take a noticeable part of that pause). The pause stays under the agent's 2 s
# idle-connection timeout: a connection closed under wrk during its pause makes wrk 4.1 arm a
# second pause timer and send extra requests, with wrong latencies. The query is QUERY
# (sum by (service) (rate(bench_requests_total[1m]))).
# Meanwhile bench/tools/load_sampler.py starts a read of the agent's /metrics and one
# /api/v1/query every second, each on a thread of its own (under load a read takes longer than a
# second; they overlap rather than leave seconds out; their cost is part of the load), for:
#   scheduler lateness   vitals_scheduler_lateness_seconds: the worst start delay past the due
#                        time of any scrape or probe run in the agent's last second (one
#                        scheduler runs both; the agent has no figure per kind)
#   loop lag             vitals_loop_lag_seconds: how late the network loop ran its timer
#   scrape lateness      max(time() - timestamp(up{service=~"t[0-9]{4}"})) less INTERVAL: a
#                        service's up sample carries its scrape's start, so this is how far past
#                        its due time the most overdue service's next scrape had not landed in the
#                        window yet (start delay, fetch and ingestion; 0 when each landed in time)
#   evaluation lateness  when the answer came, the age of the oldest
#                        vitals_rule_group_last_evaluation_timestamp_seconds less that group's
#                        interval (0 when every group evaluated within its interval); the agent
#                        renders the body before it answers, so it may overstate by one render
#                        (the median read time bounds that). The agent exports no start delay of
#                        an evaluation (a tick's timestamp is its scheduled time, not when it
#                        ran): this, vitals_rule_group_iterations_missed_total and the durations
#                        are what there is.
# The table has per run (and with RUNS > 1 their medians): the agent's CPU over the window (utime +
# stime from /proc/<pid>/stat) as % of one core, and its busiest thread's (the threads have no
# names; one near 100 % is a saturated single-threaded part: the rule engine evaluates every group
# on one thread, one thread runs the network loop); VmRSS at the end, the peak of the 1 s samples
# and VmHWM (the peak since start); max, p99 (nearest rank: the max below 100 samples) and median
# of the 1 s values above; between two /metrics reads around the window: scrapes answered by the
# services' server (its /stats) and probe runs (vitals_probes_total) against SERVICES (PROBES)
# x seconds / INTERVAL, probe failures, runs skipped and written off; group evaluations
# (vitals_rule_group_evaluations_total: ticks and the early evaluations landing scrapes trigger,
# docs/decisions.md) against the ticks due, missed iterations and failed rule evaluations; the
# median and max duration of the evaluations seen in the window, and one round of all 11 groups
# (the sum of each group's median vitals_rule_group_last_duration_seconds: more than
# EVAL_INTERVAL means the rule thread cannot keep up); per endpoint wrk's requests/s, p50, p99
# and max latency, socket errors and non-2xx answers; and the 1 s reads done and how long they
# took. Under each run: the target servers' CPU, the load average and the first lines the agent
# logged.
#
# Environment: SERVICES (1000), PROBES (10000), HTTP_PROBES (PROBES / 2), INTERVAL (10),
# EVAL_INTERVAL (INTERVAL), WARMUP (30), DURATION (60), CONNECTIONS (4), THREADS (1), RATE (0),
# QUERY, COMPONENTS (5), RUNS (1), AGENT_BIN, BUILD_DIR (build), PYTHON (/usr/bin/python3, else
# python3).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

services=${SERVICES:-1000}
probes=${PROBES:-10000}
http_probes=${HTTP_PROBES:-$((probes / 2))}
interval=${INTERVAL:-10}
interval=${interval%s}
eval_interval=${EVAL_INTERVAL:-$interval}
eval_interval=${eval_interval%s}
warmup=${WARMUP:-30}
duration=${DURATION:-60}
connections=${CONNECTIONS:-4}
threads=${THREADS:-1}
rate=${RATE:-0}
query=${QUERY:-sum by (service) (rate(bench_requests_total[1m]))}
components=${COMPONENTS:-5}
runs=${RUNS:-1}
endpoints=(metrics status query)
selector='up{service=~"t[0-9]{4}"}'

for knob in SERVICES PROBES HTTP_PROBES INTERVAL EVAL_INTERVAL WARMUP DURATION CONNECTIONS \
  THREADS RATE COMPONENTS RUNS; do
  name=${knob,,}
  [[ ${!name} =~ ^[0-9]+$ ]] || {
    echo "$knob must be a whole number (got ${!name})" >&2
    exit 1
  }
done
((services >= 20 * components && probes >= 20 * components && http_probes <= probes)) || {
  echo "need SERVICES and PROBES >= 20 x COMPONENTS and HTTP_PROBES <= PROBES" >&2
  exit 1
}
((interval > 0 && eval_interval > 0 && duration > 0 && runs > 0 && threads > 0 &&
  components > 0)) || {
  echo "INTERVAL, EVAL_INTERVAL, DURATION, RUNS, THREADS and COMPONENTS must be positive" >&2
  exit 1
}
((connections >= threads)) || {
  echo "CONNECTIONS must be at least THREADS" >&2
  exit 1
}
require_tools ' (apt-get install wrk curl python3)' wrk curl "$python"
# Thousands of probes and the services' connections need descriptors; children inherit this.
raise_fd_limit

# The name of probe i (1-based): http-00001 … up to HTTP_PROBES, then tcp-….
probe_name() {
  if (($1 <= http_probes)); then printf 'http-%05d' "$1"; else printf 'tcp-%05d' "$1"; fi
}

# The configuration: the global intervals, the API unlimited, the rules, the services, the
# probes and the status page. Needs metrics_target, http_target and tcp_target.
write_config() {
  local i c j names
  {
    printf 'global:\n  scrape_interval: %ss\n  evaluation_interval: %ss\n' "$interval" \
      "$eval_interval"
    printf 'web:\n  api_rate_limit: {requests_per_second: 0}\n'
    printf 'rule_files: ["%s"]\nservices:\n' "$tmp/rules.yml"
    for ((i = 0; i < services; i++)); do
      printf '  - name: t%04d\n    metrics_url: "http://%s/metrics/%d"\n' "$i" \
        "$metrics_target" "$i"
    done
    printf 'probes:\n'
    probe_list "$probes" "$http_probes" "$http_target" "$tcp_target"
    printf 'status_page:\n  title: Load bench\n  components:\n'
    for ((c = 0; c < components; c++)); do
      # 20 services spread over the fleet; 10 HTTP and 10 TCP probes (when there are both).
      local svc=() prb=() n
      for ((j = 0; j < 20; j++)); do
        svc+=("$(printf 't%04d' $(((c * services / components + j) % services)))")
        if ((http_probes == 0 || http_probes == probes)); then
          prb+=("$(probe_name $(((c * 20 + j) % probes + 1)))")
        elif ((j < 10)); then
          n=$((c * 10 + j))
          prb+=("$(probe_name $((n % http_probes + 1)))")
        else
          n=$((c * 10 + j - 10))
          prb+=("$(probe_name $((http_probes + n % (probes - http_probes) + 1)))")
        fi
      done
      names=$(IFS='|'; echo "${svc[*]}")
      printf '    - name: Component %d\n      description: 20 services and 20 probes\n' "$c"
      printf '      services: [%s]\n' "$(IFS=,; echo "${svc[*]}")"
      printf '      probes: [%s]\n' "$(IFS=,; echo "${prb[*]}")"
      printf "      alert_matchers: ['service=~\"%s\"']\n      slo: 99.9\n" "$names"
    done
  } >"$tmp/vitals.yml"
}

# Writes the rule file and stops unless the agent accepts it.
make_rules() {
  "$python" "$root/bench/tools/bench_rules.py" generate "$services" "$tmp/rules.yml" \
    "$tmp/manifest"
  if ! "$agent_bin" check rules "$tmp/rules.yml" >"$tmp/check.out" 2>&1; then
    echo "vitals-agent check rules refuses the generated rule file:" >&2
    cat "$tmp/check.out" >&2
    exit 1
  fi
}

# Converts wrk's latency ("512.00us", "1.20ms", "1.01s", "1.00m") to milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    if (v == "") { print "-"; exit }
    n = v + 0
    if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n *= 1; else if (v ~ /m$/) n *= 60000;
    else if (v ~ /s$/) n *= 1000
    printf "%.2f", n }'
}

# The URL of one endpoint.
endpoint_url() {
  case $1 in
    metrics) echo "http://127.0.0.1:$aport/metrics" ;;
    status) echo "http://127.0.0.1:$aport/api/v1/status" ;;
    query)
      echo "http://127.0.0.1:$aport/api/v1/query?query=$("$python" -c \
        'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$query")"
      ;;
  esac
}

# Starts wrk on one endpoint in the background (output in $tmp/wrk-NAME-RUN.out).
start_wrk() {
  local name=$1 script=()
  if ((rate > 0)); then
    # delay() is wrk's pause in ms before each request of a connection.
    awk -v c="$wrk_connections" -v r="$rate" \
      'BEGIN { printf "function delay()\n  return %d\nend\n", c * 1000 / r }' >"$tmp/delay.lua"
    script=(-s "$tmp/delay.lua")
  fi
  wrk -t"$wrk_threads" -c"$wrk_connections" -d"${duration}s" --timeout 30s --latency \
    "${script[@]}" "$(endpoint_url "$name")" >"$tmp/wrk-$name-$run.out" 2>&1 &
  pids+=("$!")
  wrk_pids+=("$!")
}

# One wrk report: "requests req/s p50_ms p99_ms max_ms socket_errors non2xx".
wrk_figures() {
  local report=$1 requests rps p50 p99 max errors non2xx
  requests=$(awk '/ requests in / { print $1 }' "$report")
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$report")
  p50=$(awk '$1 == "50%" { print $2 }' "$report")
  p99=$(awk '$1 == "99%" { print $2 }' "$report")
  max=$(awk '$1 == "Latency" && NF >= 4 { print $4; exit }' "$report")
  errors=$(awk '/Socket errors:/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }' "$report")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$report")
  echo "${requests:-0} ${rps:-0} $(to_ms "$p50") $(to_ms "$p99") $(to_ms "$max") ${errors:-0}" \
    "${non2xx:-0}"
}

# Each thread of a process: "TID TICKS" (utime + stime) a line.
thread_ticks() {
  local task stat fields
  for task in /proc/"$1"/task/*; do
    { stat=$(<"$task/stat"); } 2>/dev/null || continue
    read -r -a fields <<<"${stat##*) }"
    echo "${task##*/} $((fields[11] + fields[12]))"
  done
}

# Keeps one figure of this run: "RUN KEY VALUE" in $tmp/results.
keep() { echo "$run $1 $2" >>"$tmp/results"; }

run_once() {
  # The targets: the services' server and the probes' HTTP server and TCP listener.
  start "services-$run" '^metrics (127\.0\.0\.1:[0-9]+)$' "$python" \
    "$root/bench/tools/metrics_targets.py" "$services"
  local spid=$started_pid
  metrics_target=$matched
  start "probed-$run" '^tcp (127\.0\.0\.1:[0-9]+)$' "$python" \
    "$root/bench/tools/loopback_targets.py"
  local ppid=$started_pid
  tcp_target=$matched
  http_target=$(awk '/^http / { print $2 }' "$tmp/probed-$run.out")
  write_config
  if ! "$agent_bin" check config "$tmp/vitals.yml" >"$tmp/check.out" 2>&1; then
    echo "vitals-agent check config refuses the bench configuration:" >&2
    cat "$tmp/check.out" >&2
    exit 1
  fi
  rm -rf "$tmp/data"
  start -t 120 "agent-$run" 'listening on port ([0-9]+)' "$agent_bin" \
    --config.file="$tmp/vitals.yml" --web.listen-address=127.0.0.1:0 \
    --storage.path="$tmp/data/vitals.db" --log.level=warn
  apid=$started_pid
  aport=$matched
  pause "$warmup"

  local load0 load1 t0 t1 cpu0 cpu1 scpu0 scpu1 pcpu0 pcpu1 req0 req1
  read -r load0 _ </proc/loadavg
  "$python" "$root/bench/tools/load_sampler.py" counters "$aport" "$tmp/counters0-$run"
  read -r _ req0 < <(served "${metrics_target#*:}" vitals-agent)
  t0=$(now)
  cpu0=$(cpu_seconds "$apid")
  thread_ticks "$apid" >"$tmp/threads0-$run"
  scpu0=$(cpu_seconds "$spid")
  pcpu0=$(cpu_seconds "$ppid")
  "$python" "$root/bench/tools/load_sampler.py" sample "$aport" "$apid" "$duration" \
    "$tmp/samples-$run" "$selector" &
  local sampler=$! name pid
  pids+=("$sampler")
  wrk_pids=()
  for name in "${endpoints[@]}"; do
    start_wrk "$name"
  done
  for pid in "${wrk_pids[@]}"; do
    wait "$pid" || echo "     (wrk, pid $pid, ended with an error; see its figures)" >&2
    stop "$pid"
  done
  t1=$(now)
  kill -0 "$apid" 2>/dev/null || {
    echo "the agent died during the run; its log:" >&2
    tail -20 "$tmp/agent-$run.log" >&2
    exit 1
  }
  cpu1=$(cpu_seconds "$apid")
  thread_ticks "$apid" >"$tmp/threads1-$run"
  scpu1=$(cpu_seconds "$spid")
  pcpu1=$(cpu_seconds "$ppid")
  read -r load1 _ </proc/loadavg
  # The reads started in the last seconds may still be running.
  wait "$sampler"
  stop "$sampler"
  "$python" "$root/bench/tools/load_sampler.py" counters "$aport" "$tmp/counters1-$run"
  read -r _ req1 < <(served "${metrics_target#*:}" vitals-agent)
  local seconds cpu
  seconds=$(sub "$t1" "$t0")
  cpu=$(sub "$cpu1" "$cpu0")
  keep seconds "$seconds"
  keep cpu_pct "$(awk -v c="$cpu" -v t="$seconds" 'BEGIN { printf "%.1f", c * 100 / t }')"
  # The busiest thread: the agent does not name its threads, but one near 100 % is a saturated
  # single-threaded part (the rule engine evaluates every group on one thread; one thread runs
  # the network loop).
  keep thread_pct "$(awk -v hz="$clk_tck" -v t="$seconds" 'NR == FNR { before[$1] = $2; next }
      { d = $2 - before[$1]; if (d > max) max = d }
      END { printf "%.1f", max * 100 / hz / t }' "$tmp/threads0-$run" "$tmp/threads1-$run")"
  keep rss_end "$(rss_mib "$apid")"
  keep rss_hwm "$(awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$apid/status")"
  local key value
  while read -r key value; do
    keep "$key" "$value"
  done < <("$python" "$root/bench/tools/load_sampler.py" summary "$tmp/samples-$run" \
    "$tmp/counters0-$run" "$tmp/counters1-$run" "$interval")
  # What was due between the two counter reads (the scrapes are counted next to them).
  local window
  window=$(awk -v r="$run" '$1 == r && $2 == "counter_seconds" { print $3 }' "$tmp/results")
  keep scrapes $((req1 - req0))
  keep scrapes_expected "$(awk -v n="$services" -v t="$window" -v i="$interval" \
    'BEGIN { printf "%d", n * t / i }')"
  keep probes_expected "$(awk -v n="$probes" -v t="$window" -v i="$interval" \
    'BEGIN { printf "%d", n * t / i }')"
  keep ticks_expected "$(awk -v n="$(wc -l <"$tmp/manifest")" -v t="$window" \
    -v i="$eval_interval" 'BEGIN { printf "%d", n * t / i }')"
  local figures
  for name in "${endpoints[@]}"; do
    read -r -a figures < <(wrk_figures "$tmp/wrk-$name-$run.out")
    keep "$name.requests" "${figures[0]}"
    keep "$name.rps" "${figures[1]}"
    keep "$name.p50" "${figures[2]}"
    keep "$name.p99" "${figures[3]}"
    keep "$name.max" "${figures[4]}"
    keep "$name.errors" "${figures[5]}"
    keep "$name.non2xx" "${figures[6]}"
  done
  # What the agent said while it ran (what it says when stopped is no news).
  cp "$tmp/agent-$run.log" "$tmp/agent-$run.seen" 2>/dev/null || : >"$tmp/agent-$run.seen"
  stop "$apid"
  stop "$ppid"
  stop "$spid"

  printf 'run %s: %.0f s measured; load average %s at the start, %s at the end; CPU of the' \
    "$run" "$seconds" "$load0" "$load1"
  printf ' services server %s s, of the probes server %s s\n' "$(sub "$scpu1" "$scpu0")" \
    "$(sub "$pcpu1" "$pcpu0")"
  local sample_errors first_error
  sample_errors=$(awk -v r="$run" '$1 == r && $2 == "sample_errors" { print $3 }' "$tmp/results")
  first_error=$(awk -v r="$run" '$1 == r && $2 == "first_sample_error" { print $3 }' \
    "$tmp/results")
  if ((sample_errors > 0)); then
    echo "     WARNING: $sample_errors of the 1 s reads failed (the first: ${first_error//_/ })"
  fi
  if [[ -s $tmp/agent-$run.seen ]]; then
    echo "     agent log while running ($(wc -l <"$tmp/agent-$run.seen") lines; the first 5):"
    head -5 "$tmp/agent-$run.seen" | cut -c1-200 | sed 's/^/       /'
  fi
}

# One row of the table: LABEL KEY, the value of each run and, with several, their median.
row() {
  local label=$1 key=$2 values=() r m
  for ((r = 1; r <= runs; r++)); do
    values+=("$(awk -v r="$r" -v k="$key" '$1 == r && $2 == k { v = $3 }
                                            END { print (v == "" ? "-" : v) }' "$tmp/results")")
  done
  printf '%-52s' "$label"
  printf ' %10s' "${values[@]}"
  if ((runs > 1)); then
    m=$(printf '%s\n' "${values[@]}" | awk '$1 ~ /^-?[0-9.]+$/')
    [[ -z $m ]] || m=$(median <<<"$m")
    printf ' %10s' "${m:--}"
  fi
  printf '\n'
}

table() {
  local r name
  printf '\n%-52s' "${duration}s under load"
  for ((r = 1; r <= runs; r++)); do printf ' %10s' "run $r"; done
  if ((runs > 1)); then printf ' %10s' median; fi
  printf '\n'
  row "agent CPU, % of one core" cpu_pct
  row "busiest agent thread, % of one core" thread_pct
  row "RSS MiB at the end" rss_end
  row "RSS MiB, peak of the 1 s samples" rss_peak
  row "VmHWM MiB (peak since start)" rss_hwm
  row "scheduler lateness s, max" sched_late_max
  row "scheduler lateness s, p99" sched_late_p99
  row "scheduler lateness s, median" sched_late_p50
  row "loop lag s, max" loop_lag_max
  row "loop lag s, p99" loop_lag_p99
  row "scrape lateness s (oldest up age - interval), max" scrape_late_max
  row "scrape lateness s, p99" scrape_late_p99
  row "scrapes expected" scrapes_expected
  row "scrapes answered by the services server" scrapes
  row "probe runs expected" probes_expected
  row "probe runs done" probe_runs
  row "failed probe runs" probe_failures
  row "runs skipped (previous still in flight)" runs_skipped
  row "runs written off (no report by deadline)" runs_written_off
  row "rule group ticks due" ticks_expected
  row "group evaluations (ticks + early)" evaluations
  row "missed iterations" missed
  row "failed rule evaluations" eval_failures
  row "evaluation lateness s (oldest group - interval), max" eval_late_max
  row "evaluation lateness s, p99" eval_late_p99
  row "oldest group evaluation age s, max" eval_age_max
  row "group evaluation ms, median of those seen" eval_ms_p50
  row "group evaluation ms, max of those seen" eval_ms_max
  row "one round of all groups s (sum of medians)" eval_round_s
  for name in "${endpoints[@]}"; do
    row "$name: requests/s" "$name.rps"
    row "$name: p50 ms" "$name.p50"
    row "$name: p99 ms" "$name.p99"
    row "$name: max ms" "$name.max"
    row "$name: socket errors" "$name.errors"
    row "$name: non-2xx answers" "$name.non2xx"
  done
  row "1 s reads done (of $duration)" samples
  row "1 s /metrics read s, median" metrics_read_p50
  row "1 s /metrics read s, max" metrics_read_max
}

build vitals-agent
make_rules
echo "vitals-agent ($agent_bin): $services services x 100 series, $probes probes" \
  "($http_probes http, $((probes - http_probes)) tcp) every ${interval}s; 500 rules in" \
  "$(wc -l <"$tmp/manifest") groups every ${eval_interval}s; $components status components;" \
  "API rate limit off"
wrk_connections=$connections
wrk_threads=$threads
pace="closed loop"
if ((rate > 0)); then
  # At most a second's pause per connection (see the top of this file).
  ((wrk_connections <= rate)) || wrk_connections=$rate
  ((wrk_threads <= wrk_connections)) || wrk_threads=$wrk_connections
  pace="about $rate requests/s each"
fi
echo "wrk -t$wrk_threads -c$wrk_connections on /metrics, /api/v1/status and /api/v1/query at once" \
  "($pace) for ${duration}s after ${warmup}s warm-up; query: $query"
echo "$(nproc) cores, ulimit -n $(ulimit -n); RUNS $runs"
for ((run = 1; run <= runs; run++)); do
  run_once
done
table
