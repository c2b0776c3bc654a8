#!/usr/bin/env python3
"""Rule file and measurements for bench/rules_vs_prometheus.sh.

    bench_rules.py generate TARGETS RULES_FILE MANIFEST
        Writes one Prometheus rule file of 500 rules over the series of
        bench/tools/metrics_targets.py (service labels t0000…), and a manifest: one line a
        group, "GROUP KIND RULES" with KIND "fleet" (rules over every target) or "target"
        (each rule selects one target's series).

    bench_rules.py sample AGENT_PORT PROM_PORT SECONDS EVERY OUT
        Reads both /metrics every EVERY s for SECONDS s and writes to OUT one line per group
        evaluation seen (told apart by the group's last-evaluation timestamp):
        "PEER GROUP TIMESTAMP DURATION_SECONDS". PEER is agent or prometheus; GROUP the group's
        name (the rule_group label without its "FILE;" part).

    bench_rules.py medians SAMPLES MANIFEST
        Per group of the manifest: "GROUP KIND RULES AGENT_EVALS AGENT_MS PROM_EVALS PROM_MS",
        the medians of the evaluations sampled (ms; "-" when none was seen).

    bench_rules.py counters PORT PEER
        The group counters of one peer's /metrics: "GROUP EVALUATIONS FAILURES MISSED" a line
        (MISSED: Prometheus' prometheus_rule_group_iterations_missed_total; the agent has none,
        0).

    bench_rules.py health AGENT_PORT PROM_PORT EXPECTED
        Both /api/v1/rules: per peer the groups, rules, rules by health and alerts by state
        ("PEER groups=G rules=R ok=N err=N unknown=N firing=N pending=N"), then for each rule
        whose health is not "ok" in either peer, "UNHEALTHY PEER GROUP NAME HEALTH: LASTERROR"
        (at most 20 a peer), then "WARNING …" lines when a peer has not EXPECTED rules or has
        unhealthy ones. Before those, "ALERTS NAME STATE: agent N, prometheus M" for each
        alerting rule and state whose alert counts differ (timing can explain some: the peers
        evaluate at different moments).

    bench_rules.py compare AGENT_PORT PROM_PORT TIME NAME…
        count(NAME) in both at TIME (Unix seconds): "NAME AGENT_COUNT PROM_COUNT same|DIFFERENT".

Only the standard library; every HTTP read has a 30 s timeout.
"""
import json
import re
import statistics
import sys
import time
import urllib.parse
import urllib.request

# --- the rule file ------------------------------------------------------------------------------

TARGET_SLOTS = 55     # targets that have rules of their own
TARGET_KINDS = 8      # rules per such target: 55 x 8 = 440
TARGET_GROUP = 55     # rules per "per-target" group: 8 groups
ERR = 'code=~"5.."'
BUCKET = "bench_request_duration_seconds_bucket"
DUR_SUM = "bench_request_duration_seconds_sum"
DUR_COUNT = "bench_request_duration_seconds_count"
REQ = "bench_requests_total"
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE")


def quote(text):
    """A YAML double-quoted scalar."""
    return json.dumps(text)


def record(name, expr, labels=None):
    return {"record": name, "expr": expr, "labels": labels or {}}


def alert(name, expr, for_, labels, annotations):
    return {"alert": name, "expr": expr, "for": for_, "labels": labels,
            "annotations": annotations}


def ratio(by, window, extra=""):
    """Errors over all requests, by `by`, over `window`; extra matchers go in both."""
    sel = f"{{{extra + ',' if extra else ''}{ERR}}}"
    base = f"{{{extra}}}" if extra else ""
    return (f"sum by ({by}) (rate({REQ}{sel}[{window}]))\n"
            f"/\nsum by ({by}) (rate({REQ}{base}[{window}]))")


def fleet_recording():
    q = lambda phi, by: (f"histogram_quantile({phi}, sum by ({by}) "
                         f"(rate({BUCKET}[5m])))")
    return [
        record("service:bench_requests:rate5m", f"sum by (service) (rate({REQ}[5m]))"),
        record("service:bench_requests:error_ratio5m", ratio("service", "5m")),
        record("service_code:bench_requests:rate5m", f"sum by (service, code) (rate({REQ}[5m]))"),
        record("service_method:bench_requests:rate5m",
               f"sum by (service, method) (rate({REQ}[5m]))"),
        record("method:bench_requests:rate5m", f"sum by (method) (rate({REQ}[5m]))"),
        record("fleet:bench_requests:rate5m", f"sum(rate({REQ}[5m]))"),
        record("fleet:bench_requests:error_ratio5m",
               f"sum(rate({REQ}{{{ERR}}}[5m])) / sum(rate({REQ}[5m]))"),
        record("service:bench_request_duration_seconds:p99_5m", q(0.99, "le, service")),
        record("service:bench_request_duration_seconds:p90_5m", q(0.9, "le, service")),
        record("service:bench_request_duration_seconds:p50_5m", q(0.5, "le, service")),
        record("handler:bench_request_duration_seconds:p99_5m", q(0.99, "le, handler")),
        record("service_handler:bench_request_duration_seconds:p99_5m",
               q(0.99, "le, service, handler")),
        record("service:bench_request_duration_seconds:mean5m",
               f"sum by (service) (rate({DUR_SUM}[5m]))\n/\n"
               f"sum by (service) (rate({DUR_COUNT}[5m]))"),
        record("service:bench_request_duration_seconds:apdex5m",
               f'(\n  sum by (service) (rate({BUCKET}{{le="0.25"}}[5m]))\n'
               f'  +\n  sum by (service) (rate({BUCKET}{{le="1"}}[5m]))\n) / 2\n'
               f"/\nsum by (service) (rate({DUR_COUNT}[5m]))"),
        record("service:bench_queue_depth:max", "max by (service) (bench_queue_depth)"),
        record("service:bench_queue_depth:avg_over_time5m",
               "avg by (service) (avg_over_time(bench_queue_depth[5m]))"),
        record("queue:bench_queue_depth:p95", "quantile by (queue) (0.95, bench_queue_depth)"),
        record("service:bench_memory_bytes:predict1h",
               "predict_linear(bench_memory_bytes[30m], 3600)"),
        record("fleet:up:avg", 'avg(up{service=~"t[0-9]+"})'),
        record("service:bench_load_ratio:avg5m", "avg_over_time(bench_load_ratio[5m])"),
        record("service:bench_temperature_celsius:max30m",
               "max_over_time(bench_temperature_celsius[30m])"),
        record("fleet:bench_queue_depth:topk5", "topk(5, max by (service) (bench_queue_depth))"),
    ]


def fleet_alerts():
    per_service = {"summary": "{{ $labels.service }}: {{ $value | humanize }}",
                   "runbook_url": "https://runbooks.example/{{ $labels.service }}"}
    return [
        alert("ServiceErrorRatioHigh", f"(\n{ratio('service', '5m')}\n) > 0.45", "5m",
              {"severity": "ticket", "team": "bench"},
              {"summary": "{{ $labels.service }} answers {{ $value | humanizePercentage }} "
                          "errors",
               "description": "5xx over all requests, 5 m."}),
        alert("ServiceLatencyP99High",
              f"histogram_quantile(0.99, sum by (le, service) (rate({BUCKET}[5m]))) > 2", "10m",
              {"severity": "ticket"},
              {"summary": "{{ $labels.service }} p99 {{ $value | humanizeDuration }}"}),
        alert("HandlerLatencyP90High",
              f"histogram_quantile(0.9, sum by (le, service, handler) (rate({BUCKET}[5m])))"
              " > 2.4", "5m", {"severity": "ticket"},
              {"summary": "{{ $labels.service }} {{ $labels.handler }} p90 "
                          "{{ $value | humanizeDuration }}"}),
        alert("TargetDown", "up == 0", "1m", {"severity": "page"},
              {"summary": "{{ $labels.service }} ({{ $labels.instance }}) is down"}),
        alert("TargetsMissing", "count(up == 1) / count(up) < 0.9", "2m", {"severity": "page"},
              {"summary": "only {{ $value | humanizePercentage }} of the targets are up"}),
        alert("RequestsAbsent", f"absent({REQ})", "5m", {"severity": "page"},
              {"summary": "no target exports {REQ}"}),
        alert("QueueMetricAbsent", 'absent(bench_queue_depth{queue="q00"})', "5m",
              {"severity": "ticket"}, {"summary": "queue q00 is not reported"}),
        alert("QueueBacklog", "max by (service) (bench_queue_depth) > 150", "2m",
              {"severity": "ticket"}, per_service),
        alert("QueueGrowing", "sum by (service) (deriv(bench_queue_depth[5m])) > 1", "10m",
              {"severity": "ticket"}, per_service),
        alert("MemoryExhaustionSoon", "predict_linear(bench_memory_bytes[30m], 4 * 3600) > 5e8",
              "15m", {"severity": "ticket"},
              {"summary": "{{ $labels.service }} reaches {{ $value | humanize1024 }}B in 4h"}),
        alert("TemperatureHigh", "avg_over_time(bench_temperature_celsius[5m]) > 80", "5m",
              {"severity": "ticket"}, per_service),
        alert("LoadHigh", "max_over_time(bench_load_ratio[5m]) > 0.98", "5m",
              {"severity": "ticket"}, per_service),
        alert("TrafficDrop",
              f"sum by (service) (rate({REQ}[5m]))\n<\n"
              f"0.5 * sum by (service) (rate({REQ}[30m]))", "10m", {"severity": "ticket"},
              per_service),
        alert("FleetErrorRatioHigh",
              f"sum(rate({REQ}{{{ERR}}}[5m])) / sum(rate({REQ}[5m])) > 0.5", "5m",
              {"severity": "page"},
              {"summary": "the fleet answers {{ $value | humanizePercentage }} errors"}),
        alert("ServiceMethodErrorsHigh",
              f"sum by (service, method) (rate({REQ}{{{ERR}}}[5m])) > 4.5", "5m",
              {"severity": "ticket"},
              {"summary": "{{ $labels.service }} {{ $labels.method }}: "
                          "{{ $value | humanize }} errors/s"}),
        alert("LatencyMeanHigh",
              f"sum by (service) (rate({DUR_SUM}[5m]))\n/\n"
              f"sum by (service) (rate({DUR_COUNT}[5m]))\n> 0.3", "5m", {"severity": "ticket"},
              {"summary": "{{ $labels.service }} mean latency "
                          "{{ $value | humanizeDuration }}"}),
    ]


def burn_rate():
    """Multi-window multi-burn-rate alerts (the SRE workbook's), error budgets chosen so that
    the bench's ~40 % of 5xx sometimes burns them."""
    rules = [record(f"service:bench_requests:error_ratio_rate{w}", ratio("service", w))
             for w in ("5m", "30m", "1h", "6h")]
    rules.append(alert(
        "ErrorBudgetBurnFast",
        "service:bench_requests:error_ratio_rate1h > (14.4 * 0.03)\n"
        "and\nservice:bench_requests:error_ratio_rate5m > (14.4 * 0.03)", "2m",
        {"severity": "page", "window": "1h"},
        {"summary": "{{ $labels.service }} burns its error budget fast: "
                    "{{ $value | humanizePercentage }} errors"}))
    rules.append(alert(
        "ErrorBudgetBurnSlow",
        "service:bench_requests:error_ratio_rate6h > (6 * 0.07)\n"
        "and\nservice:bench_requests:error_ratio_rate30m > (6 * 0.07)", "15m",
        {"severity": "ticket", "window": "6h"},
        {"summary": "{{ $labels.service }} burns its error budget: "
                    "{{ $value | humanizePercentage }} errors"}))
    for method in METHODS:
        m = f'method="{method}"'
        for name, (long, short), factor, budget, for_, severity in (
                ("ErrorBudgetBurnFastByMethod", ("1h", "5m"), 14.4, 0.03, "2m", "page"),
                ("ErrorBudgetBurnSlowByMethod", ("6h", "30m"), 6, 0.07, "15m", "ticket")):
            expr = (f"(\n{ratio('service', long, m)}\n) > ({factor} * {budget})\nand\n"
                    f"(\n{ratio('service', short, m)}\n) > ({factor} * {budget})")
            rules.append(alert(name, expr, for_, {"severity": severity, "method": method},
                               {"summary": "{{ $labels.service }} " + method +
                                           ": {{ $value | humanizePercentage }} errors over "
                                           + long}))
    return rules


def target_rules(service, extra):
    """The 8 rules a team writes for one target."""
    s = f'service="{service}"'
    labels = lambda **kw: {**kw, **extra, "service": service}
    return [
        alert("TargetErrorRatioHigh",
              f"sum(rate({REQ}{{{s},{ERR}}}[5m])) / sum(rate({REQ}{{{s}}}[5m])) > 0.45", "5m",
              labels(severity="ticket"),
              {"summary": "{{ $labels.service }}: {{ $value | humanizePercentage }} errors"}),
        alert("TargetLatencyP99High",
              f"histogram_quantile(0.99, sum by (le) (rate({BUCKET}{{{s}}}[5m]))) > 1", "10m",
              labels(severity="ticket"),
              {"summary": "{{ $labels.service }} p99 {{ $value | humanizeDuration }}"}),
        record("target:bench_requests:rate5m",
               f"sum by (service, code) (rate({REQ}{{{s}}}[5m]))", labels()),
        alert("TargetAbsent", f"absent(up{{{s}}})", "1m", labels(severity="page"),
              {"summary": "{{ $labels.service }} has no up series"}),
        alert("TargetQueueBacklog", f"max_over_time(bench_queue_depth{{{s}}}[5m]) > 100", "2m",
              labels(severity="ticket"),
              {"summary": "{{ $labels.service }} queue {{ $labels.queue }}: "
                          "{{ $value | humanize }} items"}),
        alert("TargetTrafficStalled", f"sum(increase({REQ}{{{s}}}[5m])) < 1", "5m",
              labels(severity="page"), {"summary": "{{ $labels.service }} handles no requests"}),
        record("target:bench_request_duration_seconds:mean5m",
               f"sum by (service, handler) (rate({DUR_SUM}{{{s}}}[5m]))\n/\n"
               f"sum by (service, handler) (rate({DUR_COUNT}{{{s}}}[5m]))", labels()),
        alert("TargetMemoryGrowth", f"predict_linear(bench_memory_bytes{{{s}}}[5m], 3600) > 4e8",
              "5m", labels(severity="ticket"),
              {"summary": "{{ $labels.service }} heads for {{ $value | humanize1024 }}B"}),
    ]


def per_target(targets):
    """TARGET_SLOTS targets spread over the fleet; with fewer targets than slots they repeat,
    told apart by a `copy` label so that no two rules write the same series."""
    rules = []
    for slot in range(TARGET_SLOTS):
        if targets >= TARGET_SLOTS:
            index, extra = slot * targets // TARGET_SLOTS, {}
        else:
            index = slot % targets
            extra = {"copy": str(slot // targets)} if slot >= targets else {}
        rules.extend(target_rules(f"t{index:04d}", extra))
    assert len(rules) == TARGET_SLOTS * TARGET_KINDS
    return rules


def groups(targets):
    out = [("fleet-recording", "fleet", fleet_recording()),
           ("fleet-alerts", "fleet", fleet_alerts()),
           ("slo-burn-rate", "fleet", burn_rate())]
    rules = per_target(targets)
    for g in range(0, len(rules), TARGET_GROUP):
        out.append((f"per-target-{g // TARGET_GROUP + 1:02d}", "target",
                    rules[g:g + TARGET_GROUP]))
    return out


def write_rule(rule, out):
    kind = "alert" if "alert" in rule else "record"
    out.append(f"      - {kind}: {rule[kind]}\n")
    out.append("        expr: |\n")
    for line in rule["expr"].split("\n"):
        out.append(f"          {line}\n")
    if "for" in rule:
        out.append(f"        for: {rule['for']}\n")
    for key in ("labels", "annotations"):
        if rule.get(key):
            out.append(f"        {key}:\n")
            for name, value in sorted(rule[key].items()):
                out.append(f"          {name}: {quote(value)}\n")


def generate(targets, rules_file, manifest):
    text, lines, total = ["groups:\n"], [], 0
    for name, kind, rules in groups(targets):
        text.append(f"  - name: {name}\n    rules:\n")
        for rule in rules:
            write_rule(rule, text)
        lines.append(f"{name} {kind} {len(rules)}\n")
        total += len(rules)
    assert total == 500, total
    with open(rules_file, "w") as f:
        f.write("".join(text))
    with open(manifest, "w") as f:
        f.write("".join(lines))


# --- measurements -------------------------------------------------------------------------------

PREFIX = {"agent": "vitals_rule", "prometheus": "prometheus_rule"}
SAMPLE_RE = re.compile(r'^(\w+)\{(?:[^}]*,)?rule_group="[^"]*;([^"]*)"[^}]*\} (\S+)')


def get(url):
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.read().decode()


def group_metrics(port, peer):
    """{group: {metric suffix: value}} from one peer's /metrics."""
    prefix = PREFIX[peer] + "_"
    out = {}
    for line in get(f"http://127.0.0.1:{port}/metrics").splitlines():
        if not line.startswith(prefix):
            continue
        m = SAMPLE_RE.match(line)
        if m:
            out.setdefault(m.group(2), {})[m.group(1)[len(prefix):]] = float(m.group(3))
    return out


def sample(agent_port, prom_port, seconds, every, out_file):
    seen = set()
    end = time.monotonic() + seconds
    with open(out_file, "w") as out:
        while True:
            began = time.monotonic()
            for peer, port in (("agent", agent_port), ("prometheus", prom_port)):
                try:
                    metrics = group_metrics(port, peer)
                except OSError as e:
                    print(f"sample: {peer} /metrics: {e}", file=sys.stderr)
                    continue
                for group, m in metrics.items():
                    ts = m.get("group_last_evaluation_timestamp_seconds", 0)
                    if ts > 0 and (peer, group, ts) not in seen:
                        seen.add((peer, group, ts))
                        out.write(f"{peer} {group} {ts:.3f} "
                                  f"{m.get('group_last_duration_seconds', 0):.9f}\n")
            out.flush()
            left = end - time.monotonic()
            if left <= 0:
                break
            time.sleep(min(left, max(0.0, every - (time.monotonic() - began))))


def medians(samples_file, manifest):
    durations = {}
    with open(samples_file) as f:
        for line in f:
            peer, group, _, seconds = line.split()
            durations.setdefault((peer, group), []).append(float(seconds))
    with open(manifest) as f:
        for line in f:
            group, kind, rules = line.split()
            cells = []
            for peer in ("agent", "prometheus"):
                d = durations.get((peer, group), [])
                cells += [str(len(d)), f"{statistics.median(d) * 1000:.3f}" if d else "-"]
            print(group, kind, rules, *cells)


def counters(port, peer):
    for group, m in sorted(group_metrics(port, peer).items()):
        if peer == "agent":
            evals, fails, missed = (m.get("group_evaluations_total", 0),
                                    m.get("evaluation_failures_total", 0), 0)
        else:
            evals, fails, missed = (m.get("group_iterations_total", 0),
                                    m.get("evaluation_failures_total", 0),
                                    m.get("group_iterations_missed_total", 0))
        print(group, f"{evals:.0f}", f"{fails:.0f}", f"{missed:.0f}")


def health(agent_port, prom_port, expected):
    warnings, by_name = [], {}
    for peer, port in (("agent", agent_port), ("prometheus", prom_port)):
        data = json.loads(get(f"http://127.0.0.1:{port}/api/v1/rules"))["data"]["groups"]
        by_health, states, bad, rules = {}, {"firing": 0, "pending": 0}, [], 0
        for group in data:
            for rule in group["rules"]:
                rules += 1
                h = rule.get("health", "")
                by_health[h] = by_health.get(h, 0) + 1
                for a in rule.get("alerts", []):
                    states[a["state"]] = states.get(a["state"], 0) + 1
                    key = (rule["name"], a["state"], peer)
                    by_name[key] = by_name.get(key, 0) + 1
                if h != "ok":
                    bad.append(f"UNHEALTHY {peer} {group['name']} {rule['name']} {h}: "
                               + rule.get("lastError", "").replace("\n", " "))
        print(f"{peer} groups={len(data)} rules={rules} ok={by_health.get('ok', 0)} "
              f"err={by_health.get('err', 0)} unknown={by_health.get('unknown', 0)} "
              f"firing={states['firing']} pending={states['pending']}")
        print("\n".join(bad[:20]) if bad else "", end="\n" if bad else "")
        if len(bad) > 20:
            print(f"UNHEALTHY {peer} … and {len(bad) - 20} more")
        if rules != expected:
            warnings.append(f"WARNING: {peer} has {rules} rules, not {expected}")
        if bad:
            warnings.append(f"WARNING: {peer} has {len(bad)} rule(s) whose health is not ok")
    for name, state in sorted({(n, s) for n, s, _ in by_name}):
        a, p = by_name.get((name, state, "agent"), 0), by_name.get((name, state, "prometheus"), 0)
        if a != p:
            print(f"ALERTS {name} {state}: agent {a}, prometheus {p}")
    for w in warnings:
        print(w)


def count(port, query, at):
    url = (f"http://127.0.0.1:{port}/api/v1/query?"
           + urllib.parse.urlencode({"query": query, "time": at}))
    try:
        result = json.loads(get(url))["data"]["result"]
    except (OSError, ValueError, KeyError) as e:
        return f"error({e.__class__.__name__})"
    return f"{float(result[0]['value'][1]):.0f}" if result else "0"


def compare(agent_port, prom_port, at, names):
    for name in names:
        a, p = count(agent_port, f"count({name})", at), count(prom_port, f"count({name})", at)
        print(name, a, p, "same" if a == p else "DIFFERENT")


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "generate":
        generate(int(args[0]), args[1], args[2])
    elif cmd == "sample":
        sample(args[0], args[1], float(args[2]), float(args[3]), args[4])
    elif cmd == "medians":
        medians(args[0], args[1])
    elif cmd == "counters":
        counters(args[0], args[1])
    elif cmd == "health":
        health(args[0], args[1], int(args[2]))
    elif cmd == "compare":
        compare(args[0], args[1], args[2], args[3:])
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main(sys.argv)
