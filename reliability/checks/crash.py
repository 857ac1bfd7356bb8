"""Crash durability: SIGKILL the server while several clients write, restart it on the same
database, and require every acknowledged (2xx) story to be there with its title, and
`PRAGMA integrity_check` to say ok. Repeated a few times on the same file."""

import os
import threading
import time

import lib
from checks.common import Ledger, integrity_check, spread, verify_acked, writer


def run(ctx):
    p = ctx.p
    d = ctx.tempdir("db")
    db = os.path.join(d, "archive.sqlite")
    server = lib.Server(ctx.binary, db)
    all_acked = Ledger()
    try:
        server.start()
        for rnd in range(p["crash_rounds"]):
            ledger = Ledger()
            stop = threading.Event()
            port = server.port
            threads = [threading.Thread(target=writer, args=(lambda: port, ledger, "crash%d-%d" % (rnd, w), stop, 100000),
                                        daemon=True) for w in range(p["crash_writers"])]
            for t in threads:
                t.start()
            # Let the writers get going, then kill while they are mid-write.
            lib.wait_until(lambda: len(ledger.acked) >= 5, 30)
            time.sleep(p["crash_seconds"])
            before = len(ledger.acked)
            server.kill()
            killed_status = server.proc.returncode
            stop.set()
            stuck = spread(threads, 40)
            ctx.expect(not stuck, "round %d: writers stopped after the kill" % (rnd + 1), "%d still running" % len(stuck))
            ctx.expect(killed_status == -9, "round %d: the server died of SIGKILL" % (rnd + 1), killed_status)
            ctx.figure("round%d_acknowledged" % (rnd + 1), "%d (%d when the kill was sent), %d failed/unanswered" % (
                len(ledger.acked), before, ledger.errors))
            ctx.expect(before > 0, "round %d: writes were acknowledged before the kill (else the check proves nothing)" % (rnd + 1))
            ctx.expect(ledger.server_errors() == 0, "round %d: no response >= 500 before the kill" % (rnd + 1), ledger.statuses)
            for k, v in ledger.acked.items():
                all_acked.ack(k, v)
            server.restart()
            # Everything acknowledged in this round and every earlier one is still there.
            verify_acked(ctx, server.port, all_acked, "round %d after restart" % (rnd + 1))
        code = server.terminate()
        ctx.expect(code == 0, "SIGTERM after the last round: exit status 0", code)
        result = integrity_check(db)
        ctx.expect(result == ["ok"], "PRAGMA integrity_check on the file after %d kills says ok" % p["crash_rounds"], result[:5])
        ctx.figure("stories_acknowledged_total", len(all_acked.acked))
    finally:
        server.kill()
