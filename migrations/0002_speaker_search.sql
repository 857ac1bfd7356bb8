-- Speaker search by any word of the name, and a speaker's quotes newest story first.

-- Full text over normalised speaker names, so "garcia" finds "jose garcia" through an index
-- rather than a scan (https://sqlite.org/fts5.html section 4.4.3, "External Content Tables").
-- The names are already folded (case, accents), so the default tokenizer suffices.
CREATE VIRTUAL TABLE speakers_fts USING fts5 (
    normalized_name,
    content = 'speakers',
    content_rowid = 'id'
);
CREATE TRIGGER speakers_fts_after_insert AFTER INSERT ON speakers BEGIN
    INSERT INTO speakers_fts (rowid, normalized_name) VALUES (new.id, new.normalized_name);
END;
CREATE TRIGGER speakers_fts_after_delete AFTER DELETE ON speakers BEGIN
    INSERT INTO speakers_fts (speakers_fts, rowid, normalized_name) VALUES ('delete', old.id, old.normalized_name);
END;
CREATE TRIGGER speakers_fts_after_update AFTER UPDATE OF normalized_name ON speakers BEGIN
    INSERT INTO speakers_fts (speakers_fts, rowid, normalized_name) VALUES ('delete', old.id, old.normalized_name);
    INSERT INTO speakers_fts (rowid, normalized_name) VALUES (new.id, new.normalized_name);
END;
-- Speakers stored before this migration.
INSERT INTO speakers_fts (speakers_fts) VALUES ('rebuild');

-- A speaker's quotes are listed newest story first, then in story order: the index runs the same
-- way so the listing needs no sort.
DROP INDEX quotes_by_speaker;
CREATE INDEX quotes_by_speaker ON quotes (speaker_id, story_id DESC, position);
