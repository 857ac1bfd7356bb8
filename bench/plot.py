#!/usr/bin/env python3
"""Draws the benchmark chart from a bench/run results.json.

Two panels per route measured on all servers (quotes and healthz on the largest database):
requests/s against connections, and p99 latency against connections, one line per server.
Needs matplotlib (bench/run installs it into bench/.venv).

Usage: plot.py RESULTS_JSON OUT_PNG
"""

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COLOURS = {"ours": "#1f77b4", "hummingbird": "#ff7f0e", "nginx": "#2ca02c"}
LABELS = {"ours": "StoryArchive", "hummingbird": "Hummingbird 2 peer", "nginx": "nginx (static file)"}


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    with open(sys.argv[1]) as f:
        results = json.load(f)
    rows = results.get("load", [])
    if not rows:
        raise SystemExit("no load figures in " + sys.argv[1])
    size = max(r["stories"] for r in rows)
    routes = [route for route in ("quotes", "healthz", "story", "search")
              if any(r["route"] == route and r["stories"] == size for r in rows)]
    fig, axes = plt.subplots(len(routes), 2, figsize=(11, 3.6 * len(routes)), squeeze=False)
    for row, route in enumerate(routes):
        for column, (key, title) in enumerate((("rps", "requests/s"), ("p99_ms", "p99 latency (ms)"))):
            ax = axes[row][column]
            for server in ("ours", "hummingbird", "nginx"):
                points = sorted((r["connections"], r[key]) for r in rows
                                if r["server"] == server and r["route"] == route and r["stories"] == size)
                if points:
                    xs, ys = zip(*points)
                    ax.plot(xs, ys, marker="o", color=COLOURS[server], label=LABELS[server])
            ax.set_xscale("log", base=2)
            ticks = sorted({r["connections"] for r in rows})
            ax.set_xticks(ticks)
            ax.set_xticklabels([str(t) for t in ticks])
            ax.set_xlabel("connections")
            ax.set_ylabel(title)
            path = {"quotes": "GET /stories/{id}/quotes", "healthz": "GET /healthz",
                    "story": "GET /stories/{id}", "search": "GET /quotes?q="}[route]
            ax.set_title(f"{path}: {title}, {size:,} stories")
            ax.grid(True, alpha=0.3)
            if column == 0:
                ax.set_ylim(bottom=0)
            else:
                ax.set_yscale("log")
            ax.legend(fontsize=8)
    machine = results.get("machine", {})
    fig.suptitle(f"{machine.get('nproc')} cores, {machine.get('cpu_model')}; wrk on the same machine; "
                 f"{results.get('duration_s')} s per step; run {results.get('started')}", fontsize=9)
    fig.tight_layout()
    fig.savefig(sys.argv[2], dpi=110)


if __name__ == "__main__":
    main()
