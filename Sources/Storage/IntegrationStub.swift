import ArchiveModel
import Foundation

// Temporary stand-in with the agreed public API, replaced when the storage branch lands.
public enum StorageError: Error, Sendable {
    case unavailable(reason: String, retryAfter: Int)
    case migration(String)
}
public struct MigrationStatus: Sendable {
    public var name: String
    public var checksum: String
    public var appliedAt: Date?
}
public final class ArchiveDatabase: Sendable {
    public init(path: String, migrate: Bool = true) throws(StorageError) {}
    public func migrate() throws(StorageError) {}
    public func migrationStatus() throws(StorageError) -> [MigrationStatus] { [] }
    public func isReady() -> Bool { true }
}
public final class StoryRepository: @unchecked Sendable {
    private let lock = NSLock()
    private var stories: [Story] = []
    public init(database: ArchiveDatabase) {}
    public func insert(_ draft: StoryDraft, transcript: [UInt8], metadata: StoryMetadata) throws(StorageError) -> (story: Story, created: Bool) {
        lock.lock(); defer { lock.unlock() }
        let id = Int64(stories.count + 1)
        let speakers = draft.speakers.enumerated().map { Speaker(id: Int64($0.offset + 1), name: $0.element.name, title: $0.element.title, organization: $0.element.organization) }
        let story = Story(id: id, title: draft.title, location: draft.location, durationSeconds: draft.durationSeconds, restrictions: draft.restrictions,
                          segments: draft.segments.enumerated().map { Segment(position: $0.offset + 1, kind: $0.element.kind, text: $0.element.text, speaker: $0.element.speakerIndex.map { speakers[$0] }) },
                          speakers: speakers,
                          quotes: draft.quotes.enumerated().map { Quote(id: Int64($0.offset + 1), storyID: id, position: $0.offset + 1, text: $0.element.text, speaker: speakers[$0.element.speakerIndex]) },
                          createdAt: Date(), metadata: metadata)
        stories.append(story)
        return (story, true)
    }
    public func story(id: Int64) throws(StorageError) -> Story? {
        lock.lock(); defer { lock.unlock() }
        return stories.first { $0.id == id }
    }
    public func quotes(storyID: Int64) throws(StorageError) -> [Quote]? {
        try story(id: storyID)?.quotes
    }
}
