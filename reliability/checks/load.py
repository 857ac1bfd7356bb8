"""Sustained mixed load: many clients read and write for a bounded time. Requirements: no response
≥ 500, no transport error, every acknowledged write readable afterwards, memory flat."""

import http.client
import os
import random
import threading
import time

import lib
from checks.common import Ledger, spread, verify_acked, writer

READ_PATHS = ["/stories/{id}", "/stories/{id}/quotes", "/stories/{id}/speakers", "/stories?limit=20",
              "/speakers?limit=20", "/quotes?q=change", "/healthz", "/stories?q=district"]


def reader(port, ledger, stop, seed, max_requests, latencies):
    rng = random.Random(seed)
    conn = None
    for _ in range(max_requests):
        if stop.is_set():
            break
        ids = ledger.ids()
        path = rng.choice(READ_PATHS)
        if "{id}" in path:
            if not ids:
                path = "/healthz"
            else:
                path = path.format(id=rng.choice(ids))
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            t0 = time.monotonic()
            status, _, _ = lib.request(port, "GET", path, conn=conn, headers={"Accept-Encoding": "gzip"})
            latencies.append(time.monotonic() - t0)
            ledger.count(status)
        except (OSError, http.client.HTTPException) as e:
            ledger.error(e)
            if conn is not None:
                conn.close()
            conn = None
    if conn is not None:
        conn.close()


def trend_kib_per_s(samples):
    """Least-squares slope of RSS over time (KiB/s)."""
    n = len(samples)
    if n < 2:
        return 0.0
    mt = sum(t for t, _ in samples) / n
    mr = sum(r for _, r in samples) / n
    den = sum((t - mt) ** 2 for t, _ in samples) or 1.0
    return sum((t - mt) * (r - mr) for t, r in samples) / den


def run(ctx):
    p = ctx.p
    d = ctx.tempdir("db")
    with lib.Server(ctx.binary, os.path.join(d, "archive.sqlite")) as server:
        ledger = Ledger()
        stop = threading.Event()
        samples = []
        latencies = []
        t_start = time.monotonic()

        def sample():
            while not stop.wait(0.5):
                r = lib.rss_kb(server.pid)
                if r is not None:
                    samples.append((time.monotonic() - t_start, r))

        port = server.port
        threads = [threading.Thread(target=sample, daemon=True)]
        threads += [threading.Thread(target=writer, args=(lambda: port, ledger, "load%d" % w, stop, 100000), daemon=True)
                    for w in range(p["load_writers"])]
        threads += [threading.Thread(target=reader, args=(port, ledger, stop, r, 1000000, latencies), daemon=True)
                    for r in range(p["load_readers"])]
        for t in threads:
            t.start()
        stop.wait(p["load_seconds"])
        stop.set()
        stuck = spread(threads, 60)
        elapsed = time.monotonic() - t_start
        ctx.expect(not stuck, "every client finished within 60 s of the end", "%d still running" % len(stuck))

        total = sum(ledger.statuses.values())
        ctx.figure("duration_s", round(elapsed, 1))
        ctx.figure("clients", "%d writers + %d readers" % (p["load_writers"], p["load_readers"]))
        ctx.figure("responses", total)
        ctx.figure("requests_per_s", round(total / elapsed, 1))
        ctx.figure("statuses", dict(sorted(ledger.statuses.items())))
        ctx.figure("acknowledged_writes", len(ledger.acked))
        if latencies:
            ctx.figure("read_p50_ms", round(lib.percentile(latencies, 50) * 1000, 1))
            ctx.figure("read_p99_ms", round(lib.percentile(latencies, 99) * 1000, 1))
        ctx.expect(total > 0 and len(ledger.acked) > 0, "the load made progress (responses and acknowledged writes)")
        ctx.expect(ledger.server_errors() == 0, "no response >= 500", ledger.statuses)
        ctx.expect(ledger.errors == 0, "no transport error (reset, timeout) on any client", ledger.error_samples)
        unexpected = {s: n for s, n in ledger.statuses.items() if s not in (200, 201)}
        ctx.expect(not unexpected, "every response is 200 or 201", unexpected)
        ctx.expect(server.alive(), "the server is still running")
        verify_acked(ctx, server.port, ledger, "after load")

        rss = [r for _, r in samples]
        if len(rss) >= 4:
            half = len(rss) // 2
            first, second = rss[:half], rss[half:]
            m1, m2 = sum(first) / len(first), sum(second) / len(second)
            ctx.figure("rss_kib_first_last_max", "%d / %d / %d" % (rss[0], rss[-1], max(rss)))
            ctx.figure("rss_kib_mean_first_half_second_half", "%d / %d" % (m1, m2))
            ctx.figure("rss_trend_kib_per_s", round(trend_kib_per_s(samples), 1))
            # Tolerant on purpose: caches warm up in the first half. A leak per request grows without bound.
            ctx.expect(m2 <= m1 * 1.5 + 16 * 1024, "memory flat: second half's mean RSS <= 1.5 x first half's + 16 MiB",
                       "%d KiB vs %d KiB" % (m2, m1))
        else:
            ctx.expect(False, "RSS sampled at least 4 times", samples)
        code = server.terminate()
        ctx.expect(code == 0, "SIGTERM after the load: exit status 0", code)
