import ArchiveModel
import GRDB

extension StoryRepository {
    /// Whole stories (segments, speakers, quotes) with ids greater than `afterID`, in id order,
    /// at most `limit`: what `storyarchive export` walks, one page per read transaction, so that
    /// an export of any size holds only one page in memory and never blocks writers (WAL).
    /// - Throws: `.unavailable` when the database cannot be read now.
    public func stories(afterID: Int64, limit: Int) throws(StorageError) -> [Story] {
        try database.read { db in
            let ids = try Int64.fetchAll(
                db, sql: "SELECT id FROM stories WHERE id > ? ORDER BY id LIMIT ?", arguments: [afterID, max(0, limit)]
            )
            return try ids.compactMap { id in try Self.fetchStory(db, id: id) }
        }
    }
}
