#!/usr/bin/env python3
"""A service whose metric flips on command, and the webhook receiver that times the alerts.

For bench/time_to_notify.sh. One HTTP/1.1 server (threads, keep-alive) on 127.0.0.1, on PORT
(argv[2]) or a port the kernel picks, for FLIPS flips (argv[1], default 9; flip 0 is there too,
for a warm-up):

    GET  /metrics             bench_flip{flip="0"} … {flip="FLIPS"}, text format 0.0.4: 1 for
                              the flip that is on, 0 for every other (all are there from the
                              start, so a flip changes a value and creates no series)
    POST /flip/<k>            turns flip k on (and any other off); answers the instant the
                              served value changed, Unix seconds
    POST /unflip              turns every flip off; answers that instant
    POST /hook/<source>       an Alertmanager webhook (version 4) payload: each alert's `flip`
                              label is recorded with the payload's arrival time, per source and
                              status (firing, resolved)
    GET  /arrivals            JSON: {source: {status: {flip: first arrival}}}
    GET  /delay/<k>?status=S&wait=T&sources=A,B
                              waits up to T s (0) until every source has an S (firing) payload
                              for flip k, then answers one line per source, "SOURCE MS", the
                              milliseconds from the instant flip k was turned on (off, for
                              resolved) to the first such arrival, or "SOURCE -" when none came;
                              for firing, also "scrape CLIENT MS" for each client that fetched
                              flip k's 1: the ms from the flip to the first such fetch
    GET  /stats               "CLIENT SCRAPES" a line: /metrics requests per User-Agent's first
                              word; then "hook SOURCE PAYLOADS" a line

Prints `flip 127.0.0.1:PORT` once listening and serves until SIGTERM or SIGINT.
"""
import http.server
import json
import signal
import sys
import threading
import time
import urllib.parse

flips = int(sys.argv[1]) if len(sys.argv) > 1 else 9
lock = threading.Condition()
on = None            # the flip being served as 1
flipped_at = {}      # flip -> the instant it was turned on
unflipped_at = {}    # flip -> the instant it was turned off
arrivals = {}        # source -> status -> flip -> first arrival
scrapes = {}         # client -> /metrics requests
fetched = {}         # client -> flip -> when it was first served to the client as 1
payloads = {}        # source -> webhook payloads received


def exposition():
    lines = ["# HELP bench_flip 1 while the flip is on.", "# TYPE bench_flip gauge"]
    lines += [f'bench_flip{{flip="{k}"}} {1 if k == on else 0}' for k in range(flips + 1)]
    return ("\n".join(lines) + "\n").encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # scrapers and notifiers keep their connections, as in use

    def reply(self, body, content_type="text/plain; charset=utf-8", status=200):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/metrics":
            client = (self.headers.get("User-Agent", "").split("/")[0].split() or ["-"])[0]
            with lock:
                scrapes[client] = scrapes.get(client, 0) + 1
                body = exposition()
                if on is not None:
                    fetched.setdefault(client, {}).setdefault(on, time.time())
            self.reply(body, "text/plain; version=0.0.4; charset=utf-8")
        elif url.path == "/arrivals":
            with lock:
                body = json.dumps(arrivals, sort_keys=True)
            self.reply(body.encode(), "application/json")
        elif url.path.startswith("/delay/"):
            self.reply(delays(url.path[len("/delay/"):], urllib.parse.parse_qs(url.query)))
        elif url.path == "/stats":
            with lock:
                rows = [f"{c} {n}" for c, n in sorted(scrapes.items())]
                rows += [f"hook {s} {n}" for s, n in sorted(payloads.items())]
            self.reply(("\n".join(rows) + "\n").encode())
        else:
            self.reply(b"not found\n", status=404)

    def do_POST(self):
        global on
        arrived = time.time()  # before the body: its few hundred bytes are part of the request
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path = self.path.split("?")[0]
        if path.startswith("/hook/"):
            record(path[len("/hook/"):], arrived, body)
            self.reply(b"ok\n")
        elif path.startswith("/flip/") or path == "/unflip":
            with lock:
                # The instant is taken under the lock /metrics renders under: a scrape rendered
                # after it serves the new value, one rendered before it the old.
                was, on = on, int(path[len("/flip/"):]) if path != "/unflip" else None
                instant = time.time()
                if was is not None and was != on:
                    unflipped_at[was] = instant
                if on is not None:
                    flipped_at[on] = instant
            self.reply(f"{instant:.6f}\n".encode())
        else:
            self.reply(b"not found\n", status=404)

    def log_message(self, *args):
        pass


def record(source, arrived, body):
    try:
        alerts = json.loads(body).get("alerts", [])
    except ValueError:
        alerts = []
    with lock:
        payloads[source] = payloads.get(source, 0) + 1
        for alert in alerts:
            flip = alert.get("labels", {}).get("flip")
            by_flip = arrivals.setdefault(source, {}).setdefault(alert.get("status"), {})
            if flip is not None and flip not in by_flip:
                by_flip[flip] = arrived
        lock.notify_all()


def delays(flip, query):
    status = query.get("status", ["firing"])[0]
    sources = query.get("sources", ["agent,am"])[0].split(",")
    deadline = time.time() + float(query.get("wait", ["0"])[0])

    def first(source):
        return arrivals.get(source, {}).get(status, {}).get(flip)

    with lock:
        while any(first(s) is None for s in sources) and time.time() < deadline:
            lock.wait(deadline - time.time())
        start = (unflipped_at if status == "resolved" else flipped_at).get(int(flip))
        rows = []
        for source in sources:
            arrived = first(source)
            ok = arrived is not None and start is not None
            rows.append(f"{source} {(arrived - start) * 1000:.1f}" if ok else f"{source} -")
        if status == "firing":
            for client, by_flip in sorted(fetched.items()):
                if int(flip) in by_flip and start is not None:
                    rows.append(f"scrape {client} {(by_flip[int(flip)] - start) * 1000:.1f}")
    return ("\n".join(rows) + "\n").encode()


def main():
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: threading.Thread(target=server.shutdown).start())
    print(f"flip 127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
