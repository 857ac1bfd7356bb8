import ArchiveModel
import Foundation
import GRDB

/// Stories, their segments, speakers' appearances and quotes: ingest and read back.
///
/// Thread-safe and synchronous; callers choose the thread. Every write is one transaction.
public final class StoryRepository: Sendable {
    let database: ArchiveDatabase

    public init(database: ArchiveDatabase) {
        self.database = database
    }

    /// Stores a parsed story with its raw transcript in one transaction: all or nothing.
    ///
    /// An identical transcript (same SHA-256 of the raw bytes) returns the story already stored,
    /// with `created == false`, never a duplicate. Speakers are matched across stories on their
    /// normalised name (or a recorded alias); a new name makes a new speaker.
    /// - Throws: `.invalid` when the draft refers to a speaker or segment it does not have,
    ///   `.unavailable` when the database cannot write now (nothing is written).
    public func insert(_ draft: StoryDraft, transcript: [UInt8], metadata: StoryMetadata) throws(StorageError) -> (story: Story, created: Bool) {
        try Self.validate(draft)
        // Hash and compress before taking the write lock: the writer is shared by every ingest.
        let digest = SHA256.hash(transcript)
        let compressed = TranscriptCompression.compress(transcript)
        let now = Clock.nowMilliseconds()
        return try database.write { db in
            if let existing = try Self.storyID(db, transcriptDigest: Data(digest)),
               let story = try Self.fetchStory(db, id: existing)
            {
                return (story, false)
            }
            let storyID = try Self.insertNewStory(
                db, draft, metadata: metadata, transcriptByteCount: transcript.count,
                digest: Data(digest), compressed: Data(compressed), now: now
            )
            guard let story = try Self.fetchStory(db, id: storyID) else {
                throw StorageError.corrupt("story \(storyID) vanished inside its own transaction")
            }
            return (story, true)
        }
    }

    /// The story with this id, or nil.
    public func story(id: Int64) throws(StorageError) -> Story? {
        try database.read { db in try Self.fetchStory(db, id: id) }
    }

    /// The story's quotes in order; nil when there is no such story (an empty array: a story without quotes).
    public func quotes(storyID: Int64) throws(StorageError) -> [Quote]? {
        try database.read { db in
            guard try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM stories WHERE id = ?"), arguments: [storyID]) != nil else {
                return nil
            }
            let speakers = try Self.fetchSpeakers(db, storyID: storyID)
            return try Self.fetchQuotes(db, storyID: storyID, speakers: speakers)
        }
    }

    /// The raw transcript bytes as received, or nil when there is no such story.
    /// - Throws: `.corrupt` when the stored bytes do not inflate to what was recorded.
    public func transcript(storyID: Int64) throws(StorageError) -> [UInt8]? {
        let row = try database.read { db in
            try Row.fetchOne(db, sql: "SELECT byte_count, compressed FROM transcripts WHERE story_id = ?", arguments: [storyID])
        }
        guard let row else { return nil }
        let compressed: Data = row["compressed"]
        let raw = try TranscriptCompression.decompress([UInt8](compressed), byteCount: row["byte_count"])
        return raw
    }

    // MARK: - Validation

    static func validate(_ draft: StoryDraft) throws(StorageError) {
        if draft.title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw .invalid("a story needs a title")
        }
        for (index, speaker) in draft.speakers.enumerated()
        where SpeakerName.normalize(speaker.name).isEmpty && SpeakerName.normalize(speaker.rawLabel).isEmpty {
            throw .invalid("speaker \(index) has no name")
        }
        let speakerRange = draft.speakers.indices
        for (index, segment) in draft.segments.enumerated() {
            if let speakerIndex = segment.speakerIndex, !speakerRange.contains(speakerIndex) {
                throw .invalid("segment \(index) names speaker \(speakerIndex), but the story has \(draft.speakers.count)")
            }
        }
        for (index, quote) in draft.quotes.enumerated() {
            if !speakerRange.contains(quote.speakerIndex) {
                throw .invalid("quote \(index) names speaker \(quote.speakerIndex), but the story has \(draft.speakers.count)")
            }
            if let segmentIndex = quote.segmentIndex, !draft.segments.indices.contains(segmentIndex) {
                throw .invalid("quote \(index) names segment \(segmentIndex), but the story has \(draft.segments.count)")
            }
        }
        if let iso = draft.dateline?.isoDate, !isISODate(iso) {
            throw .invalid("dateline isoDate \(iso) is not YYYY-MM-DD")
        }
        if let duration = draft.durationSeconds, duration < 0 {
            throw .invalid("duration \(duration) is negative")
        }
    }

    static func isISODate(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return false }
        return bytes.enumerated().allSatisfy { index, byte in
            index == 4 || index == 7 || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
        }
    }

    // MARK: - Writing (inside a transaction)

    static func insertStory(_ db: Database, _ draft: StoryDraft, metadata: StoryMetadata, now: Int64) throws -> Int64 {
        try db.cachedStatement(
            sql: """
                INSERT INTO stories (title, location, dateline_place, dateline_date, dateline_iso, duration_seconds,
                    restrictions, story_number, source, source_url, published_at, language, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                draft.title, draft.location, draft.dateline?.place, draft.dateline?.date, draft.dateline?.isoDate,
                draft.durationSeconds, encodeList(draft.restrictions), draft.storyNumber, draft.source,
                metadata.sourceURL, metadata.publishedAt, metadata.language, now, now,
            ]
        )
        return db.lastInsertedRowID
    }

    /// Speakers, appearances, segments, quotes and (unless the caller writes them later with
    /// `insertSearchRows`) the full-text rows of the story and its quotes.
    static func insertContent(_ db: Database, _ draft: StoryDraft, storyID: Int64, searchRows: Bool = true) throws {
        // Draft speaker index → speaker id. Two labels of one person in a story share one appearance.
        var speakerIDs: [Int64] = []
        var appeared: Set<Int64> = []
        for speaker in draft.speakers {
            let speakerID = try SpeakerRepository.findOrCreate(db, name: speaker.name, rawLabel: speaker.rawLabel)
            speakerIDs.append(speakerID)
            if appeared.insert(speakerID).inserted {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO appearances (story_id, speaker_id, position, title, organization, raw_label)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """
                ).execute(
                    arguments: [storyID, speakerID, appeared.count, speaker.title, speaker.organization, speaker.rawLabel]
                )
            } else {
                try db.cachedStatement(
                    sql: """
                        UPDATE appearances SET title = coalesce(title, ?), organization = coalesce(organization, ?)
                        WHERE story_id = ? AND speaker_id = ?
                        """
                ).execute(
                    arguments: [speaker.title, speaker.organization, storyID, speakerID]
                )
            }
        }
        let segmentStatement = try db.cachedStatement(
            sql: "INSERT INTO segments (story_id, position, kind, text, speaker_id) VALUES (?, ?, ?, ?, ?)"
        )
        for (index, segment) in draft.segments.enumerated() {
            try segmentStatement.execute(arguments: [
                storyID, index + 1, segment.kind.rawValue, segment.text, segment.speakerIndex.map { speakerIDs[$0] },
            ])
        }
        let quoteStatement = try db.cachedStatement(
            sql: """
                INSERT INTO quotes (story_id, position, speaker_id, segment_position, text, language, interpreted, truncated)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        for (index, quote) in draft.quotes.enumerated() {
            try quoteStatement.execute(arguments: [
                storyID, index + 1, speakerIDs[quote.speakerIndex], quote.segmentIndex.map { $0 + 1 }, quote.text,
                quote.language, quote.interpreted, quote.truncated,
            ])
        }
        if searchRows {
            try insertSearchRows(db, stories: [(storyID, draft)])
        }
    }

    /// The full-text rows of stored stories and their quotes, one statement per index whatever
    /// the number of stories.
    ///
    /// Why one statement: FTS5 writes the terms it holds in memory to disk at every savepoint, and
    /// every statement that may fail half-way opens one, so full-text rows written story by story
    /// amid a batch's other inserts were flushed as a tiny index segment each, to be merged again
    /// later: most of a bulk import's write time. Written last, all at once, they are flushed once.
    /// (Migration 0003 dropped the per-quote trigger for the same reason.)
    static func insertSearchRows(_ db: Database, stories: [(id: Int64, draft: StoryDraft)]) throws {
        guard !stories.isEmpty else { return }
        struct SearchRow: Encodable {
            var id: Int64
            var title: String?
            var narration: String
        }
        let rows = stories.map { SearchRow(id: $0.id, title: $0.draft.title, narration: narration(of: $0.draft)) }
        let json = String(decoding: try JSONEncoder().encode(rows), as: UTF8.self)
        try db.cachedStatement(sql: """
            INSERT INTO quotes_fts (rowid, text)
            SELECT id, text FROM quotes WHERE story_id IN (SELECT json_extract(value, '$.id') FROM json_each(?))
            """).execute(arguments: [json])
        try db.cachedStatement(sql: """
            INSERT INTO stories_fts (rowid, title, narration)
            SELECT json_extract(value, '$.id'), json_extract(value, '$.title'), json_extract(value, '$.narration') FROM json_each(?)
            """).execute(arguments: [json])
    }

    /// The words a story says in its own voice: what the story search matches besides the title.
    static func narration(of draft: StoryDraft) -> String {
        draft.segments
            .filter { $0.kind == .voiceOver || $0.kind == .standUp || $0.kind == .text }
            .map(\.text)
            .joined(separator: "\n")
    }

    static func encodeList(_ list: [String]) -> String {
        let data = (try? JSONEncoder().encode(list)) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func decodeList(_ text: String) throws -> [String] {
        do {
            return try JSONDecoder().decode([String].self, from: Data(text.utf8))
        } catch {
            throw StorageError.corrupt("restrictions column is not a JSON list of strings: \(text.prefix(80))")
        }
    }

    // MARK: - Writing

    /// The story already stored for a transcript with this SHA-256, if any.
    static func storyID(_ db: Database, transcriptDigest digest: Data) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT story_id FROM transcripts WHERE sha256 = ?"), arguments: [digest])
    }

    /// Inserts a new story with its transcript and content; the caller's transaction makes it all or nothing.
    static func insertNewStory(
        _ db: Database, _ draft: StoryDraft, metadata: StoryMetadata, transcriptByteCount: Int,
        digest: Data, compressed: Data, now: Int64, searchRows: Bool = true
    ) throws -> Int64 {
        let storyID = try insertStory(db, draft, metadata: metadata, now: now)
        try db.cachedStatement(
            sql: "INSERT INTO transcripts (story_id, sha256, byte_count, compressed) VALUES (?, ?, ?, ?)"
        ).execute(
            arguments: [storyID, digest, transcriptByteCount, compressed]
        )
        try insertContent(db, draft, storyID: storyID, searchRows: searchRows)
        return storyID
    }

    // MARK: - Reading

    static func fetchStory(_ db: Database, id: Int64) throws -> Story? {
        // Cached statements: the read path runs these three or four queries on every request, and
        // compiling them each time (GRDB's authorizer, SQLite's parser) was ~10% of its CPU.
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM stories WHERE id = ?"), arguments: [id]) else {
            return nil
        }
        let speakers = try fetchSpeakers(db, storyID: id)
        let segments = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT position, kind, text, speaker_id FROM segments WHERE story_id = ? ORDER BY position"),
            arguments: [id]
        ).map { row throws -> Segment in
            let kindText: String = row["kind"]
            guard let kind = SegmentKind(rawValue: kindText) else {
                throw StorageError.corrupt("segment kind \(kindText) unknown")
            }
            let speakerID: Int64? = row["speaker_id"]
            return Segment(
                position: row["position"], kind: kind, text: row["text"],
                speaker: speakerID.flatMap { speakers.byID[$0] }
            )
        }
        let quotes = try fetchQuotes(db, storyID: id, speakers: speakers)
        return try story(from: row, segments: segments, speakers: speakers.ordered, quotes: quotes)
    }

    static func story(from row: Row, segments: [Segment] = [], speakers: [Speaker] = [], quotes: [Quote] = []) throws -> Story {
        let place: String? = row["dateline_place"]
        let date: String? = row["dateline_date"]
        let iso: String? = row["dateline_iso"]
        let dateline = (place == nil && date == nil && iso == nil) ? nil : Dateline(place: place, date: date, isoDate: iso)
        return Story(
            id: row["id"], title: row["title"], location: row["location"], dateline: dateline,
            durationSeconds: row["duration_seconds"], restrictions: try decodeList(row["restrictions"]),
            storyNumber: row["story_number"], source: row["source"], segments: segments, speakers: speakers,
            quotes: quotes, createdAt: Clock.date(milliseconds: row["created_at"]),
            metadata: StoryMetadata(sourceURL: row["source_url"], publishedAt: row["published_at"], language: row["language"])
        )
    }

    struct StorySpeakers {
        var ordered: [Speaker] = []
        var byID: [Int64: Speaker] = [:]
    }

    static func fetchSpeakers(_ db: Database, storyID: Int64) throws -> StorySpeakers {
        var result = StorySpeakers()
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: """
                SELECT s.id, s.name, a.title, a.organization
                FROM appearances a JOIN speakers s ON s.id = a.speaker_id
                WHERE a.story_id = ? ORDER BY a.position
                """),
            arguments: [storyID]
        )
        for row in rows {
            let speaker = Speaker(id: row["id"], name: row["name"], title: row["title"], organization: row["organization"])
            result.ordered.append(speaker)
            result.byID[speaker.id] = speaker
        }
        return result
    }

    static func fetchQuotes(_ db: Database, storyID: Int64, speakers: StorySpeakers) throws -> [Quote] {
        try Row.fetchAll(
            db.cachedStatement(sql: """
                SELECT id, story_id, position, speaker_id, text, language, interpreted, truncated
                FROM quotes WHERE story_id = ? ORDER BY position
                """),
            arguments: [storyID]
        ).map { row throws -> Quote in
            let speakerID: Int64 = row["speaker_id"]
            guard let speaker = speakers.byID[speakerID] else {
                throw StorageError.corrupt("quote \(row["id"] as Int64) names speaker \(speakerID) without an appearance")
            }
            return quote(from: row, speaker: speaker)
        }
    }

    static func quote(from row: Row, speaker: Speaker) -> Quote {
        Quote(
            id: row["id"], storyID: row["story_id"], position: row["position"], text: row["text"], speaker: speaker,
            language: row["language"], interpreted: row["interpreted"], truncated: row["truncated"]
        )
    }
}
