#!/usr/bin/env python3
"""Loopback metrics targets for the ingestion benchmark.

One HTTP/1.1 server (keep-alive: a connection stays open until its client closes it; a large
accept backlog) on 127.0.0.1, on a port the kernel picks, serving N targets (N from argv,
default 200) at

    GET /metrics/<i>      i in 0..N-1

each a body of exactly 100 series in the Prometheus text format 0.0.4 (with HELP and TYPE):

    bench_requests_total{method,code}            counter    40 series
    bench_queue_depth{queue}                     gauge      20 series
    bench_request_duration_seconds{handler}      histogram  3 x (10 buckets incl. +Inf, sum,
                                                            count) = 36 series
    bench_memory_bytes, bench_open_connections,  gauges     4 series
    bench_temperature_celsius, bench_load_ratio

Values move as real ones do: counters grow by small random steps, gauges wander. A target's
body is rendered again when the cached one is a second old or more, so the scrapers of the same
second share it and the server's CPU stays low.

GET /stats answers, per client (the User-Agent's first word), the number of distinct targets it
fetched in the last 3 s and its requests so far: `CLIENT TARGETS_LAST_3S REQUESTS` a line.

Prints `metrics 127.0.0.1:PORT` once listening and serves until SIGTERM or SIGINT.
"""
import asyncio
import random
import signal
import sys
import time

BACKLOG = 4096
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE")
CODES = ("200", "201", "404", "500", "503")
HANDLERS = ("/api", "/static", "/login")
BUCKETS = ("0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf")
GAUGES = ("bench_memory_bytes", "bench_open_connections", "bench_temperature_celsius",
          "bench_load_ratio")


def family(name, kind, help_text):
    return f"# HELP {name} {help_text}\n# TYPE {name} {kind}\n"


class Target:
    """One target's values: tick() moves them, render() writes them as a body."""

    def __init__(self):
        self.counters = [random.randrange(1000, 100000) for _ in range(40)]
        self.queues = [random.uniform(0, 100) for _ in range(20)]
        self.bins = [[random.randrange(100) for _ in BUCKETS] for _ in HANDLERS]
        self.sums = [random.uniform(10, 100) for _ in HANDLERS]
        self.gauges = [random.uniform(1e8, 2e8), random.uniform(10, 100),
                       random.uniform(30, 60), random.random()]
        self.body = b""
        self.rendered_at = 0.0

    def tick(self):
        r = random.random  # randrange and uniform cost twice as much
        self.counters = [c + int(r() * 5) for c in self.counters]
        self.queues = [max(0.0, q + 4 * r() - 2) for q in self.queues]
        for h, bins in enumerate(self.bins):
            steps = [int(r() * 3) for _ in bins]
            self.bins[h] = [b + s for b, s in zip(bins, steps)]
            self.sums[h] += sum(steps) * random.uniform(0.05, 0.3)
        self.gauges = [g * random.uniform(0.98, 1.02) for g in self.gauges]

    def render(self):
        out = [family("bench_requests_total", "counter", "Requests handled.")]
        values = iter(self.counters)
        for method in METHODS:
            for code in CODES:
                out.append(f'bench_requests_total{{method="{method}",code="{code}"}} '
                           f"{next(values)}\n")
        out.append(family("bench_queue_depth", "gauge", "Items waiting, per queue."))
        for q, value in enumerate(self.queues):
            out.append(f'bench_queue_depth{{queue="q{q:02d}"}} {value:.3f}\n')
        name = "bench_request_duration_seconds"
        out.append(family(name, "histogram", "Request latency."))
        for handler, bins, total in zip(HANDLERS, self.bins, self.sums):
            cumulative = 0
            for le, count in zip(BUCKETS, bins):
                cumulative += count
                out.append(f'{name}_bucket{{handler="{handler}",le="{le}"}} {cumulative}\n')
            out.append(f'{name}_sum{{handler="{handler}"}} {total:.6f}\n')
            out.append(f'{name}_count{{handler="{handler}"}} {cumulative}\n')
        for gauge, value in zip(GAUGES, self.gauges):
            out.append(family(gauge, "gauge", "A wandering gauge."))
            out.append(f"{gauge} {value:.6g}\n")
        return "".join(out).encode()

    def current(self, now):
        if now - self.rendered_at >= 1.0:
            if self.rendered_at:
                self.tick()
            self.body = self.render()
            self.rendered_at = now
        return self.body


def response(status, content_type, body):
    head = (f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    return head.encode() + body


class Server:
    def __init__(self, n):
        self.targets = [Target() for _ in range(n)]
        self.last_fetch = {}  # client -> {target: monotonic time of its last fetch}
        self.requests = {}    # client -> requests so far

    def stats(self, now):
        return "".join(f"{client} {sum(now - t < 3 for t in seen.values())} "
                       f"{self.requests[client]}\n"
                       for client, seen in sorted(self.last_fetch.items())).encode()

    def answer(self, head):
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        path = parts[1] if len(parts) == 3 else ""
        client = "-"
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "user-agent":
                client = value.strip().split("/")[0] or "-"
        now = time.monotonic()
        if path.startswith("/metrics/"):
            index = path[len("/metrics/"):]
            if index.isdigit() and int(index) < len(self.targets):
                i = int(index)
                self.last_fetch.setdefault(client, {})[i] = now
                self.requests[client] = self.requests.get(client, 0) + 1
                return response("200 OK", "text/plain; version=0.0.4; charset=utf-8",
                                self.targets[i].current(now))
        if path == "/stats":
            return response("200 OK", "text/plain", self.stats(now))
        return response("404 Not Found", "text/plain", b"not found\n")


class Connection(asyncio.Protocol):
    """One client's connection: answers each complete request head in turn (no bodies:
    scrapers send none). A protocol rather than streams, which cost more CPU a request."""

    def __init__(self, server):
        self.server = server
        self.pending = b""

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.pending += data
        while (end := self.pending.find(b"\r\n\r\n")) >= 0:
            head, self.pending = self.pending[:end], self.pending[end + 4:]
            self.transport.write(self.server.answer(head))
        if len(self.pending) > 65536:
            self.transport.close()


async def main():
    server = Server(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
    loop = asyncio.get_running_loop()
    listener = await loop.create_server(lambda: Connection(server), "127.0.0.1", 0,
                                        backlog=BACKLOG)
    print(f"metrics 127.0.0.1:{listener.sockets[0].getsockname()[1]}", flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    listener.close()
    print("served " + ", ".join(f"{n} requests to {c}" for c, n in server.requests.items()),
          file=sys.stderr, flush=True)


if __name__ == "__main__":
    asyncio.run(main())
