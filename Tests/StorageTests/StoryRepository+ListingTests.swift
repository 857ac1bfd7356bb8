import ArchiveModel
import Foundation
import XCTest

@testable import Storage

final class StoryListingTests: XCTestCase {
    /// Five stories: ids ascending in ingest order.
    func seed(_ repository: StoryRepository) throws -> [Story] {
        let specs: [(String, String?, String?, String, String)] = [
            ("Floods in Bonn", "Germany", "2020-02-01", "Anna Schmidt", "The river is rising fast."),
            ("Harvest festival", "China", "2020-02-05", "Li Wei", "We celebrate the rice."),
            ("Dyke repairs", "GERMANY", "2020-02-10", "Anna Schmidt", "Repairs finished on time."),
            ("Embassy asylum", "Venezuela", "2020-03-01", "José García", "We ask for protection."),
            ("Undated story", nil, nil, "Li Wei", "No date here."),
        ]
        return try specs.enumerated().map { index, spec in
            let draft = StoryDraft(
                title: spec.0, location: spec.1, dateline: spec.2.map { Dateline(isoDate: $0) },
                segments: [
                    SegmentDraft(kind: .voiceOver, text: "Narration number \(index) mentions bridges."),
                    SegmentDraft(kind: .soundBite, text: spec.4, speakerIndex: 0),
                ],
                speakers: [SpeakerDraft(name: spec.3, rawLabel: spec.3.uppercased())],
                quotes: [QuoteDraft(speakerIndex: 0, segmentIndex: 1, text: spec.4)]
            )
            return try repository.insert(draft, transcript: transcriptBytes("seed \(index)"), metadata: StoryMetadata()).story
        }
    }

    func testNewestFirstWithKeysetPages() throws {
        let repository = StoryRepository(database: try makeDatabase())
        let stories = try seed(repository)
        let first = try repository.list(StoryQuery(limit: 2))
        XCTAssertEqual(first.items.map(\.title), ["Undated story", "Embassy asylum"])
        XCTAssertEqual(first.nextCursor, stories[3].id)
        let second = try repository.list(StoryQuery(limit: 2, after: first.nextCursor))
        XCTAssertEqual(second.items.map(\.title), ["Dyke repairs", "Harvest festival"])
        let third = try repository.list(StoryQuery(limit: 2, after: second.nextCursor))
        XCTAssertEqual(third.items.map(\.title), ["Floods in Bonn"])
        XCTAssertNil(third.nextCursor)

        // A story ingested between pages does not shift the next page.
        _ = try repository.insert(.make(title: "Breaking"), transcript: transcriptBytes("late"), metadata: StoryMetadata())
        XCTAssertEqual(try repository.list(StoryQuery(limit: 2, after: first.nextCursor)).items.map(\.title), ["Dyke repairs", "Harvest festival"])
    }

    func testSummariesCarryCounts() throws {
        let repository = StoryRepository(database: try makeDatabase())
        let (story, _) = try repository.insert(.make(), transcript: transcriptBytes("x"), metadata: StoryMetadata())
        let summary = try XCTUnwrap(try repository.list(StoryQuery()).items.first)
        XCTAssertEqual(summary.id, story.id)
        XCTAssertEqual(summary.speakerCount, 2)
        XCTAssertEqual(summary.quoteCount, 2)
        XCTAssertEqual(summary.dateline?.isoDate, "2020-02-11")
        XCTAssertEqual(summary.createdAt, story.createdAt)
    }

    func testLimitIsClamped() throws {
        let repository = StoryRepository(database: try makeDatabase())
        _ = try seed(repository)
        XCTAssertEqual(try repository.list(StoryQuery(limit: 0)).items.count, 1)
        XCTAssertEqual(try repository.list(StoryQuery(limit: 10_000)).items.count, 5)
    }

    func testFilters() throws {
        let database = try makeDatabase()
        let repository = StoryRepository(database: database)
        let stories = try seed(repository)
        func titles(_ query: StoryQuery) throws -> [String] { try repository.list(query).items.map(\.title) }

        XCTAssertEqual(try titles(StoryQuery(location: "germany")), ["Dyke repairs", "Floods in Bonn"])
        XCTAssertEqual(try titles(StoryQuery(from: "2020-02-05", to: "2020-02-10")), ["Dyke repairs", "Harvest festival"])
        XCTAssertEqual(try titles(StoryQuery(from: "2020-02-06")), ["Embassy asylum", "Dyke repairs"])
        let anna = stories[0].speakers[0].id
        XCTAssertEqual(try titles(StoryQuery(speakerID: anna)), ["Dyke repairs", "Floods in Bonn"])
        XCTAssertEqual(try titles(StoryQuery(speakerID: 9999)), [])
        // Full text: title, narration and quotes, accent- and case-insensitive, all words required.
        XCTAssertEqual(try titles(StoryQuery(text: "HARVEST")), ["Harvest festival"])
        XCTAssertEqual(try titles(StoryQuery(text: "bridges")).count, 5)
        XCTAssertEqual(try titles(StoryQuery(text: "protection")), ["Embassy asylum"])
        XCTAssertEqual(try titles(StoryQuery(text: "rice celebrate")), ["Harvest festival"])
        XCTAssertEqual(try titles(StoryQuery(text: "rice bonn")), [])
        XCTAssertEqual(try titles(StoryQuery(text: "repa*")), ["Dyke repairs"])
        XCTAssertEqual(try titles(StoryQuery(text: "bridges", location: "Germany", from: "2020-02-02")), ["Dyke repairs"])
        // What users type is never FTS syntax: quotes, operators and punctuation cannot break the query.
        XCTAssertEqual(try titles(StoryQuery(text: "\"festival")), ["Harvest festival"])
        XCTAssertEqual(try titles(StoryQuery(text: "title:harvest OR NEAR(")), [])
        XCTAssertEqual(try titles(StoryQuery(text: "?!")), [])
        XCTAssertEqual(try titles(StoryQuery(text: "  ")).count, 5, "blank text is no filter")
    }

    func testMalformedDateFilterIsInvalid() throws {
        let repository = StoryRepository(database: try makeDatabase())
        XCTAssertThrowsError(try repository.list(StoryQuery(from: "yesterday"))) { error in
            guard case .invalid(let message) = error as? StorageError else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("yesterday"), message)
        }
    }
}
