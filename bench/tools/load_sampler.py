#!/usr/bin/env python3
"""Measurements of one agent under load, for bench/load.sh.

    load_sampler.py counters PORT OUT
        One read of the agent's /metrics, written to OUT as JSON: when its answer came (t), the
        probe runs (sum of vitals_probes_total, and those with result="failure"), the
        scheduler's runs started, skipped and written off, and per rule group its evaluations,
        missed iterations and failed rule evaluations.

    load_sampler.py sample PORT PID SECONDS OUT SELECTOR
        Starts a read on every whole second for SECONDS s, each on a thread of its own (a read
        can take longer than a second under load; they overlap rather than leave seconds out),
        and once all have ended writes one JSON line per read to OUT, oldest first:
          t         Unix time the /metrics request was sent; at: when its answer's head came
                    (the agent renders the body before it answers, so `at` is at most one
                    render after the figures were taken); took: until the body was read
          late      vitals_scheduler_lateness_seconds (the worst start delay past the due time
                    of a scrape or probe run in the agent's last one-second update period)
          lag       vitals_loop_lag_seconds (how late the network loop ran its last timer)
          groups    per rule group [last evaluation timestamp, last duration, interval]
          max_age   from GET /api/v1/query?query=time() - timestamp(SELECTOR) (SELECTOR: the
                    scraped services' `up`, whose sample time is the scrape's start): the largest
                    age of a service's last scrape in the window; up_series: the series answered
          rss       VmRSS of PID, MiB, after the read
        A read that fails writes {"t": …, "error": "…"} instead.

    load_sampler.py summary SAMPLES COUNTERS0 COUNTERS1 SCRAPE_INTERVAL
        "KEY VALUE" lines for the table (see bench/load.sh), from the samples and the counters
        at the start and end of the window (counter_seconds: the time between the two).

Only the standard library; every HTTP read has a 30 s timeout.
"""
import json
import math
import re
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request

GROUP_RE = re.compile(rb'^vitals_rule_(\w+)\{rule_group="[^"]*;([^"]*)"\} (\S+)$', re.M)
GAUGE_RE = re.compile(rb'^(vitals_scheduler_\w+|vitals_loop_lag_seconds) (\S+)$', re.M)
PROBES_RE = re.compile(rb'^vitals_probes_total\{[^}]*result="(\w+)"[^}]*\} (\S+)$', re.M)


def get(url, timeout=30):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read()


def parse(body):
    """(gauges, {group: {suffix: value}}, probe runs, failed probe runs) of one /metrics."""
    gauges = {m[1].decode(): float(m[2]) for m in GAUGE_RE.finditer(body)}
    groups = {}
    for m in GROUP_RE.finditer(body):
        groups.setdefault(m[2].decode(), {})[m[1].decode()] = float(m[3])
    runs = failed = 0.0
    for m in PROBES_RE.finditer(body):
        runs += float(m[2])
        if m[1] == b"failure":
            failed += float(m[2])
    return gauges, groups, runs, failed


def counters(port, out_file):
    url = f"http://127.0.0.1:{port}/metrics"
    with urllib.request.urlopen(url, timeout=30) as r:
        at = time.time()
        body = r.read()
    gauges, groups, runs, failed = parse(body)
    data = {"t": at, "probe_runs": runs, "probe_failures": failed,
            "started": gauges.get("vitals_scheduler_runs_started_total", 0),
            "skipped": gauges.get("vitals_scheduler_runs_skipped_total", 0),
            "written_off": gauges.get("vitals_scheduler_runs_written_off_total", 0),
            "groups": {g: {"evaluations": m.get("group_evaluations_total", 0),
                           "missed": m.get("group_iterations_missed_total", 0),
                           "failures": m.get("evaluation_failures_total", 0)}
                       for g, m in groups.items()}}
    with open(out_file, "w") as f:
        json.dump(data, f)


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def one_sample(port, pid, query_url):
    t = time.time()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=30) as r:
        at = time.time()
        body = r.read()
    took = time.time() - t
    gauges, groups, _, _ = parse(body)
    result = json.loads(get(query_url))["data"]["result"]
    ages = [float(r["value"][1]) for r in result]
    return {"t": t, "at": at, "took": took,
            "late": gauges.get("vitals_scheduler_lateness_seconds"),
            "lag": gauges.get("vitals_loop_lag_seconds"),
            "groups": {g: [m.get("group_last_evaluation_timestamp_seconds", 0),
                           m.get("group_last_duration_seconds", 0),
                           m.get("group_interval_seconds", 0)] for g, m in groups.items()},
            "max_age": max(ages) if ages else None, "up_series": len(ages),
            "rss": rss_mib(pid)}


def sample(port, pid, seconds, out_file, selector):
    query_url = (f"http://127.0.0.1:{port}/api/v1/query?"
                 + urllib.parse.urlencode({"query": f"time() - timestamp({selector})"}))
    lines, lock, threads = [], threading.Lock(), []

    def read():
        try:
            line = one_sample(port, pid, query_url)
        except (OSError, ValueError, KeyError) as e:
            line = {"t": time.time(), "error": f"{e.__class__.__name__}: {e}"}
        with lock:
            lines.append(line)

    start = time.monotonic()
    for second in range(1, seconds + 1):
        wait = start + second - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        thread = threading.Thread(target=read, daemon=True)
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()  # every read has its timeouts
    with open(out_file, "w") as out:
        for line in sorted(lines, key=lambda x: x["t"]):
            out.write(json.dumps(line) + "\n")


def p99(values):
    """Nearest rank: with fewer than 100 values, the largest."""
    v = sorted(values)
    return v[max(0, math.ceil(0.99 * len(v)) - 1)]


def fmt(value, digits=3):
    return "-" if value is None else f"{value:.{digits}f}"


def summary(samples_file, c0_file, c1_file, scrape_interval):
    with open(samples_file) as f:
        lines = [json.loads(x) for x in f if x.strip()]
    with open(c0_file) as f:
        c0 = json.load(f)
    with open(c1_file) as f:
        c1 = json.load(f)
    ok = [x for x in lines if "error" not in x]
    out = {"samples": len(ok), "sample_errors": len(lines) - len(ok)}
    errors = [x["error"] for x in lines if "error" in x]
    out["first_sample_error"] = errors[0].replace(" ", "_")[:80] if errors else "-"

    def stats(key, values, digits=3):
        values = [v for v in values if v is not None]
        out[f"{key}_max"] = fmt(max(values), digits) if values else "-"
        out[f"{key}_p99"] = fmt(p99(values), digits) if values else "-"
        out[f"{key}_p50"] = fmt(statistics.median(values), digits) if values else "-"

    stats("sched_late", [x["late"] for x in ok])
    stats("loop_lag", [x["lag"] for x in ok])
    # How far past its interval the most overdue service's scrape had not landed yet.
    stats("scrape_late", [max(0.0, x["max_age"] - scrape_interval) for x in ok
                          if x["max_age"] is not None])
    out["up_series"] = min((x["up_series"] for x in ok), default=0)
    # The oldest group evaluation when the answer came, and how far past its interval.
    ages, overdue = [], []
    for x in ok:
        evaluated = [(x["at"] - ts, interval) for ts, _, interval in x["groups"].values() if ts > 0]
        if evaluated:
            ages.append(max(a for a, _ in evaluated))
            overdue.append(max(max(0.0, a - i) for a, i in evaluated))
    stats("eval_age", ages)
    stats("eval_late", overdue)
    stats("metrics_read", [x["took"] for x in ok])
    out["rss_peak"] = fmt(max((x["rss"] for x in ok), default=None), 1)
    seconds = c1["t"] - c0["t"]
    out["counter_seconds"] = fmt(seconds, 2)

    # Each evaluation in the window seen once (a new timestamp), with its duration; and what
    # one round of every group costs: the sum of each group's median last duration.
    seen, last = {}, {}
    for x in ok:
        for group, (ts, duration, _) in x["groups"].items():
            if ts >= c0["t"]:
                seen[(group, ts)] = duration
            if ts > 0:
                last.setdefault(group, []).append(duration)
    evals = missed = failures = 0
    for group, now in c1["groups"].items():
        before = c0["groups"].get(group, {"evaluations": 0, "missed": 0, "failures": 0})
        evals += now["evaluations"] - before["evaluations"]
        missed += now["missed"] - before["missed"]
        failures += now["failures"] - before["failures"]
    out["groups"] = len(c1["groups"])
    out["evaluations"] = int(evals)
    out["evals_seen"] = len(seen)
    out["missed"] = int(missed)
    out["eval_failures"] = int(failures)
    durations = list(seen.values())
    out["eval_ms_p50"] = fmt(statistics.median(durations) * 1000, 1) if durations else "-"
    out["eval_ms_max"] = fmt(max(durations) * 1000, 1) if durations else "-"
    out["eval_round_s"] = (fmt(sum(statistics.median(d) for d in last.values()), 3)
                           if last else "-")
    out["probe_runs"] = int(c1["probe_runs"] - c0["probe_runs"])
    out["probe_failures"] = int(c1["probe_failures"] - c0["probe_failures"])
    out["runs_skipped"] = int(c1["skipped"] - c0["skipped"])
    out["runs_written_off"] = int(c1["written_off"] - c0["written_off"])
    for key, value in out.items():
        print(key, value)


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "counters":
        counters(args[0], args[1])
    elif cmd == "sample":
        sample(args[0], args[1], int(args[2]), args[3], args[4])
    elif cmd == "summary":
        summary(args[0], args[1], args[2], float(args[3]))
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main(sys.argv)
