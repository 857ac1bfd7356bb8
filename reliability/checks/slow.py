"""Slow clients: slowloris connections that trickle header bytes, and clients that never read a
large response. Normal clients keep being served (their p99 is reported with and without the
attack; only that they are served is asserted), and the server cuts the slow ones off by its
header-read and write deadlines (checked as: each slow connection is closed by the server within
a bounded wait, and the server's descriptor count comes back down)."""

import errno
import http.client
import os
import socket
import threading
import time

import lib

# The server's defaults (Sources/Transport/ServerConfiguration.swift): a complete head within 10 s,
# write progress within 30 s. The waits below leave a generous margin over those.
HEADER_DEADLINE_WAIT = 10 + 20
WRITE_DEADLINE_WAIT = 30 + 30


def normal_clients(port, seconds, threads, max_requests):
    """A few well-behaved clients, each on a fresh connection per request (so that they need the
    accept path as well as the I/O queues). Returns (latencies, failures)."""
    latencies, failures = [], []
    stop = time.monotonic() + seconds

    def one():
        for i in range(max_requests):
            if time.monotonic() > stop:
                break
            path = "/healthz" if i % 2 else "/stories?limit=5"
            t0 = time.monotonic()
            try:
                status, _, _ = lib.request(port, "GET", path, timeout=30)
                if status != 200:
                    failures.append(status)
                else:
                    latencies.append(time.monotonic() - t0)
            except (OSError, http.client.HTTPException) as e:
                failures.append("%s: %s" % (type(e).__name__, e))
            time.sleep(0.02)

    ts = [threading.Thread(target=one, daemon=True) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(seconds + 60)
    return latencies, failures


def closed_by_peer(sock):
    """True if the server closed this connection (EOF or reset); drains what it sent (e.g. a 408)."""
    try:
        sock.setblocking(False)
        while True:
            data = sock.recv(65536)
            if not data:
                return True
    except BlockingIOError:
        return False
    except OSError as e:
        return e.errno in (errno.ECONNRESET, errno.EPIPE)


def run(ctx):
    p = ctx.p
    lib.raise_nofile(p["slowloris"] + p["nonreaders"] + 1024)
    d = ctx.tempdir("db")
    with lib.Server(ctx.binary, os.path.join(d, "archive.sqlite"), nofile=p["slowloris"] + p["nonreaders"] + 2048) as server:
        for i in range(5):
            lib.post_story(server.port, lib.transcript("slow-seed-%d" % i, i))
        base_lat, base_fail = normal_clients(server.port, 5, 4, 400)
        fds_before = lib.open_fds(server.pid)

        # Slowloris: a request line and one header byte at a time, a byte every second per connection.
        loris = []
        for _ in range(p["slowloris"]):
            s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            loris.append(s)

        # Non-readers: a tiny receive buffer and a pipeline of requests for the largest document;
        # they never read a byte.
        big_path = b"/openapi.json"
        status, _, big = lib.request(server.port, "GET", big_path.decode())
        sinks = []
        for _ in range(p["nonreaders"]):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.settimeout(10)
            s.connect(("127.0.0.1", server.port))
            try:
                s.sendall((b"GET " + big_path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") * 200)
            except OSError:
                pass
            sinks.append(s)
        ctx.figure("large_response_bytes", len(big))
        ctx.figure("attack", "%d slowloris + %d non-reading clients" % (len(loris), len(sinks)))
        fds_attack = lib.open_fds(server.pid)

        stop_trickle = threading.Event()

        def trickle():
            # Bounded: at most HEADER_DEADLINE_WAIT seconds, one byte per open connection per second.
            end = time.monotonic() + HEADER_DEADLINE_WAIT
            while time.monotonic() < end and not stop_trickle.is_set():
                for s in loris:
                    if s.fileno() < 0:
                        continue
                    try:
                        s.send(b"a")
                    except OSError:
                        pass
                stop_trickle.wait(1.0)

        t = threading.Thread(target=trickle, daemon=True)
        t.start()
        attack_lat, attack_fail = normal_clients(server.port, 8, 4, 400)

        # The header deadline closes the slowloris connections.
        t_attack = time.monotonic()
        loris_closed = lib.wait_until(lambda: all(closed_by_peer(s) for s in loris), HEADER_DEADLINE_WAIT - 8, interval=0.5)
        n_loris_closed = sum(1 for s in loris if closed_by_peer(s))
        stop_trickle.set()
        t.join(5)
        # The write deadline closes the non-readers: their descriptors leave the server.
        sinks_gone = lib.wait_until(lambda: (lib.open_fds(server.pid) or 10 ** 9) <= fds_before + 5,
                                    WRITE_DEADLINE_WAIT, interval=0.5)
        fds_after = lib.open_fds(server.pid)
        waited = time.monotonic() - t_attack
        for s in loris + sinks:
            s.close()

        ctx.figure("normal_p99_ms_without_attack", round(lib.percentile(base_lat, 99) * 1000, 1) if base_lat else None)
        ctx.figure("normal_p99_ms_during_attack", round(lib.percentile(attack_lat, 99) * 1000, 1) if attack_lat else None)
        ctx.figure("normal_requests_without_during", "%d / %d" % (len(base_lat), len(attack_lat)))
        ctx.figure("server_fds_before_during_after", "%s / %s / %s" % (fds_before, fds_attack, fds_after))
        ctx.figure("slow_connections_closed_within_s", round(waited, 1))
        ctx.expect(base_lat and not base_fail, "normal clients served before the attack", base_fail[:5])
        ctx.expect(attack_lat and not attack_fail, "normal clients served during the attack", attack_fail[:5])
        ctx.expect(loris_closed, "every slowloris connection closed by the server (header deadline)",
                   "%d of %d closed" % (n_loris_closed, len(loris)))
        ctx.expect(sinks_gone, "non-reading clients cut off (write deadline): server descriptors back to %s + 5" % fds_before,
                   "now %s" % fds_after)
        status, _, _ = lib.request(server.port, "GET", "/healthz")
        ctx.expect(status == 200, "GET /healthz 200 after the attack", status)
        ctx.expect(server.terminate() == 0, "SIGTERM after the attack: exit status 0")
