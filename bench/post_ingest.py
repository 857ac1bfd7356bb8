#!/usr/bin/env python3
"""Ingest through `POST /stories` from several keep-alive clients.

Two uses:
  * rate:  --duration S   post fresh generated transcripts for S seconds (bounded), report stories/s
  * seed:  --count N      post stories --start .. --start+N-1 once each (the fallback seeder while
                          `storyarchive import` is not on main), bounded by --time-limit

Transcripts come from generate.py (same seed, same bytes). Client i of C posts indexes
start+i, start+i+C, ... so no two clients send the same transcript. Prints one JSON object.

Usage: post_ingest.py --port PORT --token TOKEN [--clients 8] (--duration S | --count N) [--start I]
"""

import argparse
import http.client
import json
import statistics
import sys
import threading
import time

from generate import Generator


def client(port, token, indexes, generator, stop_at, result):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/plain; charset=utf-8"}
    latencies, statuses = [], {}
    for index in indexes:
        if time.monotonic() >= stop_at:
            break
        body = generator.transcript(index).encode()
        started = time.monotonic()
        try:
            conn.request("POST", "/stories", body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        except (OSError, http.client.HTTPException) as error:
            status = type(error).__name__
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        latencies.append(time.monotonic() - started)
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    conn.close()
    result["latencies"] = latencies
    result["statuses"] = statuses


def run(port, token, clients, start, count=None, duration=None, time_limit=600.0, seed=1):
    generator = Generator(seed)
    began = time.monotonic()
    stop_at = began + (duration if duration is not None else time_limit)
    end = start + (count if count is not None else 10_000_000)
    results = [{} for _ in range(clients)]
    threads = [
        threading.Thread(target=client, args=(port, token, range(start + i, end, clients), generator, stop_at, results[i]))
        for i in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    latencies = sorted(l for r in results for l in r.get("latencies", []))
    statuses = {}
    for r in results:
        for k, v in r.get("statuses", {}).items():
            statuses[k] = statuses.get(k, 0) + v
    created = statuses.get("201", 0)
    return {
        "clients": clients, "seconds": round(elapsed, 3), "requests": len(latencies), "statuses": statuses,
        "created": created, "created_per_s": round(created / elapsed, 1) if elapsed else 0,
        "p50_ms": round(statistics.median(latencies) * 1000, 2) if latencies else None,
        "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000, 2) if latencies else None,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=float)
    parser.add_argument("--count", type=int)
    parser.add_argument("--time-limit", type=float, default=600.0)
    args = parser.parse_args()
    if (args.duration is None) == (args.count is None):
        parser.error("give exactly one of --duration and --count")
    out = run(args.port, args.token, args.clients, args.start, args.count, args.duration, args.time_limit, args.seed)
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
