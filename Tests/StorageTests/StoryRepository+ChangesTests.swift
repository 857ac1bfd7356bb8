import ArchiveModel
import Foundation
import GRDB
import XCTest

@testable import Storage

final class StoryChangesTests: XCTestCase {
    func count(_ database: ArchiveDatabase, _ table: String) throws -> Int {
        try database.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM \(table)") ?? -1 }
    }

    func testDeleteRemovesTheStoryItsQuotesAndSpeakersLeftWithoutAppearances() throws {
        let database = try makeDatabase()
        let repository = StoryRepository(database: database)
        let shared = SpeakerDraft(name: "Anna Schmidt", rawLabel: "ANNA SCHMIDT")
        let (a, _) = try repository.insert(
            .make(title: "A", speakers: [shared, SpeakerDraft(name: "Only In A", rawLabel: "ONLY IN A")]),
            transcript: transcriptBytes("a"), metadata: StoryMetadata()
        )
        let (b, _) = try repository.insert(.make(title: "B", speakers: [shared]), transcript: transcriptBytes("b"), metadata: StoryMetadata())
        let onlyInA = a.speakers[1].id
        try SpeakerRepository(database: database).addAlias("A. Only", speakerID: onlyInA)

        XCTAssertTrue(try repository.delete(id: a.id))
        XCTAssertNil(try repository.story(id: a.id))
        XCTAssertNil(try repository.quotes(storyID: a.id))
        XCTAssertNil(try repository.transcript(storyID: a.id))
        XCTAssertEqual(try repository.story(id: b.id), b)
        let speakers = SpeakerRepository(database: database)
        XCTAssertNil(try speakers.speaker(id: onlyInA), "a speaker without appearances goes")
        XCTAssertNotNil(try speakers.speaker(id: a.speakers[0].id), "a speaker still appearing in B stays")
        XCTAssertEqual(try count(database, "speaker_aliases"), 0)
        XCTAssertEqual(try count(database, "quotes"), b.quotes.count)
        XCTAssertEqual(try count(database, "stories_fts"), 1)
        XCTAssertEqual(try QuoteRepository(database: database).search("prepared").map(\.quote.storyID), [b.id])
        XCTAssertEqual(try repository.list(StoryQuery(text: "A")).items.map(\.id), [], "the story's full-text row is gone")

        XCTAssertFalse(try repository.delete(id: a.id), "deleting twice reports nothing to delete")
        // The same transcript can be ingested again as a new story.
        let (again, created) = try repository.insert(.make(title: "A"), transcript: transcriptBytes("a"), metadata: StoryMetadata())
        XCTAssertTrue(created)
        XCTAssertGreaterThan(again.id, b.id, "ids are never reused")
    }

    func testReplaceKeepsIdAndCreationAndSwapsContent() throws {
        let database = try makeDatabase()
        let repository = StoryRepository(database: database)
        let (original, _) = try repository.insert(.make(), transcript: transcriptBytes("v1"), metadata: StoryMetadata(language: "en"))
        let replacement = StoryDraft(
            title: "Corrected title", location: "Austria",
            segments: [SegmentDraft(kind: .voiceOver, text: "Corrected narration about avalanches.")],
            speakers: [SpeakerDraft(name: "Karl Huber", title: "Guide", rawLabel: "KARL HUBER, guide")],
            quotes: [QuoteDraft(speakerIndex: 0, text: "Snow is unstable.")]
        )
        let updated = try repository.replace(id: original.id, with: replacement, metadata: StoryMetadata(language: "de"))
        XCTAssertEqual(updated.id, original.id)
        XCTAssertEqual(updated.createdAt, original.createdAt)
        XCTAssertEqual(updated.title, "Corrected title")
        XCTAssertEqual(updated.location, "Austria")
        XCTAssertNil(updated.dateline)
        XCTAssertEqual(updated.metadata.language, "de")
        XCTAssertEqual(updated.speakers.map(\.name), ["Karl Huber"])
        XCTAssertEqual(updated.quotes.map(\.text), ["Snow is unstable."])
        XCTAssertEqual(try repository.story(id: original.id), updated)
        XCTAssertEqual(try repository.transcript(storyID: original.id), transcriptBytes("v1"), "a re-parse keeps the transcript")
        // Old speakers without other appearances are gone; search follows the new content.
        XCTAssertEqual(try count(database, "speakers"), 1)
        XCTAssertEqual(try repository.list(StoryQuery(text: "avalanches")).items.map(\.id), [original.id])
        XCTAssertEqual(try repository.list(StoryQuery(text: "Rhine")).items, [])
        XCTAssertEqual(try QuoteRepository(database: database).search("prepared"), [])
        XCTAssertEqual(try repository.list(StoryQuery(text: "corrected title")).items.map(\.id), [original.id])
    }

    func testReplaceWithANewTranscriptMovesTheIdentity() throws {
        let repository = StoryRepository(database: try makeDatabase())
        let (story, _) = try repository.insert(.make(), transcript: transcriptBytes("v1"), metadata: StoryMetadata())
        _ = try repository.replace(id: story.id, with: .make(title: "v2"), transcript: transcriptBytes("v2"), metadata: StoryMetadata())
        XCTAssertEqual(try repository.transcript(storyID: story.id), transcriptBytes("v2"))
        let (same, created) = try repository.insert(.make(), transcript: transcriptBytes("v2"), metadata: StoryMetadata())
        XCTAssertFalse(created)
        XCTAssertEqual(same.id, story.id)
        XCTAssertTrue(try repository.insert(.make(), transcript: transcriptBytes("v1"), metadata: StoryMetadata()).created)
    }

    func testReplaceRefusesAnotherStorysTranscriptAndMissingStories() throws {
        let repository = StoryRepository(database: try makeDatabase())
        let (a, _) = try repository.insert(.make(title: "A"), transcript: transcriptBytes("a"), metadata: StoryMetadata())
        let (b, _) = try repository.insert(.make(title: "B"), transcript: transcriptBytes("b"), metadata: StoryMetadata())
        XCTAssertThrowsError(try repository.replace(id: b.id, with: .make(title: "B2"), transcript: transcriptBytes("a"), metadata: StoryMetadata())) { error in
            guard case .invalid(let message) = error as? StorageError else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("story \(a.id)"), message)
        }
        XCTAssertEqual(try repository.story(id: b.id), b, "a refused replace changes nothing")
        XCTAssertThrowsError(try repository.replace(id: 999, with: .make(), metadata: StoryMetadata())) { error in
            guard case .notFound = error as? StorageError else { return XCTFail("\(error)") }
        }
    }
}
