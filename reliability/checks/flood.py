"""Connection flood: many connections opened at once. The server stays up, serves what it can,
refuses the rest cleanly (503 or a close — never a crash), and is healthy afterwards."""

import errno
import os
import selectors
import socket
import time

import lib

REQUEST = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"


def run(ctx):
    n = ctx.p["flood"]
    limit = lib.raise_nofile(n + 512)
    if limit < n + 64:
        raise lib.Skip("cannot raise this process's descriptor limit to %d (have %d)" % (n + 64, limit))
    d = ctx.tempdir("db")
    with lib.Server(ctx.binary, os.path.join(d, "archive.sqlite"), nofile=n + 1024) as server:
        sel = selectors.DefaultSelector()
        outcome = {"200": 0, "503": 0, "other": 0, "closed": 0, "reset": 0, "refused": 0, "timeout": 0}
        buffers = {}
        t0 = time.monotonic()
        # Open them all at once: non-blocking connects, then the requests as each becomes writable.
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            err = s.connect_ex(("127.0.0.1", server.port))
            if err not in (0, errno.EINPROGRESS):
                outcome["refused"] += 1
                s.close()
                continue
            buffers[s] = b""
            sel.register(s, selectors.EVENT_WRITE)
        opened = len(buffers)
        deadline = time.monotonic() + 60
        pending = set(buffers)
        while pending and time.monotonic() < deadline:
            for key, events in sel.select(timeout=1.0):
                s = key.fileobj
                if events & selectors.EVENT_WRITE:
                    try:
                        s.send(REQUEST)
                        sel.modify(s, selectors.EVENT_READ)
                    except OSError as e:
                        outcome["refused" if e.errno == errno.ECONNREFUSED else "reset"] += 1
                        sel.unregister(s)
                        pending.discard(s)
                        s.close()
                    continue
                try:
                    chunk = s.recv(65536)
                except OSError as e:
                    chunk = None
                    outcome["reset" if e.errno != errno.ECONNREFUSED else "refused"] += 1
                if chunk:
                    buffers[s] += chunk
                    continue
                if chunk is not None:
                    status = lib.first_status(buffers[s])
                    if status == 200:
                        outcome["200"] += 1
                    elif status == 503:
                        outcome["503"] += 1
                    elif status is None:
                        outcome["closed"] += 1
                    else:
                        outcome["other"] += 1
                        if outcome["other"] < 3:
                            print("    unexpected answer: %r" % buffers[s][:200])
                sel.unregister(s)
                pending.discard(s)
                s.close()
        outcome["timeout"] = len(pending)
        for s in pending:
            sel.unregister(s)
            s.close()
        sel.close()
        elapsed = time.monotonic() - t0
        ctx.figure("connections", "%d attempted, %d opened" % (n, opened))
        ctx.figure("outcome", outcome)
        ctx.figure("seconds_until_all_settled", round(elapsed, 1))
        ctx.expect(server.alive(), "the server survived %d simultaneous connections" % n, server.log_tail())
        ctx.expect(outcome["200"] > 0, "it served some of them")
        ctx.expect(outcome["other"] == 0, "every answer is 200 or 503 (no 5xx other than a clean 503)")
        ctx.expect(outcome["timeout"] == 0, "every connection was answered or closed within 60 s", outcome["timeout"])
        status, _, _ = lib.request(server.port, "GET", "/healthz")
        ctx.expect(status == 200, "GET /healthz 200 after the flood", status)
        status, _, body = lib.post_story(server.port, lib.transcript("after-flood"))
        ctx.expect(status == 201, "a POST works after the flood", (status, body[:200]))
        ctx.expect(server.terminate() == 0, "SIGTERM after the flood: exit status 0")
