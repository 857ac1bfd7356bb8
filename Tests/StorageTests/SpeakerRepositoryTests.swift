import ArchiveModel
import Foundation
import XCTest

@testable import Storage

final class SpeakerRepositoryTests: XCTestCase {
    func testListSearchAndPages() throws {
        let database = try makeDatabase()
        let stories = StoryRepository(database: database)
        let speakers = SpeakerRepository(database: database)
        for (index, name) in ["Zoe Adams", "Dr. José García", "Anna Schmidt", "Josefa Garcia Lopez"].enumerated() {
            _ = try stories.insert(
                .make(title: "S\(index)", speakers: [SpeakerDraft(name: name, rawLabel: name.uppercased())]),
                transcript: transcriptBytes("s\(index)"), metadata: StoryMetadata()
            )
        }
        _ = try stories.insert(
            .make(title: "Again", speakers: [SpeakerDraft(name: "Anna Schmidt", rawLabel: "ANNA SCHMIDT")]),
            transcript: transcriptBytes("again"), metadata: StoryMetadata()
        )

        let all = try speakers.list()
        XCTAssertEqual(all.items.map(\.name), ["Anna Schmidt", "Dr. José García", "Josefa Garcia Lopez", "Zoe Adams"])
        XCTAssertEqual(all.items.map(\.appearanceCount), [2, 1, 1, 1])
        XCTAssertNil(all.nextCursor)

        let first = try speakers.list(limit: 3)
        XCTAssertEqual(first.items.count, 3)
        let rest = try speakers.list(limit: 3, after: first.nextCursor)
        XCTAssertEqual(rest.items.map(\.name), ["Zoe Adams"])
        XCTAssertNil(rest.nextCursor)

        // Any word, as a prefix, without accents or case.
        XCTAssertEqual(try speakers.list(search: "garc").items.map(\.name), ["Dr. José García", "Josefa Garcia Lopez"])
        XCTAssertEqual(try speakers.list(search: "GARCÍA jos").items.map(\.name), ["Dr. José García", "Josefa Garcia Lopez"])
        XCTAssertEqual(try speakers.list(search: "lopez").items.map(\.name), ["Josefa Garcia Lopez"])
        XCTAssertEqual(try speakers.list(search: "schmidt anna").items.map(\.name), ["Anna Schmidt"])
        XCTAssertEqual(try speakers.list(search: "nobody").items, [])
        XCTAssertEqual(try speakers.list(search: "\"(").items, [])
        XCTAssertEqual(try speakers.list(search: " ").items.count, 4, "blank search is no filter")
    }

    func testProfileWithAppearancesNewestFirstAndPerStoryTitles() throws {
        let database = try makeDatabase()
        let stories = StoryRepository(database: database)
        let speakers = SpeakerRepository(database: database)
        let (a, _) = try stories.insert(
            .make(title: "First", isoDate: "2020-01-01", speakers: [SpeakerDraft(name: "Anna Schmidt", title: "Deputy", rawLabel: "ANNA SCHMIDT, deputy")]),
            transcript: transcriptBytes("1"), metadata: StoryMetadata()
        )
        let (b, _) = try stories.insert(
            .make(title: "Second", isoDate: nil, speakers: [SpeakerDraft(name: "Mrs Anna Schmidt", title: "Mayor", organization: "Bonn", rawLabel: "MRS ANNA SCHMIDT, Mayor of Bonn")]),
            transcript: transcriptBytes("2"), metadata: StoryMetadata()
        )
        let id = a.speakers[0].id
        try speakers.addAlias("Schmidt, Anna", speakerID: id)
        let profile = try XCTUnwrap(try speakers.speaker(id: id))
        XCTAssertEqual(profile.name, "Anna Schmidt")
        XCTAssertEqual(profile.aliases, ["schmidt anna"])
        XCTAssertEqual(profile.appearances.map(\.storyID), [b.id, a.id])
        XCTAssertEqual(profile.appearances.map(\.storyTitle), ["Second", "First"])
        XCTAssertEqual(profile.appearances.map(\.title), ["Mayor", "Deputy"])
        XCTAssertEqual(profile.appearances.map(\.organization), ["Bonn", nil])
        XCTAssertEqual(profile.appearances.map(\.rawLabel), ["MRS ANNA SCHMIDT, Mayor of Bonn", "ANNA SCHMIDT, deputy"])
        XCTAssertEqual(profile.appearances.map(\.storyDate), [nil, "2020-01-01"])
        XCTAssertEqual(profile.appearances.map(\.quoteCount), [2, 2])
        XCTAssertNil(try speakers.speaker(id: 4242))
    }

    func testSpeakerQuotesNewestStoryFirstWithKeysetPages() throws {
        let database = try makeDatabase()
        let stories = StoryRepository(database: database)
        let speakers = SpeakerRepository(database: database)
        var storyIDs: [Int64] = []
        for n in 1 ... 3 {
            let draft = StoryDraft(
                title: "Story \(n)",
                speakers: [SpeakerDraft(name: "Anna Schmidt", title: "Title \(n)", rawLabel: "ANNA")],
                quotes: [QuoteDraft(speakerIndex: 0, text: "s\(n) q1"), QuoteDraft(speakerIndex: 0, text: "s\(n) q2")]
            )
            storyIDs.append(try stories.insert(draft, transcript: transcriptBytes("q\(n)"), metadata: StoryMetadata()).story.id)
        }
        let anna = try XCTUnwrap(try stories.story(id: storyIDs[0])?.speakers.first?.id)
        var texts: [String] = []
        var cursor: QuoteCursor?
        var pages = 0
        repeat {
            let page = try XCTUnwrap(try speakers.quotes(speakerID: anna, limit: 4, after: cursor))
            texts += page.items.map(\.text)
            cursor = page.nextCursor
            pages += 1
        } while cursor != nil && pages < 10
        XCTAssertEqual(pages, 2)
        XCTAssertEqual(texts, ["s3 q1", "s3 q2", "s2 q1", "s2 q2", "s1 q1", "s1 q2"])
        let firstPage = try XCTUnwrap(try speakers.quotes(speakerID: anna, limit: 1))
        XCTAssertEqual(firstPage.items.first?.speaker.title, "Title 3", "the quote's speaker has that story's title")
        XCTAssertEqual(firstPage.nextCursor, QuoteCursor(storyID: storyIDs[2], position: 1))
        XCTAssertNil(try speakers.quotes(speakerID: 999))
    }

    func testAliasRules() throws {
        let database = try makeDatabase()
        let stories = StoryRepository(database: database)
        let speakers = SpeakerRepository(database: database)
        let (story, _) = try stories.insert(
            .make(speakers: [SpeakerDraft(name: "Anna Schmidt", rawLabel: "A"), SpeakerDraft(name: "Li Wei", rawLabel: "L")]),
            transcript: transcriptBytes("x"), metadata: StoryMetadata()
        )
        let (anna, li) = (story.speakers[0].id, story.speakers[1].id)
        XCTAssertNoThrow(try speakers.addAlias("A Schmidt", speakerID: anna))
        XCTAssertNoThrow(try speakers.addAlias("a. schmidt", speakerID: anna), "the same alias again is a no-op")
        XCTAssertThrowsError(try speakers.addAlias("A Schmidt", speakerID: li)) { error in
            guard case .invalid = error as? StorageError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try speakers.addAlias("LI WEI", speakerID: anna)) { error in
            guard case .invalid = error as? StorageError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try speakers.addAlias("...", speakerID: anna))
        XCTAssertThrowsError(try speakers.addAlias("Someone", speakerID: 999)) { error in
            guard case .notFound = error as? StorageError else { return XCTFail("\(error)") }
        }
    }
}
