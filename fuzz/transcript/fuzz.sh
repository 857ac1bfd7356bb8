#!/bin/sh
# libFuzzer run for the transcript parser.
#   sh fuzz/transcript/fuzz.sh [RUNS] [MAX_TOTAL_TIME_SECONDS]
# Builds ArchiveModel and the parser's sources with -sanitize=fuzzer,address, seeds the corpus
# with the test fixtures (and ../shared/corpus when present), and runs libFuzzer for RUNS inputs
# (default 200000) or the time limit (default 300 s), whichever comes first. Any crash or
# precondition failure stops the run with a reproducer file in $out/.
set -eu
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${TMPDIR:-/tmp}/transcript-fuzz"
mkdir -p "$out/corpus"
# Compile a snapshot of the sources, so editing the tree during a long build cannot break it.
rm -rf "$out/src" && mkdir -p "$out/src/model" "$out/src/parser"
cp "$root"/Sources/ArchiveModel/*.swift "$out/src/model/"
cp "$root"/Sources/TranscriptParsing/*.swift "$out/src/parser/"
swiftc -O -parse-as-library -module-name ArchiveModel -emit-module -emit-module-path "$out/ArchiveModel.swiftmodule" \
    -emit-library -static -o "$out/libArchiveModel.a" "$out"/src/model/*.swift
swiftc -O -g -parse-as-library -sanitize=fuzzer,address -module-name TranscriptFuzz -I "$out" -L "$out" -lArchiveModel \
    -o "$out/fuzz-transcript" "$out"/src/parser/*.swift "$root/fuzz/transcript/FuzzTarget.swift"
cp "$root"/Tests/TranscriptParsingTests/Fixtures/*.txt "$out/corpus/"
if [ -d "$root/../shared/corpus" ]; then cp "$root"/../shared/corpus/*.txt "$out/corpus/"; fi
cd "$out"
./fuzz-transcript -runs="${1:-200000}" -max_total_time="${2:-300}" -max_len=8192 -print_final_stats=1 \
    -artifact_prefix="$out/" -dict="$root/fuzz/transcript/markers.dict" "$out/corpus"
