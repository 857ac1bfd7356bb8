import ArchiveModel
import Foundation
import GRDB

extension StoryRepository {
    /// Stories newest first, filtered, one page at a time.
    /// - Throws: `.invalid` for a malformed date filter.
    public func list(_ query: StoryQuery) throws(StorageError) -> Page<StorySummary, Int64> {
        let limit = min(max(query.limit, 1), StoryQuery.maximumLimit)
        guard let (sql, arguments) = try Self.listSQL(query, limit: limit + 1) else {
            return Page(items: [], nextCursor: nil)
        }
        let summaries = try database.read { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.summary(from:))
        }
        let page = Array(summaries.prefix(limit))
        return Page(items: page, nextCursor: summaries.count > limit ? page.last?.id : nil)
    }

    /// The listing statement for `query`, or nil when the query cannot match anything (a search of
    /// only punctuation). Shared with the query-plan test so that the plans checked are the ones run.
    static func listSQL(_ query: StoryQuery, limit: Int) throws(StorageError) -> (String, StatementArguments)? {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let after = query.after {
            conditions.append("s.id < ?")
            arguments.append(after)
        }
        if let location = query.location {
            conditions.append("s.location = ? COLLATE NOCASE")
            arguments.append(location)
        }
        if let from = query.from {
            guard isISODate(from) else { throw .invalid("from \(from) is not YYYY-MM-DD") }
            conditions.append("s.dateline_iso >= ?")
            arguments.append(from)
        }
        if let to = query.to {
            guard isISODate(to) else { throw .invalid("to \(to) is not YYYY-MM-DD") }
            conditions.append("s.dateline_iso <= ?")
            arguments.append(to)
        }
        if let speakerID = query.speakerID {
            conditions.append("s.id IN (SELECT story_id FROM appearances WHERE speaker_id = ?)")
            arguments.append(speakerID)
        }
        // Blank text is no filter; text with nothing searchable in it matches nothing.
        if let text = query.text, !text.allSatisfy(\.isWhitespace) {
            guard let match = FullTextQuery.make(text) else { return nil }
            conditions.append("""
                s.id IN (SELECT rowid FROM stories_fts WHERE stories_fts MATCH ?
                         UNION SELECT q.story_id FROM quotes_fts JOIN quotes q ON q.id = quotes_fts.rowid WHERE quotes_fts MATCH ?)
                """)
            arguments.append(match)
            arguments.append(match)
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = """
            SELECT s.id, s.title, s.location, s.dateline_place, s.dateline_date, s.dateline_iso, s.duration_seconds,
                   s.source, s.story_number, s.created_at,
                   (SELECT count(*) FROM appearances a WHERE a.story_id = s.id) AS speaker_count,
                   (SELECT count(*) FROM quotes q WHERE q.story_id = s.id) AS quote_count
            FROM stories s
            \(whereClause)
            ORDER BY s.id DESC
            LIMIT \(limit)
            """
        return (sql, StatementArguments(arguments))
    }

    static func summary(from row: Row) -> StorySummary {
        let place: String? = row["dateline_place"]
        let date: String? = row["dateline_date"]
        let iso: String? = row["dateline_iso"]
        return StorySummary(
            id: row["id"], title: row["title"], location: row["location"],
            dateline: (place == nil && date == nil && iso == nil) ? nil : Dateline(place: place, date: date, isoDate: iso),
            durationSeconds: row["duration_seconds"], source: row["source"], storyNumber: row["story_number"],
            createdAt: Clock.date(milliseconds: row["created_at"]),
            speakerCount: row["speaker_count"], quoteCount: row["quote_count"]
        )
    }
}
