"""Graceful shutdown: SIGTERM under load. Requests already being processed complete (their clients
get a whole response, never a reset), new connections are refused once the signal is in, and the
process exits 0."""

import errno
import http.client
import os
import signal
import socket
import threading
import time

import lib
from checks.common import spread


def connect_refused(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(2)
    try:
        return s.connect_ex(("127.0.0.1", port)) == errno.ECONNREFUSED
    finally:
        s.close()


def load_client(port, i, stop, outcome, lock):
    conn = None
    for n in range(100000):
        if stop.is_set():
            break
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            if n % 4 == 0:
                status, _, _ = lib.post_story(port, lib.transcript("sd-%d-%d" % (i, n), n), conn=conn)
            else:
                status, _, _ = lib.request(port, "GET", "/stories?limit=10", conn=conn)
            key = str(status)
        except ConnectionRefusedError:
            key = "refused"  # the listener is closed: the shutdown began
        except http.client.RemoteDisconnected:
            key = "closed before answering"  # an idle keep-alive connection closed by the shutdown
        except http.client.IncompleteRead:
            key = "INCOMPLETE"  # a response cut off mid-way: what graceful shutdown must prevent
        except (OSError, http.client.HTTPException) as e:
            key = type(e).__name__
        with lock:
            outcome[key] = outcome.get(key, 0) + 1
        if key not in ("200", "201"):
            if conn is not None:
                conn.close()
            conn = None
            if key == "refused":
                break
            time.sleep(0.05)
    if conn is not None:
        conn.close()


def run(ctx):
    d = ctx.tempdir("db")
    with lib.Server(ctx.binary, os.path.join(d, "archive.sqlite")) as server:
        port = server.port
        for i in range(3):
            lib.post_story(port, lib.transcript("sd-seed-%d" % i, i))
        stop = threading.Event()
        outcome, lock = {}, threading.Lock()
        threads = [threading.Thread(target=load_client, args=(port, i, stop, outcome, lock), daemon=True)
                   for i in range(ctx.p["shutdown_clients"])]
        for t in threads:
            t.start()
        time.sleep(2)

        # In flight: heads received and half the bodies, when the signal arrives.
        inflight = []
        for i in range(4):
            body = lib.transcript("sd-inflight-%d" % i, i).encode()
            head = ("POST /stories HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                    "Content-Type: text/plain\r\nContent-Length: %d\r\n\r\n" % (lib.TOKEN, len(body))).encode()
            s = socket.create_connection(("127.0.0.1", port), timeout=20)
            s.sendall(head + body[: len(body) // 2])
            inflight.append((s, body[len(body) // 2:]))
        time.sleep(0.3)
        server.proc.send_signal(signal.SIGTERM)
        t_signal = time.monotonic()

        refused = lib.wait_until(lambda: connect_refused(port), 5, interval=0.1)
        ctx.expect(refused, "new connections are refused after SIGTERM (while in-flight requests are still open)")
        ctx.expect(server.alive(), "the server waits for its in-flight requests instead of exiting at once")

        answers = []
        for s, rest in inflight:
            try:
                s.sendall(rest)
                data = b""
                s.settimeout(20)
                while not lib.response_complete(data):
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                answers.append(lib.first_status(data) if lib.response_complete(data) else "incomplete: %r" % data[:80])
            except OSError as e:
                answers.append("%s" % type(e).__name__)
            finally:
                s.close()
        ctx.figure("inflight_answers", answers)
        ctx.expect(all(a == 201 for a in answers), "every in-flight request completes with its 201", answers)

        try:
            code = server.proc.wait(timeout=30)
        except Exception:
            code = None
        ctx.figure("exit_after_signal_s", round(time.monotonic() - t_signal, 2))
        stop.set()
        stuck = spread(threads, 40)
        ctx.figure("load_outcomes_around_the_signal", dict(sorted(outcome.items())))
        ctx.expect(code == 0, "exit status 0 after SIGTERM", code)
        ctx.expect(not stuck, "load clients finished")
        ctx.expect(outcome.get("INCOMPLETE", 0) == 0, "no load client saw a response cut off mid-way", outcome)
        bad = {k: v for k, v in outcome.items() if k.isdigit() and int(k) >= 500 and k != "503"}
        ctx.expect(not bad, "no response >= 500 (other than 503) around the shutdown", bad)
        ctx.expect(connect_refused(port), "connections refused after exit")
