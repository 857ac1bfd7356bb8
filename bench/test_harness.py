#!/usr/bin/env python3
"""Checks of the benchmark harness itself (no server, no load): `python3 bench/test_harness.py`.

The generator must give the same bytes for the same seed, 3-6 sound bites per story and no two
identical transcripts (the service deduplicates identical bytes); seed_sql.py must write rows the
schema in migrations/ accepts and skip stories already there; the report's ratios must pair the
servers of one step.
"""

import importlib.machinery
import importlib.util
import os
import sqlite3
import sys
import tempfile
import unittest

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
sys.path.insert(0, BENCH)

import generate  # noqa: E402
import seed_sql  # noqa: E402


def load_run():
    loader = importlib.machinery.SourceFileLoader("bench_run", os.path.join(BENCH, "run"))
    spec = importlib.util.spec_from_loader("bench_run", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


class GeneratorTests(unittest.TestCase):
    def test_same_seed_same_bytes_other_seed_other_bytes(self):
        self.assertEqual(generate.Generator(1).transcript(42), generate.Generator(1).transcript(42))
        self.assertNotEqual(generate.Generator(1).transcript(42), generate.Generator(2).transcript(42))

    def test_every_story_has_three_to_six_attributed_sound_bites(self):
        g = generate.Generator(1)
        for index in range(200):
            text = g.transcript(index)
            bites = text.count("[Sound_bite] ")
            self.assertTrue(3 <= bites <= 6, f"story {index} has {bites} sound bites")
            self.assertEqual(bites, len(g.story(index)["quotes"]))
            self.assertIn("[Voice_over] ", text)
            self.assertIn("[Restrictions: ", text)

    def test_no_two_transcripts_are_identical(self):
        g = generate.Generator(1)
        texts = {g.transcript(i) for i in range(2000)}
        self.assertEqual(len(texts), 2000)

    def test_every_quote_holds_a_search_word(self):
        g = generate.Generator(1)
        for index in range(100):
            for _, text, _ in g.story(index)["quotes"]:
                self.assertTrue(any(w in text for w in generate.SEARCH_WORDS), text)


class SeedSQLTests(unittest.TestCase):
    def test_rows_follow_the_schema_and_existing_stories_are_skipped(self):
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "a.sqlite")
            with sqlite3.connect(db) as c:
                for name in sorted(os.listdir(os.path.join(ROOT, "migrations"))):
                    if name.endswith(".sql"):
                        with open(os.path.join(ROOT, "migrations", name)) as f:
                            c.executescript(f.read())
            self.assertEqual(seed_sql.seed(db, 30, 1, 0), 0)
            self.assertEqual(seed_sql.seed(db, 40, 1, 0), 30)
            with sqlite3.connect(db) as c:
                self.assertEqual(c.execute("SELECT count(*) FROM stories").fetchone()[0], 40)
                expected = sum(len(generate.Generator(1).story(i)["quotes"]) for i in range(40))
                self.assertEqual(c.execute("SELECT count(*) FROM quotes").fetchone()[0], expected)
                self.assertEqual(c.execute("PRAGMA foreign_key_check").fetchall(), [])
                hits = c.execute("SELECT count(*) FROM quotes_fts WHERE quotes_fts MATCH 'harbour'").fetchone()[0]
                self.assertGreater(hits, 0)


class ReportTests(unittest.TestCase):
    def test_ratios_pair_ours_with_each_peer_of_the_same_step(self):
        run = load_run()
        rows = [
            {"stories": 10, "route": "quotes", "connections": 64, "server": "ours", "rps": 300.0},
            {"stories": 10, "route": "quotes", "connections": 64, "server": "hummingbird", "rps": 100.0},
            {"stories": 10, "route": "quotes", "connections": 64, "server": "nginx", "rps": 600.0},
            {"stories": 10, "route": "quotes", "connections": 1, "server": "ours", "rps": 50.0},
        ]
        self.assertEqual(run.ratios(rows), [
            {"stories": 10, "route": "quotes", "connections": 64, "ours_over_hummingbird": 3.0, "ours_over_nginx": 0.5},
        ])


if __name__ == "__main__":
    unittest.main()
