import ArchiveModel
import CoreMetrics
import Dispatch
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
    let database: ArchiveDatabase
    let stories: StoryRepository
    let speakers: SpeakerRepository
    let quotes: QuoteRepository
    let pool: BlockingWorkPool
    let timers: OperationTimers
    /// Moves on every change to the data; response caches key their validity on it.
    public let generation = DataGeneration()

    public init(
        database: ArchiveDatabase, pool: BlockingWorkPool = BlockingWorkPool(label: "sa.db", width: 4),
        metrics: any MetricsFactory = MetricsSystem.factory
    ) {
        self.database = database
        self.stories = StoryRepository(database: database)
        self.speakers = SpeakerRepository(database: database)
        self.quotes = QuoteRepository(database: database)
        self.pool = pool
        self.timers = OperationTimers(factory: metrics)
    }

    /// Parses and stores a transcript in one transaction.
    /// - Throws: `.unprocessable` when the transcript has nothing usable, `.storage` when it could not be kept.
    public func ingest(transcript: [UInt8], metadata: StoryMetadata = StoryMetadata()) async throws(ServiceError) -> IngestResult {
        let stories = self.stories
        let generation = self.generation
        return try await pool.run(timer: timers.ingest) { () throws(ServiceError) -> IngestResult in
            let parsed = try Self.parse(transcript)
            do throws(StorageError) {
                let (story, created) = try stories.insert(parsed.story, transcript: transcript, metadata: metadata)
                if created { generation.advance() }
                return IngestResult(story: story, created: created, warnings: parsed.warnings)
            } catch {
                throw .storage(error)
            }
        }
    }

    public func story(id: Int64) async throws(ServiceError) -> Story {
        let stories = self.stories
        return try await pool.run(timer: timers.story) { () throws(ServiceError) -> Story in
            let story: Story?
            do throws(StorageError) { story = try stories.story(id: id) } catch { throw .storage(error) }
            guard let story else { throw .notFound("there is no story \(id)") }
            return story
        }
    }

    public func quotes(storyID: Int64) async throws(ServiceError) -> [Quote] {
        let stories = self.stories
        return try await pool.run(timer: timers.quotes) { () throws(ServiceError) -> [Quote] in
            let quotes: [Quote]?
            do throws(StorageError) { quotes = try stories.quotes(storyID: storyID) } catch { throw .storage(error) }
            guard let quotes else { throw .notFound("there is no story \(storyID)") }
            return quotes
        }
    }

    /// Notices writes by other processes to the same database file within `interval`.
    public func watchForOtherWriters(every interval: DispatchTimeInterval = .milliseconds(200)) {
        generation.watch(database, every: interval)
    }

    /// Whether the database is reachable and migrated.
    public func isReady() async -> Bool {
        let database = self.database
        return await pool.run { database.isReady() }
    }
}

/// Timers of the database work behind each use case (`storyarchive_db_seconds{operation}`).
typealias CoreMetricsTimer = CoreMetrics.Timer

struct OperationTimers: Sendable {
    let ingest: CoreMetrics.Timer
    let story: CoreMetrics.Timer
    let quotes: CoreMetrics.Timer
    let list: CoreMetrics.Timer
    let search: CoreMetrics.Timer

    init(factory: any MetricsFactory) {
        func make(_ operation: String) -> CoreMetrics.Timer {
            CoreMetrics.Timer(label: "storyarchive_db_seconds", dimensions: [("operation", operation)], factory: factory)
        }
        ingest = make("ingest")
        story = make("story")
        quotes = make("quotes")
        list = make("list")
        search = make("search")
    }
}
