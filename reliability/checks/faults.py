"""Faults: the disk fills up, the database becomes read-only, another process holds the write
lock. Writes get 503 with Retry-After (never another 5xx), reads keep working, nothing is
corrupted (`PRAGMA integrity_check`), and writes succeed again once the fault clears.

Staging needs root (mount a small tmpfs; a read-only bind mount). Where a fault cannot be staged
the check says so and skips."""

import os
import sqlite3
import subprocess
import threading
import time

import lib
from checks.common import integrity_check, story_from


def sh(*args):
    return subprocess.run(list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)


def mount_tmpfs(path, size):
    if os.geteuid() != 0:
        return "not root"
    r = sh("mount", "-t", "tmpfs", "-o", "size=%s" % size, "tmpfs", path)
    return None if r.returncode == 0 else r.stdout.decode(errors="replace").strip()


def umount(path):
    for _ in range(20):
        if sh("umount", path).returncode == 0:
            return True
        time.sleep(0.25)
    return sh("umount", "-l", path).returncode == 0


def post_until(port, tag, accept, attempts, pause=0.2):
    """POSTs fresh transcripts until a status in `accept` comes back; returns all (status, headers)."""
    seen = []
    for i in range(attempts):
        status, headers, body = lib.post_story(port, lib.transcript("%s-%d" % (tag, i), i), timeout=60)
        seen.append((status, headers, body))
        if status in accept:
            break
        time.sleep(pause)
    return seen


def expect_503s(ctx, what, seen):
    statuses = [s for s, _, _ in seen]
    ctx.figure(what + "_statuses", statuses if len(statuses) <= 12 else statuses[:6] + ["..."] + statuses[-4:])
    bad = [s for s in statuses if s >= 500 and s != 503]
    ctx.expect(not bad, "%s: no 5xx other than 503" % what, [(s, b[:200]) for s, _, b in seen if s >= 500 and s != 503][:3])
    refused = [(s, h) for s, h, _ in seen if s == 503]
    ctx.expect(refused, "%s: writes are refused with 503" % what, statuses)
    ctx.expect(all("retry-after" in h for _, h in refused), "%s: every 503 carries Retry-After" % what)


def disk_full(ctx):
    d = ctx.tempdir("diskfull")
    why = mount_tmpfs(d, "6m")
    if why:
        ctx.skip("disk full", "cannot mount a small tmpfs (%s)" % why)
        return
    try:
        db = os.path.join(d, "archive.sqlite")
        # The server's log goes elsewhere: it must not share the full file system.
        with lib.Server(ctx.binary, db, log_path=os.path.join(ctx.tempdir("diskfull-log"), "server.log")) as server:
            seed = [story_from(*lib.post_story(server.port, lib.transcript("full-seed-%d" % i, i))[::2]) for i in range(3)]
            # Fill the file system with a file of our own until the kernel says no more.
            filler = os.path.join(d, "filler")
            fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
            try:
                for _ in range(64 * 1024):
                    os.write(fd, b"\0" * 4096)
            except OSError:
                pass
            finally:
                os.close(fd)
            seen = post_until(server.port, "full", (503,), 200, pause=0.0)
            # Keep writing past the first refusal: the refusals must stay clean.
            seen += [lib.post_story(server.port, lib.transcript("full-more-%d" % i, i), timeout=60) for i in range(5)]
            expect_503s(ctx, "disk full", seen)
            ok = [s for s in seed if s]
            statuses = [lib.request(server.port, "GET", "/stories/%d" % sid)[0] for sid, _ in ok]
            ctx.expect(ok and all(s == 200 for s in statuses), "disk full: reads still work", statuses)
            os.remove(filler)
            after = post_until(server.port, "full-recovered", (201,), 20, pause=0.5)
            ctx.expect(after[-1][0] == 201, "disk full: writes succeed once space is freed",
                       [(s, b[:120]) for s, _, b in after[-3:]])
            ctx.expect(server.terminate() == 0, "disk full: SIGTERM, exit status 0")
        result = integrity_check(db)
        ctx.expect(result == ["ok"], "disk full: integrity_check ok", result[:3])
    finally:
        umount(d)


def read_only(ctx):
    """The database's file system made read-only. A mount in use for writing cannot be remounted
    read-only (EBUSY), so: create the database, stop, serve it through a read-only bind mount,
    then serve it read-write again."""
    if os.geteuid() != 0:
        ctx.skip("read-only", "needs root for a read-only bind mount (root ignores chmod 444)")
        return
    base = ctx.tempdir("readonly")
    rw = os.path.join(base, "rw")
    ro = os.path.join(base, "ro")
    os.mkdir(rw)
    os.mkdir(ro)
    db = os.path.join(rw, "archive.sqlite")
    with lib.Server(ctx.binary, db) as server:
        seed = story_from(*lib.post_story(server.port, lib.transcript("ro-seed", 1))[::2])
        ctx.expect(server.terminate() == 0, "read-only: the seeding server stopped cleanly")
    r = sh("mount", "--bind", rw, ro)
    if r.returncode != 0:
        ctx.skip("read-only", "bind mount failed: %s" % r.stdout.decode(errors="replace").strip())
        return
    try:
        r = sh("mount", "-o", "remount,bind,ro", ro)
        if r.returncode != 0:
            ctx.skip("read-only", "read-only remount failed: %s" % r.stdout.decode(errors="replace").strip())
            return
        server = lib.Server(ctx.binary, os.path.join(ro, "archive.sqlite"), log_path=os.path.join(base, "ro-server.log"))
        try:
            try:
                server.start(timeout=30)
                started = True
            except lib.CheckFailed as e:
                started = False
                ctx.figure("read_only_start", "refused to start: %s" % str(e).splitlines()[0])
                log = server.log_tail()
                ctx.expect(server.proc.returncode not in (None, 0, -11, -6, -4, -7),
                           "read-only: the server refuses to start with an error exit (no crash)", server.proc.returncode)
                ctx.expect("read" in log.lower() or "database" in log.lower(), "read-only: the refusal names the database",
                           log[-300:])
            if started:
                seen = post_until(server.port, "ro", (503,), 5)
                expect_503s(ctx, "read-only", seen)
                if seed:
                    status = lib.request(server.port, "GET", "/stories/%d" % seed[0])[0]
                    ctx.expect(status == 200, "read-only: reads still work", status)
                ctx.expect(server.terminate() == 0, "read-only: SIGTERM, exit status 0")
        finally:
            server.kill()
    finally:
        umount(ro)
    with lib.Server(ctx.binary, db) as server:
        status, _, body = lib.post_story(server.port, lib.transcript("ro-recovered", 2))
        ctx.expect(status == 201, "read-only: writes succeed on the read-write file again", (status, body[:200]))
        if seed:
            ctx.expect(lib.request(server.port, "GET", "/stories/%d" % seed[0])[0] == 200, "read-only: the seeded story survived")
        ctx.expect(server.terminate() == 0, "read-only: SIGTERM after recovery, exit status 0")
    result = integrity_check(db)
    ctx.expect(result == ["ok"], "read-only: integrity_check ok", result[:3])


def locked(ctx, hold_seconds=8):
    """Another process holds the write lock (BEGIN EXCLUSIVE) longer than the server's busy
    timeout (5 s): writes during the hold get 503 + Retry-After, reads keep working."""
    d = ctx.tempdir("locked")
    db = os.path.join(d, "archive.sqlite")
    with lib.Server(ctx.binary, db) as server:
        seed = story_from(*lib.post_story(server.port, lib.transcript("lock-seed", 3))[::2])
        holder_ready = threading.Event()
        release = threading.Event()

        def hold():
            con = sqlite3.connect(db, timeout=10, isolation_level=None)
            try:
                con.execute("BEGIN EXCLUSIVE")
                holder_ready.set()
                release.wait(hold_seconds)
                con.execute("ROLLBACK")
            finally:
                con.close()

        t = threading.Thread(target=hold, daemon=True)
        t.start()
        if not holder_ready.wait(15):
            ctx.expect(False, "locked: the test process took the write lock")
            return
        t0 = time.monotonic()
        status, headers, body = lib.post_story(server.port, lib.transcript("lock-during", 4), timeout=60)
        waited = time.monotonic() - t0
        read = lib.request(server.port, "GET", "/stories/%d" % seed[0])[0] if seed else None
        release.set()
        t.join(15)
        ctx.figure("locked_post", "%s after %.1f s, Retry-After %s" % (status, waited, headers.get("retry-after")))
        ctx.expect(status == 503 and "retry-after" in headers, "locked: a write during the lock gets 503 + Retry-After",
                   (status, body[:200]))
        ctx.expect(read == 200, "locked: reads still work while the lock is held", read)
        after = post_until(server.port, "lock-after", (201,), 10, pause=0.5)
        ctx.expect(after[-1][0] == 201, "locked: writes succeed once the lock is released", [s for s, _, _ in after])
        ctx.expect(server.terminate() == 0, "locked: SIGTERM, exit status 0")
    result = integrity_check(db)
    ctx.expect(result == ["ok"], "locked: integrity_check ok", result[:3])


def run(ctx):
    for name, fn in (("disk full", disk_full), ("read-only", read_only), ("locked", locked)):
        try:
            fn(ctx)
        except lib.Skip as e:
            ctx.skip(name, str(e))
