# shellcheck shell=bash
# Helpers shared by the bench scripts that start processes of their own. Source it first thing,
# after `set -euo pipefail`:
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Sets on sourcing:
#   root       the repository (the parent of bench/)
#   build_dir  BUILD_DIR (build), made absolute under root
#   agent_bin  AGENT_BIN (an agent built elsewhere; made absolute), else
#              $build_dir/bin/vitals-agent
#   python     PYTHON, else /usr/bin/python3, else python3 on the PATH (empty when none)
#   clk_tck    clock ticks per second, for cpu_seconds
#   tmp        a fresh temporary directory, removed on exit
#   pids       the processes started here (start, start_scrapers, pause; a script adds those it
#              starts itself with `pids+=("$!")`): on exit, by an EXIT trap, each gets SIGTERM and
#              is waited for; SIGINT and SIGTERM exit 130, which runs that trap
#
# Offers:
#   require_tools SUFFIX TOOL...  exits 1 with "TOOL not found<SUFFIX>" for the first TOOL missing
#   raise_fd_limit                raises `ulimit -n` to the hard limit (children inherit it)
#   build TARGET                  configures build_dir if it has no CMakeCache.txt, builds TARGET;
#                                 for vitals-agent with AGENT_BIN set, only checks agent_bin
#   start [-t SECONDS] NAME PATTERN COMMAND...
#                                 starts COMMAND, waits (SECONDS, 30) for a stdout line matching
#                                 PATTERN; sets started_pid and matched (the first group)
#   stop PID                      stops one process started here and forgets it
#   pause SECONDS                 an interruptible sleep
#   free_port                     prints a free loopback TCP port
#   wait_ready URL [SECONDS]      waits (SECONDS, 30) for URL to answer 200
#   cpu_seconds PID, rss_mib PID  utime + stime, VmRSS of a process
#   now, sub A B, per_k CPU N     the time in s; A - B; CPU * 1000 / N (0 when N is 0)
#   median, median_of A B COLUMN  the median of stdin's lines; of COLUMN of $tmp/results
#   prom_value PORT QUERY TIME [FORMAT]
#                                 one PromQL instant query's single value
#   probe_list N HTTP_N HTTP_TARGET TCP_TARGET
#                                 the entries of a probes: list, HTTP_N of them HTTP
# and, for the scripts that compare the agent with Prometheus over bench/tools/metrics_targets.py
# (they set `targets`, the number of targets):
#   served PORT CLIENT            the target server's view of one scraper
#   scrape_configs [EXTRA]        writes $tmp/vitals.yml and $tmp/prometheus.yml
#   start_scrapers NAME [EXTRA]   starts the target server, the agent and Prometheus

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-build}
[[ $build_dir = /* ]] || build_dir=$root/$build_dir
agent_bin=${AGENT_BIN:-$build_dir/bin/vitals-agent}
[[ $agent_bin = /* ]] || agent_bin=$PWD/$agent_bin
python=${PYTHON:-$(command -v /usr/bin/python3 || command -v python3 || true)}
clk_tck=$(getconf CLK_TCK)

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

# require_tools SUFFIX TOOL...: SUFFIX follows "TOOL not found" (a hint how to install it).
require_tools() {
  local suffix=$1 tool
  shift
  for tool in "$@"; do
    command -v "$tool" >/dev/null || {
      echo "$tool not found$suffix" >&2
      exit 1
    }
  done
}

raise_fd_limit() {
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
}

build() {
  # An agent given by AGENT_BIN is used as it is: the build directory may be someone else's.
  if [[ $1 == vitals-agent && -n ${AGENT_BIN:-} ]]; then
    [[ -x $agent_bin ]] || {
      echo "AGENT_BIN: $agent_bin is not an executable file" >&2
      exit 1
    }
    return 0
  fi
  [[ -f $build_dir/CMakeCache.txt ]] || cmake -S "$root" -B "$build_dir" >&2
  cmake --build "$build_dir" -j"$(nproc)" --target "$1" >&2
}

# Stops one process started here and forgets it.
stop() {
  kill -TERM "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  local kept=() pid
  for pid in "${pids[@]}"; do [[ $pid == "$1" ]] || kept+=("$pid"); done
  pids=("${kept[@]}")
}

# start [-t SECONDS] NAME PATTERN COMMAND...: starts COMMAND in the background, reads its stdout
# until a line matches PATTERN (SECONDS, 30, at most), and leaves its later output in
# $tmp/NAME.log, so a full pipe never blocks it. Sets `started_pid` and `matched` (the pattern's
# first group).
start() {
  local timeout=30
  if [[ $1 == -t ]]; then
    timeout=$2
    shift 2
  fi
  local name=$1 pattern=$2
  shift 2
  local fifo=$tmp/$name.fifo line out
  rm -f "$fifo"
  mkfifo "$fifo"
  "$@" >"$fifo" 2>>"$tmp/$name.log" &
  started_pid=$!
  pids+=("$started_pid")
  exec {out}<"$fifo"
  while IFS= read -r -t "$timeout" -u "$out" line; do
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

# Sleeps $1 s in the background: bash runs a trap only once the foreground command ends, so a
# signal would otherwise wait out the whole sleep.
pause() {
  sleep "$1" &
  local p=$!
  pids+=("$p")
  wait "$p"
  stop "$p"
}

free_port() {
  "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits up to $2 s (30) for URL $1 to answer 200.
wait_ready() {
  local tries
  for ((tries = 0; tries < ${2:-30} * 10; tries++)); do
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

sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }

# CPU seconds per 1000 of N.
per_k() { awk -v c="$1" -v n="$2" 'BEGIN { printf "%.3f", n ? c * 1000 / n : 0 }'; }

median() {
  sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2];
                                       else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# median_of A B COLUMN: the median of COLUMN of the lines of $tmp/results that begin "A B".
median_of() {
  awk -v a="$1" -v b="$2" -v c="$3" '$1 == a && $2 == b { print $c }' "$tmp/results" | median
}

# Prints one PromQL instant query's single value (0 when empty) at time $3, with Python's
# %-format $4 ("%.10g"; "%d" truncates like int()).
prom_value() {
  curl -fs --get "http://127.0.0.1:$1/api/v1/query" --data-urlencode "query=$2" \
    --data-urlencode "time=$3" |
    "$python" -c 'import json, sys
r = json.load(sys.stdin)["data"]["result"]
print(sys.argv[1] % float(r[0]["value"][1]) if r else 0)' "${4:-%.10g}"
}

# The target server's view of CLIENT: "targets_fetched_in_the_last_3s requests_so_far".
# probe_list PROBES HTTP_PROBES HTTP_TARGET TCP_TARGET: the entries of a `probes:` list, the
# first HTTP_PROBES of them HTTP probes of http://HTTP_TARGET/, the rest TCP probes of TCP_TARGET.
probe_list() {
  local count=$1 http_count=$2 http_target=$3 tcp_target=$4 i
  for ((i = 1; i <= count; i++)); do
    if ((i <= http_count)); then
      printf '  - name: http-%05d\n    http: {url: "http://%s/"}\n' "$i" "$http_target"
    else
      printf '  - name: tcp-%05d\n    tcp: {address: "%s"}\n' "$i" "$tcp_target"
    fi
  done
}

served() {
  curl -fs --max-time 10 "http://127.0.0.1:$1/stats" |
    awk -v c="$2" '$1 == c { t = $2; r = $3 } END { printf "%d %d\n", t, r }'
}

# scrape_configs [EXTRA]: the agent's ($tmp/vitals.yml: a service t0000… with only metrics_url
# per target) and Prometheus' ($tmp/prometheus.yml: a static group per target with
# __metrics_path__ and the same service label) configurations for $targets targets at $target,
# both scraping every 1 s; EXTRA (YAML lines) follows the global scrape keys in both, and
# AGENT_EXTRA (top-level YAML lines) goes in the agent's only.
# shellcheck disable=SC2154  # targets: the script's
scrape_configs() {
  local extra=${1:-} agent_extra=${2:-} i
  {
    printf 'global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n%s%sservices:\n' "$extra" \
      "$agent_extra"
    for ((i = 0; i < targets; i++)); do
      printf '  - name: t%04d\n    metrics_url: "http://%s/metrics/%d"\n' "$i" "$target" "$i"
    done
  } >"$tmp/vitals.yml"
  {
    printf 'global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n%s' "$extra"
    printf 'scrape_configs:\n  - job_name: bench\n    static_configs:\n'
    for ((i = 0; i < targets; i++)); do
      printf "      - {targets: ['%s'], " "$target"
      printf 'labels: {__metrics_path__: /metrics/%d, service: t%04d}}\n' "$i" "$i"
    done
  } >"$tmp/prometheus.yml"
}

# start_scrapers NAME [EXTRA [AGENT_EXTRA]]: starts metrics_targets.py with $targets targets,
# writes the configurations (scrape_configs EXTRA AGENT_EXTRA), then starts the agent and Prometheus on fresh storage and
# waits until both serve. Sets tpid and target (the target server's pid and host:port), apid and
# aport (the agent's), ppid and pport (Prometheus'); logs in $tmp/*-NAME.log.
# shellcheck disable=SC2034  # what it sets is for the caller
start_scrapers() {
  local name=$1
  start "targets-$name" '^metrics (127\.0\.0\.1:[0-9]+)$' "$python" \
    "$root/bench/tools/metrics_targets.py" "$targets"
  tpid=$started_pid
  target=$matched
  scrape_configs "${2:-}" "${3:-}"
  rm -rf "$tmp/agent-data" "$tmp/tsdb"
  start "agent-$name" 'listening on port ([0-9]+)' "$agent_bin" --config.file="$tmp/vitals.yml" \
    --web.listen-address=127.0.0.1:0 --storage.path="$tmp/agent-data/vitals.db" --log.level=warn
  apid=$started_pid
  aport=$matched
  pport=$(free_port)
  prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/tsdb" \
    --web.listen-address="127.0.0.1:$pport" --log.level=warn >>"$tmp/prometheus-$name.log" 2>&1 &
  ppid=$!
  pids+=("$ppid")
  wait_ready "http://127.0.0.1:$pport/-/ready"
}
