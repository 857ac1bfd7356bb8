#!/bin/sh
# Parse-throughput benchmark: builds the parser's sources with -O and parses a synthetic
# transcript of N MB (default 10) three times, printing the best MB/s.
#   sh fuzz/transcript/bench.sh [MB]        throughput on a synthetic script (default 10 MB)
#   sh fuzz/transcript/bench.sh shapes [MB]  CPU time per pathological shape (linearity check)
set -eu
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${TMPDIR:-/tmp}/transcript-bench"
mkdir -p "$out"
# Compile a snapshot of the sources, so editing the tree during a long build cannot break it.
rm -rf "$out/src" && mkdir -p "$out/src/model" "$out/src/parser"
cp "$root"/Sources/ArchiveModel/*.swift "$out/src/model/"
cp "$root"/Sources/TranscriptParsing/*.swift "$out/src/parser/"
swiftc -O -parse-as-library -module-name ArchiveModel -emit-module -emit-module-path "$out/ArchiveModel.swiftmodule" \
    -emit-library -static -o "$out/libArchiveModel.a" "$out"/src/model/*.swift
swiftc -O -parse-as-library -module-name TranscriptBench -I "$out" -L "$out" -lArchiveModel \
    -o "$out/bench" "$out"/src/parser/*.swift "$root/fuzz/transcript/BenchMain.swift"
"$out/bench" "$@"
