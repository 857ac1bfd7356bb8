import ArchiveModel
import Storage
import TranscriptParsing

/// The result of ingesting one transcript.
public struct IngestResult: Sendable {
    public var story: Story
    /// False when an identical transcript was already archived: `story` is that one.
    public var created: Bool
    public var warnings: [ParseWarning]
}

/// The archive's use cases: ingest a transcript, read stories and quotes.
///
/// It owns the decision of which threads do blocking work: every parse and every database
/// call runs on its `BlockingWorkPool`, never on the caller's (I/O or cooperative) thread.
public final class ArchiveService: Sendable {
    private let database: ArchiveDatabase
    private let stories: StoryRepository
    private let pool: BlockingWorkPool

    public init(database: ArchiveDatabase, pool: BlockingWorkPool = BlockingWorkPool(label: "storyarchive.db", width: 4)) {
        self.database = database
        self.stories = StoryRepository(database: database)
        self.pool = pool
    }

    /// Parses and stores a transcript in one transaction.
    /// - Throws: `.unprocessable` when the transcript has nothing usable, `.storage` when it could not be kept.
    public func ingest(transcript: [UInt8], metadata: StoryMetadata = StoryMetadata()) async throws(ServiceError) -> IngestResult {
        let stories = self.stories
        return try await pool.run { () throws(ServiceError) -> IngestResult in
            let parsed: ParseResult
            do throws(TranscriptError) {
                parsed = try TranscriptParser.parse(bytes: transcript)
            } catch {
                throw .unprocessable(error.detail)
            }
            do throws(StorageError) {
                let (story, created) = try stories.insert(parsed.story, transcript: transcript, metadata: metadata)
                return IngestResult(story: story, created: created, warnings: parsed.warnings)
            } catch {
                throw .storage(error)
            }
        }
    }

    public func story(id: Int64) async throws(ServiceError) -> Story {
        let stories = self.stories
        return try await pool.run { () throws(ServiceError) -> Story in
            let story: Story?
            do throws(StorageError) { story = try stories.story(id: id) } catch { throw .storage(error) }
            guard let story else { throw .notFound("there is no story \(id)") }
            return story
        }
    }

    public func quotes(storyID: Int64) async throws(ServiceError) -> [Quote] {
        let stories = self.stories
        return try await pool.run { () throws(ServiceError) -> [Quote] in
            let quotes: [Quote]?
            do throws(StorageError) { quotes = try stories.quotes(storyID: storyID) } catch { throw .storage(error) }
            guard let quotes else { throw .notFound("there is no story \(storyID)") }
            return quotes
        }
    }

    /// Whether the database is reachable and migrated.
    public func isReady() async -> Bool {
        let database = self.database
        return await pool.run { database.isReady() }
    }
}
