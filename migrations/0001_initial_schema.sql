-- StoryArchive schema, version 1.
--
-- Conventions: every table is STRICT (SQLite >= 3.37) so a wrong type is an error, not a silent
-- conversion; times are Unix milliseconds (UTC); every foreign key has an index whose leading
-- columns are the child columns, so a parent delete never scans a child table
-- (https://sqlite.org/foreignkeys.html section 3, "Required and Suggested Database Indexes").

-- One row per ingested story. The id doubles as the newest-first order (ids only grow:
-- AUTOINCREMENT forbids reuse of a deleted story's id, so a keyset cursor stays valid).
CREATE TABLE stories (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    title            TEXT    NOT NULL,
    location         TEXT,
    dateline_place   TEXT,
    dateline_date    TEXT,
    -- YYYY-MM-DD when the dateline could be read; the from/to filters compare it as text.
    dateline_iso     TEXT CHECK (dateline_iso IS NULL OR dateline_iso GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    duration_seconds INTEGER CHECK (duration_seconds IS NULL OR duration_seconds >= 0),
    -- JSON array of strings.
    restrictions     TEXT    NOT NULL DEFAULT '[]',
    story_number     TEXT,
    source           TEXT,
    source_url       TEXT,
    published_at     TEXT,
    language         TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
) STRICT;

-- Filter "location" (case-insensitive equality), newest first.
CREATE INDEX stories_by_location ON stories (location COLLATE NOCASE, id);
-- Filters "from"/"to" on the story's date.
CREATE INDEX stories_by_date ON stories (dateline_iso, id);

-- The raw transcript, kept apart from stories so that listing stories never walks transcript pages.
-- sha256 is over the raw bytes as received: the same bytes twice are the same story.
CREATE TABLE transcripts (
    story_id     INTEGER PRIMARY KEY REFERENCES stories (id) ON DELETE CASCADE,
    sha256       BLOB    NOT NULL UNIQUE CHECK (length(sha256) = 32),
    byte_count   INTEGER NOT NULL CHECK (byte_count >= 0),
    -- zlib format (RFC 1950).
    compressed   BLOB    NOT NULL
) STRICT;

-- One row per person, across stories. normalized_name is what matching compares
-- (case, accents, spacing and leading honorifics removed); name is the display name first seen.
CREATE TABLE speakers (
    id               INTEGER PRIMARY KEY,
    name             TEXT    NOT NULL,
    normalized_name  TEXT    NOT NULL UNIQUE,
    created_at       INTEGER NOT NULL
) STRICT;

-- Other spellings of a speaker, normalised the same way. Matching looks here after speakers.
CREATE TABLE speaker_aliases (
    normalized_alias TEXT    PRIMARY KEY,
    speaker_id       INTEGER NOT NULL REFERENCES speakers (id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE INDEX speaker_aliases_by_speaker ON speaker_aliases (speaker_id);

-- A speaker in one story: that story's title and organization for them and the label as written.
-- position is the order of first appearance within the story (1-based).
CREATE TABLE appearances (
    story_id     INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    speaker_id   INTEGER NOT NULL REFERENCES speakers (id),
    position     INTEGER NOT NULL CHECK (position >= 1),
    title        TEXT,
    organization TEXT,
    raw_label    TEXT    NOT NULL,
    PRIMARY KEY (story_id, speaker_id),
    UNIQUE (story_id, position)
) STRICT, WITHOUT ROWID;
-- Filter "speaker", a speaker's appearances newest first, and "does this speaker still appear?".
CREATE INDEX appearances_by_speaker ON appearances (speaker_id, story_id);

-- The script in order. kind is SegmentKind's raw value.
CREATE TABLE segments (
    story_id   INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL CHECK (position >= 1),
    kind       TEXT    NOT NULL CHECK (kind IN ('voice_over', 'sound_bite', 'stand_up', 'shot', 'nat_sound', 'text')),
    text       TEXT    NOT NULL,
    speaker_id INTEGER,
    PRIMARY KEY (story_id, position),
    FOREIGN KEY (story_id, speaker_id) REFERENCES appearances (story_id, speaker_id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- What a speaker said. The id is the full-text rowid and the public quote id.
CREATE TABLE quotes (
    id               INTEGER PRIMARY KEY,
    story_id         INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    position         INTEGER NOT NULL CHECK (position >= 1),
    speaker_id       INTEGER NOT NULL,
    segment_position INTEGER,
    text             TEXT    NOT NULL,
    language         TEXT,
    interpreted      INTEGER NOT NULL DEFAULT 0 CHECK (interpreted IN (0, 1)),
    truncated        INTEGER NOT NULL DEFAULT 0 CHECK (truncated IN (0, 1)),
    UNIQUE (story_id, position),
    FOREIGN KEY (story_id, speaker_id) REFERENCES appearances (story_id, speaker_id) ON DELETE CASCADE
) STRICT;
-- A speaker's quotes, newest story first.
CREATE INDEX quotes_by_speaker ON quotes (speaker_id, story_id, position);
-- The composite foreign key to appearances is served by quotes_by_story_speaker.
CREATE INDEX quotes_by_story_speaker ON quotes (story_id, speaker_id);

-- Full text over quote text: external content, kept in sync by triggers so that every write
-- path (ingest, update, delete, cascades) updates it in the same transaction
-- (https://sqlite.org/fts5.html section 4.4.3, "External Content Tables").
CREATE VIRTUAL TABLE quotes_fts USING fts5 (
    text,
    content = 'quotes',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER quotes_fts_after_insert AFTER INSERT ON quotes BEGIN
    INSERT INTO quotes_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER quotes_fts_after_delete AFTER DELETE ON quotes BEGIN
    INSERT INTO quotes_fts (quotes_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER quotes_fts_after_update AFTER UPDATE OF text ON quotes BEGIN
    INSERT INTO quotes_fts (quotes_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO quotes_fts (rowid, text) VALUES (new.id, new.text);
END;

-- Full text over story titles and narration (voice-over, stand-up and text segments joined).
-- The rowid is the story id. Narration is not a column anywhere else, so this table keeps its
-- own content; the repository writes it in the ingest transaction, the trigger removes it.
CREATE VIRTUAL TABLE stories_fts USING fts5 (
    title,
    narration,
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER stories_fts_after_delete AFTER DELETE ON stories BEGIN
    DELETE FROM stories_fts WHERE rowid = old.id;
END;
CREATE TRIGGER stories_fts_after_update_title AFTER UPDATE OF title ON stories BEGIN
    UPDATE stories_fts SET title = new.title WHERE rowid = new.id;
END;
