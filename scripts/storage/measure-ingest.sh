#!/usr/bin/env bash
# Prints the storage ingest rate (stories/s) and database size per story for N synthetic stories
# (default 10000), through StoryRepository with a fresh temporary database. No assertion on time.
# Usage: scripts/storage/measure-ingest.sh [N]   (STORAGE_MEASURE_DURABILITY=normal to compare)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
count="${1:-10000}"

STORAGE_MEASURE_STORIES="$count" swift test --filter StorageTests.IngestMeasurementTests 2>&1 | grep -E "ingest measurement|error|failed"
