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
    /// created when neither matches. Runs inside the caller's write transaction.
    static func findOrCreate(_ db: Database, name: String, rawLabel: String) throws -> Int64 {
        var key = SpeakerName.normalize(name)
        var display = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if key.isEmpty {
            key = SpeakerName.normalize(rawLabel)
            display = rawLabel.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if let id = try Int64.fetchOne(
            db, sql: "SELECT id FROM speakers WHERE normalized_name = ?", arguments: [key]
        ) {
            return id
        }
        if let id = try Int64.fetchOne(
            db, sql: "SELECT speaker_id FROM speaker_aliases WHERE normalized_alias = ?", arguments: [key]
        ) {
            return id
        }
        try db.execute(
            sql: "INSERT INTO speakers (name, normalized_name, created_at) VALUES (?, ?, ?)",
            arguments: [display, key, Clock.nowMilliseconds()]
        )
        return db.lastInsertedRowID
    }
}
