import ArchiveModel
import Storage

/// Reads every story in id order, one page at a time: the use case behind `storyarchive export`.
///
/// Synchronous on purpose: the command line has no I/O loop to keep free, and a page read is
/// one short read transaction.
public struct StoryExporter: Sendable {
    private let stories: StoryRepository

    public init(database: ArchiveDatabase) {
        stories = StoryRepository(database: database)
    }

    /// Stories with ids greater than `afterID`, in id order; an empty page means the end.
    public func page(after afterID: Int64, limit: Int = 200) throws(ServiceError) -> [Story] {
        do throws(StorageError) {
            return try stories.stories(afterID: afterID, limit: limit)
        } catch {
            throw .storage(error)
        }
    }
}
