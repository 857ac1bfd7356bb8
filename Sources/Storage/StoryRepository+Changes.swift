import ArchiveModel
import Foundation
import GRDB

extension StoryRepository {
    /// Replaces a story's content with a new parse (and optionally a new transcript), keeping its id
    /// and creation time, in one transaction. Speakers left without appearances are removed.
    /// - Parameters:
    ///   - transcript: the new raw transcript, or nil to keep the stored one (a re-parse).
    /// - Throws: `.notFound` when there is no such story; `.invalid` when the draft is inconsistent or
    ///   the new transcript is already stored as another story.
    public func replace(
        id: Int64, with draft: StoryDraft, transcript: [UInt8]? = nil, metadata: StoryMetadata
    ) throws(StorageError) -> Story {
        try Self.validate(draft)
        let digest = transcript.map { SHA256.hash($0) }
        let compressed = transcript.map { TranscriptCompression.compress($0) }
        let now = Clock.nowMilliseconds()
        return try database.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM stories WHERE id = ?", arguments: [id]) != nil else {
                throw StorageError.notFound("story \(id)")
            }
            if let transcript, let digest, let compressed {
                if let other = try Int64.fetchOne(
                    db, sql: "SELECT story_id FROM transcripts WHERE sha256 = ? AND story_id <> ?", arguments: [Data(digest), id]
                ) {
                    throw StorageError.invalid("this transcript is already stored as story \(other)")
                }
                try db.execute(
                    sql: "UPDATE transcripts SET sha256 = ?, byte_count = ?, compressed = ? WHERE story_id = ?",
                    arguments: [Data(digest), transcript.count, Data(compressed), id]
                )
            }
            let previousSpeakers = try Self.speakerIDs(db, storyID: id)
            // Appearances cascade to segments and quotes (and quotes to their full-text rows).
            try db.execute(sql: "DELETE FROM appearances WHERE story_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM segments WHERE story_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM quotes WHERE story_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM stories_fts WHERE rowid = ?", arguments: [id])
            try db.execute(
                sql: """
                    UPDATE stories SET title = ?, location = ?, dateline_place = ?, dateline_date = ?, dateline_iso = ?,
                        duration_seconds = ?, restrictions = ?, story_number = ?, source = ?, source_url = ?,
                        published_at = ?, language = ?, updated_at = ?
                    WHERE id = ?
                    """,
                arguments: [
                    draft.title, draft.location, draft.dateline?.place, draft.dateline?.date, draft.dateline?.isoDate,
                    draft.durationSeconds, Self.encodeList(draft.restrictions), draft.storyNumber, draft.source,
                    metadata.sourceURL, metadata.publishedAt, metadata.language, now, id,
                ]
            )
            try Self.insertContent(db, draft, storyID: id)
            try Self.deleteOrphanSpeakers(db, among: previousSpeakers)
            guard let story = try Self.fetchStory(db, id: id) else {
                throw StorageError.corrupt("story \(id) vanished inside its own transaction")
            }
            return story
        }
    }

    /// Deletes a story with its transcript, segments, appearances and quotes; speakers who appeared
    /// nowhere else go too. One transaction.
    /// - Returns: false when there was no such story.
    @discardableResult
    public func delete(id: Int64) throws(StorageError) -> Bool {
        try database.write { db in
            let speakers = try Self.speakerIDs(db, storyID: id)
            try db.execute(sql: "DELETE FROM stories WHERE id = ?", arguments: [id])
            guard db.changesCount > 0 else { return false }
            try Self.deleteOrphanSpeakers(db, among: speakers)
            return true
        }
    }

    static func speakerIDs(_ db: Database, storyID: Int64) throws -> [Int64] {
        try Int64.fetchAll(db, sql: "SELECT speaker_id FROM appearances WHERE story_id = ?", arguments: [storyID])
    }

    /// Removes those of `ids` that no longer appear in any story (their aliases cascade).
    static func deleteOrphanSpeakers(_ db: Database, among ids: [Int64]) throws {
        let statement = try db.cachedStatement(
            sql: "DELETE FROM speakers WHERE id = ? AND NOT EXISTS (SELECT 1 FROM appearances WHERE speaker_id = ?)"
        )
        for id in ids {
            try statement.execute(arguments: [id, id])
        }
    }
}
