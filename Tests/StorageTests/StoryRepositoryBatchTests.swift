import ArchiveModel
import Foundation
@testable import Storage
import XCTest

final class StoryRepositoryBatchTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("batch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func item(_ n: Int, speaker: String = "Ada Byrne", badQuote: Bool = false) -> StoryToInsert {
        var draft = StoryDraft(
            title: "Story \(n)", segments: [SegmentDraft(kind: .soundBite, text: "Words \(n).", speakerIndex: 0)],
            speakers: [SpeakerDraft(name: speaker, title: "Harbour master", rawLabel: "\(speaker), Harbour master")],
            quotes: [QuoteDraft(speakerIndex: 0, segmentIndex: 0, text: "Words \(n).")]
        )
        if badQuote { draft.quotes[0].speakerIndex = 7 }
        return StoryToInsert(draft: draft, transcript: Array("transcript \(n)".utf8))
    }

    func testOneBatchStoresNewOnesAndReportsDuplicatesAndFailuresEach() throws {
        let database = try ArchiveDatabase(path: directory.appendingPathComponent("a.sqlite").path)
        let stories = StoryRepository(database: database)
        let (existing, _) = try stories.insert(item(1).draft, transcript: item(1).transcript, metadata: StoryMetadata())

        let outcomes = try stories.insertBatch([item(1), item(2), item(2), item(3, badQuote: true), item(4)])
        XCTAssertEqual(outcomes.count, 5)
        XCTAssertEqual(outcomes[0], .duplicate(id: existing.id))
        guard case .created(let second) = outcomes[1] else { return XCTFail("\(outcomes[1])") }
        XCTAssertEqual(outcomes[2], .duplicate(id: second), "a repeat inside the batch is a duplicate of the first")
        guard case .failed(.invalid) = outcomes[3] else { return XCTFail("\(outcomes[3])") }
        guard case .created(let fourth) = outcomes[4] else { return XCTFail("\(outcomes[4])") }

        XCTAssertEqual(try stories.story(id: second)?.title, "Story 2")
        XCTAssertEqual(try stories.quotes(storyID: fourth)?.map(\.text), ["Words 4."])
        XCTAssertEqual(try stories.list(StoryQuery(limit: 50)).items.map(\.title), ["Story 4", "Story 2", "Story 1"])
        XCTAssertEqual(Set(try stories.quotes(storyID: second)!.map(\.speaker.id)), Set(try stories.quotes(storyID: fourth)!.map(\.speaker.id)),
                       "one speaker across the batch")
    }

    /// A story that fails inside the write (here a trigger refuses it) undoes the batch's first
    /// attempt; the batch is stored again story by story, and only the failing one is missing —
    /// from the tables and from both full-text indexes, which are written at the batch's end.
    func testAFailureInsideTheWriteKeepsTheOthersAndTheirSearchRows() throws {
        let database = try ArchiveDatabase(path: directory.appendingPathComponent("b.sqlite").path)
        try database.write { db in
            try db.execute(sql: """
                CREATE TRIGGER refuse_story_3 BEFORE INSERT ON stories WHEN new.title = 'Story 3'
                BEGIN SELECT RAISE(ABORT, 'refused for the test'); END
                """)
        }
        let stories = StoryRepository(database: database)
        let outcomes = try stories.insertBatch([item(2), item(3), item(4)])
        guard case .created(let second) = outcomes[0], case .created(let fourth) = outcomes[2] else { return XCTFail("\(outcomes)") }
        guard case .failed = outcomes[1] else { return XCTFail("\(outcomes[1])") }

        let quotes = QuoteRepository(database: database)
        XCTAssertEqual(try quotes.search("words").map(\.quote.storyID).sorted(), [second, fourth])
        XCTAssertEqual(try quotes.search("words").count, 2, "one search row per stored quote")
        XCTAssertEqual(try stories.list(StoryQuery(text: "story", limit: 50)).items.map(\.id).sorted(), [second, fourth])
        XCTAssertEqual(try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM stories_fts") }, 2)
        // FTS5's own check that the index matches the quotes table (it raises an error otherwise).
        try database.write { db in try db.execute(sql: "INSERT INTO quotes_fts (quotes_fts) VALUES ('integrity-check')") }
    }
}
