#!/usr/bin/env python3
"""Loopback targets for the probe benchmarks.

An HTTP/1.1 server that answers every request with `200 ok` (keep-alive honoured, as a real
service would) and a TCP listener that accepts connections and closes each when its peer does.
Both bind 127.0.0.1 on ports the kernel picks, with a large accept backlog (httplib's is 5, too
small for a thousand probes a second), print

    http 127.0.0.1:PORT
    tcp 127.0.0.1:PORT

once listening, and serve until SIGTERM or SIGINT. Counts are printed on exit.
"""
import asyncio
import signal
import sys

BACKLOG = 4096
OK = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nok\n"
OK_CLOSE = (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n"
            b"Connection: close\r\n\r\nok\n")
counts = {"http_requests": 0, "tcp_connections": 0}


def parse_head(head):
    """(body length, whether the client asked to close) from a request head."""
    length, close = 0, head.split(b"\r\n", 1)[0].endswith(b"HTTP/1.0")
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == b"content-length":
            length = int(value or 0)
        elif name == b"connection":
            close = value != b"keep-alive"
    return length, close


async def serve_http(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length, close = parse_head(head)
            if length:
                await reader.readexactly(length)
            counts["http_requests"] += 1
            writer.write(OK_CLOSE if close else OK)
            await writer.drain()
            if close:
                break
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, ValueError):
        pass
    finally:
        writer.close()


async def serve_tcp(reader, writer):
    counts["tcp_connections"] += 1
    try:
        while await reader.read(4096):
            pass
    except ConnectionError:
        pass
    finally:
        writer.close()


async def main():
    http = await asyncio.start_server(serve_http, "127.0.0.1", 0, backlog=BACKLOG)
    tcp = await asyncio.start_server(serve_tcp, "127.0.0.1", 0, backlog=BACKLOG)
    print(f"http 127.0.0.1:{http.sockets[0].getsockname()[1]}", flush=True)
    print(f"tcp 127.0.0.1:{tcp.sockets[0].getsockname()[1]}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    http.close()
    tcp.close()
    print(f"served {counts['http_requests']} http requests, "
          f"{counts['tcp_connections']} tcp connections", file=sys.stderr, flush=True)


if __name__ == "__main__":
    asyncio.run(main())
