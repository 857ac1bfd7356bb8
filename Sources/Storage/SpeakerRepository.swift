import ArchiveModel
import Foundation
import GRDB

/// People across stories: matching, listing, searching, appearances and quotes.
public final class SpeakerRepository: Sendable {
    let database: ArchiveDatabase

    public init(database: ArchiveDatabase) {
        self.database = database
    }

    /// The speaker this label names: matched on the normalised name, then on recorded aliases;
    /// created when neither matches. An anonymous label ("Unidentified man", "Vox pop") always makes a
    /// new speaker, local to this story. Runs inside the caller's write transaction.
    static func findOrCreate(_ db: Database, name: String, rawLabel: String) throws -> Int64 {
        var key = SpeakerName.normalize(name)
        var display = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if key.isEmpty {
            key = SpeakerName.normalize(rawLabel)
            display = rawLabel.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if SpeakerName.isAnonymous(key) {
            // The key gets the new row's own id ("vox pop #812"): the next rowid of an INTEGER PRIMARY
            // KEY table is max(id) + 1 (https://sqlite.org/autoinc.html), so the key is unique, and "#"
            // never survives normalisation, so it cannot collide with a real name or alias.
            try db.cachedStatement(
                sql: """
                    INSERT INTO speakers (name, normalized_name, created_at)
                    SELECT ?, ? || ' #' || (coalesce(max(id), 0) + 1), ? FROM speakers
                    """
            ).execute(arguments: [display, key, Clock.nowMilliseconds()])
            return db.lastInsertedRowID
        }
        // Cached statements: bulk import runs these for every speaker of every story, and compiling
        // them each time (GRDB's authorizer, SQLite's parser) showed in its profile.
        if let id = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT id FROM speakers WHERE normalized_name = ?"), arguments: [key]
        ) {
            return id
        }
        if let id = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT speaker_id FROM speaker_aliases WHERE normalized_alias = ?"), arguments: [key]
        ) {
            return id
        }
        try db.cachedStatement(sql: "INSERT INTO speakers (name, normalized_name, created_at) VALUES (?, ?, ?)")
            .execute(arguments: [display, key, Clock.nowMilliseconds()])
        return db.lastInsertedRowID
    }
}

extension SpeakerRepository {
    /// Speakers in name order, one page at a time; with `search`, only those with a name word
    /// starting with each searched word ("garc" finds "José García").
    /// - Parameters:
    ///   - after: the previous page's `nextCursor` (an opaque name key).
    public func list(search: String? = nil, limit: Int = 50, after: String? = nil) throws(StorageError) -> Page<SpeakerSummary, String> {
        let limit = min(max(limit, 1), StoryQuery.maximumLimit)
        guard let (sql, arguments) = Self.listSQL(search: search, limit: limit + 1, after: after) else {
            return Page(items: [], nextCursor: nil)
        }
        let rows = try database.read { db in try Row.fetchAll(db, sql: sql, arguments: arguments) }
        let items = rows.prefix(limit).map { row in
            SpeakerSummary(id: row["id"], name: row["name"], appearanceCount: row["appearance_count"])
        }
        let cursor: String? = rows.count > limit ? rows[limit - 1]["normalized_name"] : nil
        return Page(items: Array(items), nextCursor: cursor)
    }

    static func listSQL(search: String?, limit: Int, after: String?) -> (String, StatementArguments)? {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let after {
            conditions.append("s.normalized_name > ?")
            arguments.append(after)
        }
        if let search, !search.allSatisfy(\.isWhitespace) {
            // Every word is a prefix: people search names as they type them.
            let prefixed = search.split(whereSeparator: { $0.isWhitespace }).map { $0.hasSuffix("*") ? String($0) : $0 + "*" }
            guard let match = FullTextQuery.make(prefixed.joined(separator: " "), normalize: SpeakerName.normalizeWord) else {
                return nil
            }
            conditions.append("s.id IN (SELECT rowid FROM speakers_fts WHERE speakers_fts MATCH ?)")
            arguments.append(match)
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = """
            SELECT s.id, s.name, s.normalized_name,
                   (SELECT count(*) FROM appearances a WHERE a.speaker_id = s.id) AS appearance_count
            FROM speakers s
            \(whereClause)
            ORDER BY s.normalized_name
            LIMIT \(limit)
            """
        return (sql, StatementArguments(arguments))
    }

    /// One speaker with aliases and appearances (newest story first, at most `appearanceLimit`), or nil.
    public func speaker(id: Int64, appearanceLimit: Int = 100) throws(StorageError) -> SpeakerProfile? {
        try database.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT id, name FROM speakers WHERE id = ?", arguments: [id]) else {
                return nil
            }
            let aliases = try String.fetchAll(
                db, sql: Self.aliasesSQL, arguments: [id]
            )
            let appearances = try Row.fetchAll(
                db, sql: Self.appearancesSQL, arguments: [id, min(max(appearanceLimit, 1), 1000)]
            ).map { row in
                Appearance(
                    storyID: row["story_id"], storyTitle: row["story_title"], storyDate: row["dateline_iso"],
                    title: row["title"], organization: row["organization"], rawLabel: row["raw_label"],
                    quoteCount: row["quote_count"]
                )
            }
            return SpeakerProfile(id: row["id"], name: row["name"], aliases: aliases, appearances: appearances)
        }
    }

    static let aliasesSQL = "SELECT normalized_alias FROM speaker_aliases WHERE speaker_id = ? ORDER BY normalized_alias"

    static let appearancesSQL = """
        SELECT a.story_id, s.title AS story_title, s.dateline_iso, a.title, a.organization, a.raw_label,
               (SELECT count(*) FROM quotes q WHERE q.story_id = a.story_id AND q.speaker_id = a.speaker_id) AS quote_count
        FROM appearances a JOIN stories s ON s.id = a.story_id
        WHERE a.speaker_id = ?
        ORDER BY a.story_id DESC
        LIMIT ?
        """

    /// A speaker's quotes, newest story first and in story order within a story; nil when there is no such speaker.
    /// Each quote's speaker carries that story's title and organization.
    public func quotes(speakerID: Int64, limit: Int = 50, after: QuoteCursor? = nil) throws(StorageError) -> Page<Quote, QuoteCursor>? {
        let limit = min(max(limit, 1), StoryQuery.maximumLimit)
        return try database.read { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM speakers WHERE id = ?", arguments: [speakerID]) != nil else {
                return nil
            }
            let (sql, arguments) = Self.quotesSQL(speakerID: speakerID, limit: limit + 1, after: after)
            let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
            let quotes = rows.prefix(limit).map(Self.quoteWithAppearance(from:))
            let cursor = rows.count > limit ? quotes.last.map { QuoteCursor(storyID: $0.storyID, position: $0.position) } : nil
            return Page(items: Array(quotes), nextCursor: cursor)
        }
    }

    static func quotesSQL(speakerID: Int64, limit: Int, after: QuoteCursor?) -> (String, StatementArguments) {
        var arguments: StatementArguments = [speakerID]
        var keyset = ""
        if let after {
            keyset = "AND (q.story_id < ? OR (q.story_id = ? AND q.position > ?))"
            arguments += [after.storyID, after.storyID, after.position]
        }
        let sql = """
            SELECT q.id, q.story_id, q.position, q.text, q.language, q.interpreted, q.truncated,
                   sp.id AS speaker_id, sp.name AS speaker_name, a.title AS speaker_title, a.organization AS speaker_organization
            FROM quotes q
            JOIN appearances a ON a.story_id = q.story_id AND a.speaker_id = q.speaker_id
            JOIN speakers sp ON sp.id = q.speaker_id
            WHERE q.speaker_id = ? \(keyset)
            ORDER BY q.story_id DESC, q.position
            LIMIT \(limit)
            """
        return (sql, arguments)
    }

    static func quoteWithAppearance(from row: Row) -> Quote {
        let speaker = Speaker(
            id: row["speaker_id"], name: row["speaker_name"], title: row["speaker_title"],
            organization: row["speaker_organization"]
        )
        return StoryRepository.quote(from: row, speaker: speaker)
    }

    /// Records another spelling of a speaker's name, so later stories using it match this speaker.
    /// - Throws: `.notFound` for an unknown speaker; `.invalid` when the alias is empty, is already
    ///   another speaker's name, or is another speaker's alias.
    public func addAlias(_ alias: String, speakerID: Int64) throws(StorageError) {
        let key = SpeakerName.normalize(alias)
        guard !key.isEmpty else { throw .invalid("an alias needs letters") }
        try database.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM speakers WHERE id = ?", arguments: [speakerID]) != nil else {
                throw StorageError.notFound("speaker \(speakerID)")
            }
            if let owner = try Int64.fetchOne(db, sql: "SELECT id FROM speakers WHERE normalized_name = ?", arguments: [key]) {
                if owner == speakerID { return }
                throw StorageError.invalid("\(alias) is the name of speaker \(owner)")
            }
            if let owner = try Int64.fetchOne(db, sql: "SELECT speaker_id FROM speaker_aliases WHERE normalized_alias = ?", arguments: [key]) {
                if owner == speakerID { return }
                throw StorageError.invalid("\(alias) is already an alias of speaker \(owner)")
            }
            try db.execute(
                sql: "INSERT INTO speaker_aliases (normalized_alias, speaker_id) VALUES (?, ?)", arguments: [key, speakerID]
            )
        }
    }
}
