"""Pieces several checks share: a ledger of acknowledged writes and a writer loop."""

import http.client
import json
import threading
import time

import lib


class Ledger:
    """Writes the server acknowledged (2xx with an id): id → title. Guarded by a lock because many
    client threads add to it."""

    def __init__(self):
        self.lock = threading.Lock()
        self.acked = {}
        self.statuses = {}
        self.errors = 0
        self.error_samples = []

    def count(self, status):
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1

    def error(self, e):
        with self.lock:
            self.errors += 1
            if len(self.error_samples) < 5:
                self.error_samples.append("%s: %s" % (type(e).__name__, e))

    def ack(self, story_id, title):
        with self.lock:
            self.acked[story_id] = title

    def ids(self):
        with self.lock:
            return list(self.acked)

    def server_errors(self):
        with self.lock:
            return sum(n for s, n in self.statuses.items() if s >= 500)


def story_from(status, body):
    """(id, title) from a 200/201 story response, or None."""
    if status not in (200, 201):
        return None
    try:
        doc = json.loads(body)
        return doc["id"], doc.get("title")
    except (ValueError, KeyError, TypeError):
        return None


def writer(port_ref, ledger, tag, stop, max_writes, keep_alive=True):
    """Posts distinct transcripts until `stop` is set or `max_writes` were sent. Acknowledged writes
    go into the ledger; failures of the transport (e.g. the server was killed) end this writer's
    connection and it reconnects, up to the bound."""
    conn = None
    for i in range(max_writes):
        if stop.is_set():
            break
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port_ref(), timeout=30)
            status, _, body = lib.post_story(port_ref(), lib.transcript("%s-%d" % (tag, i), i), conn=conn if keep_alive else None)
            ledger.count(status)
            got = story_from(status, body)
            if got:
                ledger.ack(*got)
        except (OSError, http.client.HTTPException) as e:
            ledger.error(e)
            if conn is not None:
                conn.close()
            conn = None
            if stop.wait(0.05):
                break
    if conn is not None:
        conn.close()


def verify_acked(ctx, port, ledger, what):
    """Every acknowledged story is served with the title it was acknowledged with."""
    missing, wrong = [], []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        for story_id, title in sorted(ledger.acked.items()):
            status, _, body = lib.request(port, "GET", "/stories/%d" % story_id, conn=conn)
            if status != 200:
                missing.append((story_id, status))
                continue
            got = json.loads(body).get("title")
            if got != title:
                wrong.append((story_id, title, got))
    finally:
        conn.close()
    ctx.expect(not missing, "%s: every acknowledged story (%d) is served (GET 200)" % (what, len(ledger.acked)),
               "missing: %s" % missing[:10])
    ctx.expect(not wrong, "%s: every acknowledged story keeps its title" % what, "wrong: %s" % wrong[:5])
    return not missing and not wrong


def integrity_check(path):
    import sqlite3
    con = sqlite3.connect(path, timeout=10)
    try:
        return [row[0] for row in con.execute("PRAGMA integrity_check")]
    finally:
        con.close()


def spread(threads, deadline_seconds):
    """Joins `threads` within a bounded time; returns those still running."""
    end = time.monotonic() + deadline_seconds
    for t in threads:
        t.join(max(0.0, end - time.monotonic()))
    return [t for t in threads if t.is_alive()]
