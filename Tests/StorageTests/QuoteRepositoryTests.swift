import ArchiveModel
import Foundation
import XCTest

@testable import Storage

final class QuoteRepositoryTests: XCTestCase {
    func testRankedSearchWithSnippetsSpeakersAndStories() throws {
        let database = try makeDatabase()
        let stories = StoryRepository(database: database)
        let search = QuoteRepository(database: database)
        let texts = [
            "The bridge will reopen next week, the bridge is safe, the bridge was inspected.",
            "Traffic is heavy because the bridge is closed for repairs that began in the spring and will take months.",
            "We have nothing to say about roads.",
        ]
        for (index, text) in texts.enumerated() {
            let draft = StoryDraft(
                title: "Story \(index)",
                speakers: [SpeakerDraft(name: "Speaker \(index)", title: "Official", rawLabel: "S\(index)")],
                quotes: [QuoteDraft(speakerIndex: 0, text: text)]
            )
            _ = try stories.insert(draft, transcript: transcriptBytes("r\(index)"), metadata: StoryMetadata())
        }
        let hits = try search.search("bridge")
        XCTAssertEqual(hits.count, 2)
        XCTAssertEqual(hits.map(\.storyTitle), ["Story 0", "Story 1"], "three mentions in a short quote rank first")
        XCTAssertLessThanOrEqual(hits[0].rank, hits[1].rank)
        XCTAssertTrue(hits[0].snippet.contains("[bridge]"), hits[0].snippet)
        XCTAssertEqual(hits[0].quote.speaker.name, "Speaker 0")
        XCTAssertEqual(hits[0].quote.speaker.title, "Official")
        XCTAssertEqual(hits[0].quote.text, texts[0])

        let marked = try search.search("repairs", markers: SnippetMarkers(open: "<mark>", close: "</mark>", ellipsis: "...", tokens: 4))
        XCTAssertEqual(marked.count, 1)
        XCTAssertTrue(marked[0].snippet.contains("<mark>repairs</mark>"), marked[0].snippet)
        XCTAssertTrue(marked[0].snippet.hasPrefix("...") || marked[0].snippet.hasSuffix("..."), marked[0].snippet)

        XCTAssertEqual(try search.search("bridge", limit: 1, offset: 1).map(\.storyTitle), ["Story 1"])
        XCTAssertEqual(try search.search("bridge roads"), [])
        XCTAssertEqual(try search.search("  "), [])
        XCTAssertEqual(try search.search("insp*").map(\.storyTitle), ["Story 0"])

        // Only one speaker's quotes.
        let second = try XCTUnwrap(hits.last?.quote.speaker.id)
        XCTAssertEqual(try search.search("bridge", speakerID: second).map(\.storyTitle), ["Story 1"])
        XCTAssertEqual(try search.search("roads", speakerID: second), [])
    }

    func testAccentsAndCaseDoNotMatter() throws {
        let database = try makeDatabase()
        let (story, _) = try StoryRepository(database: database).insert(
            .make(quotes: [QuoteDraft(speakerIndex: 0, text: "Le café est fermé à Montréal.")]),
            transcript: transcriptBytes("fr"), metadata: StoryMetadata()
        )
        let hits = try QuoteRepository(database: database).search("CAFE montreal")
        XCTAssertEqual(hits.map(\.quote.storyID), [story.id])
    }
}
