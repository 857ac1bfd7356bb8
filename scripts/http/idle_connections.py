#!/usr/bin/env python3
"""Holds N idle keep-alive connections against a running server and reports its RSS.

Each connection sends one request and reads the answer, so the server has fully set it up
(parsed, answered, and parked it as an idle keep-alive connection); then all are held open.

Usage: idle_connections.py PORT SERVER_PID [COUNT] [PATH]
PATH defaults to /idle; any answer that keeps the connection open counts (e.g. /healthz on the
real service).
Prints one JSON line: rss_before_kib, rss_after_kib, per_connection_bytes, connections.
Raise the descriptor limit first (ulimit -n 20000); the script raises its own soft limit
to the hard limit.
"""
import json
import resource
import socket
import sys
import time


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def read_response(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise RuntimeError("connection closed before the answer")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(rest) < length:
        rest += sock.recv(4096)
    return head


def main():
    port, pid = int(sys.argv[1]), int(sys.argv[2])
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 5000
    path = sys.argv[4] if len(sys.argv) > 4 else "/idle"
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    before = rss_kib(pid)
    sockets = []
    for i in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode())
        head = read_response(s)
        if not head.startswith(b"HTTP/1.1 2") or b"connection: close" in head.lower():
            raise RuntimeError(f"connection {i} not kept alive: {head.splitlines()[0]!r}")
        sockets.append(s)
    time.sleep(1.0)
    after = rss_kib(pid)
    print(json.dumps({
        "connections": len(sockets),
        "rss_before_kib": before,
        "rss_after_kib": after,
        "per_connection_bytes": round((after - before) * 1024 / max(1, len(sockets))),
    }))
    for s in sockets:
        s.close()


if __name__ == "__main__":
    main()
