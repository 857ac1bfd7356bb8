"""Slow clients: slowloris connections that trickle header bytes, and clients that never read a
large response. Normal clients keep being served (their p99 is reported with and without the
attack; only that they are served is asserted), and the server cuts the slow ones off by its
header-read and write deadlines (checked as: each slow connection is closed by the server within
a bounded wait, and the server's descriptor count comes back down)."""

import errno
import http.client
import os
import re
import socket
import threading
import time

import lib

# The server's defaults (Sources/Transport/ServerConfiguration.swift): a complete head within 10 s,
# write progress within 30 s. The short form sets shorter ones through the environment; the waits
# leave a generous margin over whichever applies.
DEFAULT_HEADER_DEADLINE = 10
DEFAULT_WRITE_DEADLINE = 30


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


def pipelined_client(port, n, pause, limit_s=60):
    """Sends `n` pipelined GET /openapi.json at once, then reads 16 KiB at a time with `pause`
    seconds between reads (a slow but steady reader). Returns the statuses received in order.

    Regression: on f73fc29, once more than 1 MiB of answers was queued the connection stopped
    parsing the requests it had already buffered, and answered 408 ("head not received in time")
    at the header deadline, although every head had arrived at the start."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
    s.settimeout(15)
    data = b""
    try:
        s.connect(("127.0.0.1", port))
        s.sendall(b"GET /openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" * n)
        end = time.monotonic() + limit_s
        while time.monotonic() < end:
            chunk = s.recv(16384)
            if not chunk:
                break
            data += chunk
            if data.count(b"HTTP/1.1 ") >= n and lib.response_complete(data[data.rfind(b"HTTP/1.1 "):]):
                break
            if pause:
                time.sleep(pause)
    except OSError:
        pass
    finally:
        s.close()
    return [int(x) for x in re.findall(rb"HTTP/1\.1 (\d{3}) ", data)]


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
    env = {}
    header_deadline, write_deadline = DEFAULT_HEADER_DEADLINE, DEFAULT_WRITE_DEADLINE
    if p.get("header_deadline"):
        header_deadline = p["header_deadline"]
        env["STORYARCHIVE_HTTP_HEADER_READ_TIMEOUT_SECONDS"] = str(header_deadline)
    if p.get("write_deadline"):
        write_deadline = p["write_deadline"]
        env["STORYARCHIVE_HTTP_WRITE_TIMEOUT_SECONDS"] = str(write_deadline)
    ctx.figure("deadlines_s", "header %s, write %s" % (header_deadline, write_deadline))
    header_wait = header_deadline + 20
    # The write deadline counts time without progress; against a peer with a tiny window the
    # kernel keeps absorbing a little for a while (and the server keeps answering the pipelined
    # requests meanwhile), so cutting a non-reader off takes longer than the deadline itself:
    # ~16 s on a debug build, ~46 s on an AddressSanitizer build with an 8 s deadline.
    write_wait = write_deadline + 60
    lib.raise_nofile(p["slowloris"] + p["nonreaders"] + 1024)
    d = ctx.tempdir("db")
    with lib.Server(ctx.binary, os.path.join(d, "archive.sqlite"), nofile=p["slowloris"] + p["nonreaders"] + 2048,
                    env=env) as server:
        for i in range(5):
            lib.post_story(server.port, lib.transcript("slow-seed-%d" % i, i))
        base_lat, base_fail = normal_clients(server.port, 5, 4, 400)
        fast = pipelined_client(server.port, 60, 0)
        ctx.expect(fast == [200] * 60, "60 pipelined requests (2.7 MB of answers), fast reader: 60 x 200",
                   "got %d answers, last %s" % (len(fast), fast[-3:]))
        # The slow but steady pipelined reader runs alongside the attack: it takes longer than the
        # header deadline (10 s) and must still get every answer.
        slow_reader = {}
        slow_thread = threading.Thread(target=lambda: slow_reader.update(st=pipelined_client(server.port, 40, 0.08)), daemon=True)
        slow_thread.start()
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
            # Bounded: at most header_wait seconds, one byte per open connection per second.
            end = time.monotonic() + header_wait
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
        attack_lat, attack_fail = normal_clients(server.port, min(8, header_deadline), 4, 400)

        # The header deadline closes the slowloris connections.
        t_attack = time.monotonic()
        loris_closed = lib.wait_until(lambda: all(closed_by_peer(s) for s in loris), header_wait, interval=0.5)
        n_loris_closed = sum(1 for s in loris if closed_by_peer(s))
        stop_trickle.set()
        t.join(5)
        # The write deadline closes the non-readers: their descriptors leave the server.
        sinks_gone = lib.wait_until(lambda: (lib.open_fds(server.pid) or 10 ** 9) <= fds_before + 5,
                                    write_wait, interval=0.5)
        fds_after = lib.open_fds(server.pid)
        waited = time.monotonic() - t_attack
        for s in loris + sinks:
            s.close()

        slow_thread.join(60)
        got = slow_reader.get("st", [])
        ctx.expect(got == [200] * 40, "40 pipelined requests read slowly (~12 s, past the %s s header deadline): 40 x 200" % header_deadline,
                   "got %d answers, last %s" % (len(got), got[-3:]))
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
