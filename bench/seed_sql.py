#!/usr/bin/env python3
"""Fallback seeder: writes generated stories straight into SQLite, without the service.

For when `storyarchive import` cannot seed a database in the time a run allows (bench/run then
writes the stories past the imported ones with this script, and says so), or when the parser on
the checkout reads no quotes. The schema must already be there (`storyarchive migrate --db PATH`);
rows follow migrations/0001 as the storage module writes them, from the generator's structured
story rather than from parsing its transcript. bench/run says in its report when it used this.

Stories whose transcript is already in the database (same SHA-256) are skipped, so this can
complete a database that an import filled partly.

Usage: seed_sql.py DB_PATH --count N [--seed S] [--start I]
"""

import argparse
import hashlib
import sqlite3
import sys
import time
import unicodedata
import zlib

from generate import Generator


def normalize(name):
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.lower().split())


def seed(path, count, seed_value, start):
    generator = Generator(seed_value)
    db = sqlite3.connect(path)
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA journal_mode = WAL")
    # A benchmark fixture, rebuilt when lost: no fsync per commit.
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -65536")
    now = int(time.time() * 1000)
    # Speakers the service already stored (a database seeded partly by import) are found by their
    # display name first, so this never collides with the service's own normalisation.
    by_name = dict(db.execute("SELECT name, id FROM speakers"))
    speaker_ids = dict(db.execute("SELECT normalized_name, id FROM speakers"))
    skipped = 0
    with db:
        for index in range(start, start + count):
            story = generator.story(index)
            raw = generator.render(story).encode()
            digest = hashlib.sha256(raw).digest()
            # A story already archived (imported by the service) is left as it is.
            if db.execute("SELECT 1 FROM transcripts WHERE sha256 = ?", (digest,)).fetchone():
                skipped += 1
                continue
            cur = db.execute(
                "INSERT INTO stories (title, location, duration_seconds, restrictions, created_at, updated_at)"
                " VALUES (?, ?, ?, json(?), ?, ?)",
                (story["title"], story["location"], story["duration_seconds"],
                 '["%s"]' % story["restrictions"][0].replace('"', ""), now, now),
            )
            story_id = cur.lastrowid
            db.execute("INSERT INTO transcripts (story_id, sha256, byte_count, compressed) VALUES (?, ?, ?, ?)",
                       (story_id, digest, len(raw), zlib.compress(raw)))
            ids = []
            for position, (name, title, org) in enumerate(story["speakers"], start=1):
                key = normalize(name)
                if key not in speaker_ids and name in by_name:
                    speaker_ids[key] = by_name[name]
                if key not in speaker_ids:
                    speaker_ids[key] = db.execute(
                        "INSERT INTO speakers (name, normalized_name, created_at) VALUES (?, ?, ?)",
                        (name, key, now)).lastrowid
                ids.append(speaker_ids[key])
                db.execute("INSERT INTO appearances (story_id, speaker_id, position, title, organization, raw_label)"
                           " VALUES (?, ?, ?, ?, ?, ?)",
                           (story_id, speaker_ids[key], position, title, org, f"{name}, {title}, {org}"))
            narration = []
            for position, (kind, text, speaker) in enumerate(story["segments"], start=1):
                db.execute("INSERT INTO segments (story_id, position, kind, text, speaker_id) VALUES (?, ?, ?, ?, ?)",
                           (story_id, position, kind, text, None if speaker is None else ids[speaker]))
                if kind == "voice_over":
                    narration.append(text)
            for position, (speaker, text, segment) in enumerate(story["quotes"], start=1):
                db.execute("INSERT INTO quotes (story_id, position, speaker_id, segment_position, text)"
                           " VALUES (?, ?, ?, ?, ?)", (story_id, position, ids[speaker], segment + 1, text))
            db.execute("INSERT INTO stories_fts (rowid, title, narration) VALUES (?, ?, ?)",
                       (story_id, story["title"], " ".join(narration)))
    db.close()
    return skipped


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db")
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", type=int, default=0)
    args = parser.parse_args()
    started = time.monotonic()
    skipped = seed(args.db, args.count, args.seed, args.start)
    print(f"seeded {args.count - skipped} stories ({skipped} already there) in {time.monotonic() - started:.1f}s",
          file=sys.stderr)


if __name__ == "__main__":
    main()
