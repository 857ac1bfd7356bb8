#!/usr/bin/env python3
"""Resident memory of a server holding many idle keep-alive connections.

Opens COUNT connections to 127.0.0.1:PORT, sends one `GET /healthz` on each and reads its answer
(so the server has accepted the connection and built its per-connection state), keeps them all
open and idle, then reads the server's VmRSS from /proc/PID/status. Prints one JSON object:
rss before and after (KiB), how many connections were opened, answered 200 (and every status
seen: a 503 is the server's connection cap), and still open when
the RSS was read (a server may close idle connections or refuse past a cap: that is reported,
not hidden).

Usage: idle.py --pid PID --port PORT [--count 10000] [--settle 2]
The file-descriptor limit is raised to the hard limit (the shell's `ulimit -n`).
"""

import argparse
import json
import resource
import select
import socket
import sys
import time

REQUEST = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def readable(sock, timeout):
    """poll(2), not select(2): descriptors past 1024 are the point of this script."""
    poller = select.poll()
    poller.register(sock, select.POLLIN | select.POLLHUP | select.POLLERR)
    return bool(poller.poll(timeout * 1000))


def read_response(sock, deadline):
    """Reads one small response (head and Content-Length body); its status code, or None."""
    data = b""
    while time.monotonic() < deadline:
        if not readable(sock, max(0.0, deadline - time.monotonic())):
            return None
        chunk = sock.recv(4096)
        if not chunk:
            return None
        data += chunk
        head_end = data.find(b"\r\n\r\n")
        if head_end < 0:
            continue
        length = 0
        for line in data[:head_end].split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        if len(data) >= head_end + 4 + length:
            return int(data[9:12]) if data.startswith(b"HTTP/1.") else None
    return None


def still_open(sock):
    """An idle connection that the server closed reads as EOF (or a reset) without blocking."""
    if not readable(sock, 0):
        return True
    try:
        return sock.recv(1, socket.MSG_PEEK) != b""
    except OSError:
        return False


def measure(pid, port, count, settle, time_limit=60.0):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    before = rss_kib(pid)
    sockets, answered, failures, statuses = [], 0, {}, {}
    deadline = time.monotonic() + time_limit
    for _ in range(count):
        if time.monotonic() > deadline:
            failures["time limit"] = failures.get("time limit", 0) + 1
            break
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.sendall(REQUEST)
            sockets.append(sock)
            status = read_response(sock, time.monotonic() + 5)
            statuses[str(status)] = statuses.get(str(status), 0) + 1
            if status == 200:
                answered += 1
        except OSError as error:
            key = type(error).__name__ + (f" errno {error.errno}" if error.errno else "")
            failures[key] = failures.get(key, 0) + 1
            if len(failures) and sum(failures.values()) > 100:
                break
    time.sleep(settle)
    after = rss_kib(pid)
    open_count = sum(1 for s in sockets if still_open(s))
    for sock in sockets:
        sock.close()
    return {
        "requested": count, "opened": len(sockets), "answered": answered, "open_at_measure": open_count,
        "statuses": statuses,
        "rss_before_kib": before, "rss_after_kib": after,
        "rss_delta_kib": after - before, "failures": failures, "fd_limit": hard,
        "kib_per_open_connection": round((after - before) / open_count, 2) if open_count else None,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--settle", type=float, default=2.0)
    args = parser.parse_args()
    json.dump(measure(args.pid, args.port, args.count, args.settle), sys.stdout)
    print()


if __name__ == "__main__":
    main()
