#!/bin/sh
# Builds the request-parser fuzzer and runs it for a bounded number of executions.
# Usage: fuzz/http/run.sh [runs]   (from the package root; default 1000000 runs)
set -eu
RUNS="${1:-1000000}"
OUT=.build/fuzz-http
mkdir -p "$OUT/corpus"
swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name HTTP1Fuzz \
    Sources/HTTP1/*.swift fuzz/http/FuzzRequestParser.swift -o "$OUT/fuzz-request-parser"
"$OUT/fuzz-request-parser" -runs="$RUNS" -max_len=2048 -print_final_stats=1 -artifact_prefix="$OUT/" "$OUT/corpus" fuzz/http/seeds
