-- New quotes get their full-text row from the repository, one statement per story, instead of a
-- trigger per quote. A trigger's INSERT runs as its own statement transaction, and FTS5 writes its
-- pending terms to disk at every savepoint, so each quote stored left a tiny index segment to be
-- merged later: in a bulk import's profile that was the largest part of the writer's time.
-- Deletes and text updates keep their triggers (quotes_fts_after_delete, quotes_fts_after_update):
-- they are rare, and cascades from a deleted story must reach the index whatever code deletes.
DROP TRIGGER quotes_fts_after_insert;
