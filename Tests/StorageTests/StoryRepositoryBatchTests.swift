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
}
