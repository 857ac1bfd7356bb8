#!/usr/bin/env python3
"""Start-up to ready: time from spawning the server until `GET /readyz` answers 200.

Spawns `BINARY serve --db DB --port PORT --log-level warning` RUNS times, polls /readyz with a
fresh connection every millisecond from the moment of spawn, records the time of the first 200,
then stops the server with SIGTERM (killed after 10 s). Prints one JSON object with every run
and the median, in milliseconds.

Usage: startup.py --binary PATH --db PATH --port PORT [--runs 5] [--time-limit 30]
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time


def ready(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            data = sock.recv(64)
            return data.startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def once(binary, db, port, time_limit, env):
    started = time.monotonic()
    process = subprocess.Popen(
        [binary, "serve", "--db", db, "--port", str(port), "--log-level", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
    )
    elapsed = None
    try:
        while time.monotonic() - started < time_limit:
            if ready(port):
                elapsed = time.monotonic() - started
                break
            if process.poll() is not None:
                break
            time.sleep(0.001)
    finally:
        process.terminate()
        try:
            _, err = process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            _, err = process.communicate()
    if elapsed is None:
        raise RuntimeError(f"the server was not ready within {time_limit}s: {err.decode(errors='replace')[-500:]}")
    return elapsed * 1000


def measure(binary, db, port, runs, time_limit=30.0, env=None):
    times = [round(once(binary, db, port, time_limit, env or os.environ.copy()), 1) for _ in range(runs)]
    return {"runs_ms": times, "median_ms": round(statistics.median(times), 1), "min_ms": min(times)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--time-limit", type=float, default=30.0)
    args = parser.parse_args()
    json.dump(measure(args.binary, args.db, args.port, args.runs, args.time_limit), sys.stdout)
    print()


if __name__ == "__main__":
    main()
