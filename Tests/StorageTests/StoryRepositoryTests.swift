import ArchiveModel
import Foundation
import GRDB
import Synchronization
import XCTest

@testable import Storage

final class StoryRepositoryTests: XCTestCase {
    func testInsertReturnsTheStoredStoryAndReadsItBack() throws {
        let database = try makeDatabase()
        let repository = StoryRepository(database: database)
        let metadata = StoryMetadata(sourceURL: "https://example.test/v/1", publishedAt: "2020-02-11T10:00:00Z", language: "en")
        let (story, created) = try repository.insert(.make(), transcript: transcriptBytes("raw one"), metadata: metadata)

        XCTAssertTrue(created)
        XCTAssertGreaterThan(story.id, 0)
        XCTAssertEqual(story.title, "Officials inspect flood defences")
        XCTAssertEqual(story.location, "Germany")
        XCTAssertEqual(story.dateline, Dateline(place: "Bonn", date: "11 February 2020", isoDate: "2020-02-11"))
        XCTAssertEqual(story.durationSeconds, 95)
        XCTAssertEqual(story.restrictions, ["No access Germany"])
        XCTAssertEqual(story.storyNumber, "A123")
        XCTAssertEqual(story.source, "AP")
        XCTAssertEqual(story.metadata, metadata)
        XCTAssertLessThan(abs(story.createdAt.timeIntervalSinceNow), 60)

        XCTAssertEqual(story.speakers.map(\.name), ["Anna Schmidt", "José García"])
        XCTAssertEqual(story.speakers.map(\.title), ["Mayor", "Engineer"])
        XCTAssertEqual(story.speakers.map(\.organization), ["City of Bonn", nil])
        XCTAssertEqual(story.segments.map(\.position), [1, 2, 3, 4])
        XCTAssertEqual(story.segments.map(\.kind), [.voiceOver, .shot, .soundBite, .soundBite])
        XCTAssertEqual(story.segments[2].speaker, story.speakers[0])
        XCTAssertNil(story.segments[0].speaker)
        XCTAssertEqual(story.quotes.map(\.text), ["We are prepared.", "The walls will hold."])
        XCTAssertEqual(story.quotes.map(\.position), [1, 2])
        XCTAssertEqual(story.quotes.map(\.storyID), [story.id, story.id])
        XCTAssertEqual(story.quotes[0].speaker, story.speakers[0])
        XCTAssertEqual(story.quotes[0].language, "German")
        XCTAssertTrue(story.quotes[0].interpreted)
        XCTAssertFalse(story.quotes[1].interpreted)

        XCTAssertEqual(try repository.story(id: story.id), story)
        XCTAssertEqual(try repository.quotes(storyID: story.id), story.quotes)
    }

    func testMissingStoryIsNilAndQuotesOfMissingStoryIsNil() throws {
        let repository = StoryRepository(database: try makeDatabase())
        XCTAssertNil(try repository.story(id: 12345))
        XCTAssertNil(try repository.quotes(storyID: 12345))
        XCTAssertNil(try repository.transcript(storyID: 12345))
    }

    func testStoryWithoutQuotesHasEmptyQuotesNotNil() throws {
        let repository = StoryRepository(database: try makeDatabase())
        let draft = StoryDraft(title: "Quiet day", segments: [SegmentDraft(kind: .voiceOver, text: "Nothing happened.")])
        let (story, _) = try repository.insert(draft, transcript: transcriptBytes("quiet"), metadata: StoryMetadata())
        XCTAssertEqual(try repository.quotes(storyID: story.id), [])
        XCTAssertNil(story.dateline)
        XCTAssertEqual(story.restrictions, [])
    }

    func testIdenticalTranscriptReturnsTheExistingStoryNotADuplicate() throws {
        let database = try makeDatabase()
        let repository = StoryRepository(database: database)
        let bytes = transcriptBytes("the very same bytes")
        let (first, created1) = try repository.insert(.make(), transcript: bytes, metadata: StoryMetadata())
        let (second, created2) = try repository.insert(.make(title: "Parsed differently this time"), transcript: bytes, metadata: StoryMetadata())
        XCTAssertTrue(created1)
        XCTAssertFalse(created2)
        XCTAssertEqual(second, first)
        XCTAssertEqual(try database.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM stories") }, 1)

        // One byte more is another transcript.
        let (third, created3) = try repository.insert(.make(), transcript: bytes + [0x0A], metadata: StoryMetadata())
        XCTAssertTrue(created3)
        XCTAssertNotEqual(third.id, first.id)
    }

    func testTranscriptIsStoredCompressedWithItsSHA256AndReadsBackExactly() throws {
        let database = try makeDatabase()
        let repository = StoryRepository(database: database)
        let text = String(repeating: "SHOTLIST\n1. Wide of flooded street\nSTORYLINE\nWater rose again.\n", count: 200)
        let bytes = Array(text.utf8) + [0xFF, 0x00, 0xC3]  // not even valid UTF-8: bytes are kept as bytes
        let (story, _) = try repository.insert(.make(), transcript: bytes, metadata: StoryMetadata())
        XCTAssertEqual(try repository.transcript(storyID: story.id), bytes)

        let row = try XCTUnwrap(try database.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT sha256, byte_count, length(compressed) AS stored FROM transcripts WHERE story_id = ?", arguments: [story.id])
        })
        XCTAssertEqual([UInt8](row["sha256"] as Data), SHA256.hash(bytes))
        XCTAssertEqual(row["byte_count"] as Int, bytes.count)
        XCTAssertLessThan(row["stored"] as Int, bytes.count / 10, "a repetitive transcript must be stored compressed")
    }

    func testSameSpeakerAcrossStoriesIsOnePersonWithPerStoryTitles() throws {
        let database = try makeDatabase()
        let repository = StoryRepository(database: database)
        let (a, _) = try repository.insert(
            .make(title: "A", speakers: [SpeakerDraft(name: "Dr. José García", title: "Engineer", organization: "Rhine Authority", rawLabel: "DR. JOSÉ GARCÍA, Engineer")]),
            transcript: transcriptBytes("a"), metadata: StoryMetadata()
        )
        let (b, _) = try repository.insert(
            .make(title: "B", speakers: [SpeakerDraft(name: "jose  garcia", title: "Chief engineer", rawLabel: "JOSE GARCIA, chief engineer")]),
            transcript: transcriptBytes("b"), metadata: StoryMetadata()
        )
        let (c, _) = try repository.insert(
            .make(title: "C", speakers: [SpeakerDraft(name: "Josefa García", rawLabel: "JOSEFA GARCÍA")]),
            transcript: transcriptBytes("c"), metadata: StoryMetadata()
        )
        XCTAssertEqual(a.speakers.count, 1)
        XCTAssertEqual(a.speakers[0].id, b.speakers[0].id, "same person after normalisation")
        XCTAssertNotEqual(a.speakers[0].id, c.speakers[0].id, "a different name is a different person")
        XCTAssertEqual(a.speakers[0].name, "Dr. José García")
        XCTAssertEqual(b.speakers[0].name, "Dr. José García", "the display name is the first seen")
        XCTAssertEqual(a.speakers[0].title, "Engineer")
        XCTAssertEqual(b.speakers[0].title, "Chief engineer", "titles belong to the appearance")
        XCTAssertEqual(b.speakers[0].organization, nil)
        XCTAssertEqual(try database.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM speakers") }, 2)
    }

    func testAnonymousLabelsNeverMergePeople() throws {
        let database = try makeDatabase()
        let repository = StoryRepository(database: database)
        let anonymous = [
            SpeakerDraft(name: "Vox pop", rawLabel: "VOX POP"),
            SpeakerDraft(name: "Vox pop", rawLabel: "VOX POP"),
        ]
        let (a, _) = try repository.insert(.make(speakers: anonymous), transcript: transcriptBytes("a"), metadata: StoryMetadata())
        let (b, _) = try repository.insert(
            .make(speakers: [SpeakerDraft(name: "Unidentified man", rawLabel: "UNIDENTIFIED MAN")]),
            transcript: transcriptBytes("b"), metadata: StoryMetadata()
        )
        let (c, _) = try repository.insert(
            .make(speakers: [SpeakerDraft(name: "Unidentified man", rawLabel: "UNIDENTIFIED MAN")]),
            transcript: transcriptBytes("c"), metadata: StoryMetadata()
        )
        XCTAssertEqual(a.speakers.count, 2, "two vox pops in one story are two people")
        XCTAssertEqual(a.speakers.map(\.name), ["Vox pop", "Vox pop"])
        XCTAssertNotEqual(b.speakers[0].id, c.speakers[0].id)
        XCTAssertEqual(b.speakers[0].name, "Unidentified man")
        XCTAssertEqual(try database.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM speakers") }, 4)
        // Deleting the story removes its anonymous speakers; a re-parse replaces them.
        XCTAssertTrue(try repository.delete(id: b.id))
        XCTAssertEqual(try database.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM speakers") }, 3)
        let replaced = try repository.replace(id: a.id, with: .make(speakers: anonymous), metadata: StoryMetadata())
        XCTAssertEqual(replaced.speakers.count, 2)
        XCTAssertTrue(Set(replaced.speakers.map(\.id)).isDisjoint(with: a.speakers.map(\.id)))
        XCTAssertEqual(try database.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM speakers") }, 3)
        // Anonymous speakers can still be found by what they are.
        XCTAssertEqual(try SpeakerRepository(database: database).list(search: "vox").items.count, 2)
    }

    func testTwoLabelsOfOnePersonInAStoryShareOneAppearance() throws {
        let repository = StoryRepository(database: try makeDatabase())
        let draft = StoryDraft.make(speakers: [
            SpeakerDraft(name: "Anna Schmidt", title: nil, rawLabel: "ANNA SCHMIDT"),
            SpeakerDraft(name: "Mrs Anna Schmidt", title: "Mayor", organization: "City of Bonn", rawLabel: "MRS ANNA SCHMIDT, Mayor"),
        ])
        let (story, _) = try repository.insert(draft, transcript: transcriptBytes("x"), metadata: StoryMetadata())
        XCTAssertEqual(story.speakers.count, 1)
        XCTAssertEqual(story.speakers[0].title, "Mayor", "a later label fills what the first left empty")
        XCTAssertEqual(story.quotes.map(\.speaker.id), [story.speakers[0].id, story.speakers[0].id])
    }

    func testAliasMatchesAnExistingSpeaker() throws {
        let database = try makeDatabase()
        let repository = StoryRepository(database: database)
        let (a, _) = try repository.insert(
            .make(speakers: [SpeakerDraft(name: "Xi Jinping", rawLabel: "XI JINPING")]),
            transcript: transcriptBytes("a"), metadata: StoryMetadata()
        )
        try database.pool.write { db in
            try db.execute(sql: "INSERT INTO speaker_aliases (normalized_alias, speaker_id) VALUES ('jinping xi', ?)", arguments: [a.speakers[0].id])
        }
        let (b, _) = try repository.insert(
            .make(speakers: [SpeakerDraft(name: "JINPING XI", rawLabel: "JINPING XI")]),
            transcript: transcriptBytes("b"), metadata: StoryMetadata()
        )
        XCTAssertEqual(b.speakers[0].id, a.speakers[0].id)
    }

    func testInvalidDraftIsRefusedAndNothingIsWritten() throws {
        let database = try makeDatabase()
        let repository = StoryRepository(database: database)
        var draft = StoryDraft.make()
        draft.quotes.append(QuoteDraft(speakerIndex: 7, text: "Who said this?"))
        XCTAssertThrowsError(try repository.insert(draft, transcript: transcriptBytes("bad"), metadata: StoryMetadata())) { error in
            guard case .invalid(let message) = error as? StorageError else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("speaker 7"), message)
        }
        var badSegment = StoryDraft.make()
        badSegment.segments.append(SegmentDraft(kind: .soundBite, text: "x", speakerIndex: -1))
        XCTAssertThrowsError(try repository.insert(badSegment, transcript: transcriptBytes("bad2"), metadata: StoryMetadata()))
        XCTAssertThrowsError(try repository.insert(.make(title: "  "), transcript: transcriptBytes("bad3"), metadata: StoryMetadata()))
        XCTAssertThrowsError(try repository.insert(.make(isoDate: "11/02/2020"), transcript: transcriptBytes("bad4"), metadata: StoryMetadata()))
        XCTAssertEqual(try database.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM stories") }, 0)
    }

    /// A failure halfway through an ingest leaves nothing behind: not the story, not its speakers.
    func testIngestIsAllOrNothing() throws {
        let database = try makeDatabase()
        let repository = StoryRepository(database: database)
        // Make the second quote of the ingest fail, after the story, speakers and first quote are written.
        try database.pool.write { db in
            try db.execute(sql: """
                CREATE TEMP TRIGGER fail_fts BEFORE INSERT ON quotes WHEN new.text = 'boom'
                BEGIN SELECT RAISE(ABORT, 'injected failure'); END
                """)
        }
        var draft = StoryDraft.make(speakers: [SpeakerDraft(name: "Only Once", rawLabel: "ONLY ONCE")])
        draft.quotes = [QuoteDraft(speakerIndex: 0, text: "fine"), QuoteDraft(speakerIndex: 0, text: "boom")]
        XCTAssertThrowsError(try repository.insert(draft, transcript: transcriptBytes("atomic"), metadata: StoryMetadata())) { error in
            guard case .database(let failure) = error as? StorageError else { return XCTFail("\(error)") }
            XCTAssertEqual(failure.primaryResultCode, 19)  // SQLITE_CONSTRAINT from RAISE(ABORT)
            XCTAssertEqual(failure.message, "injected failure")
        }
        let counts = try database.pool.read { db in
            try ["stories", "transcripts", "speakers", "appearances", "segments", "quotes", "stories_fts"].map {
                try Int.fetchOne(db, sql: "SELECT count(*) FROM \($0)") ?? -1
            }
        }
        XCTAssertEqual(counts, [0, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(try database.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM quotes_fts WHERE quotes_fts MATCH 'fine'") }, 0)
    }

    func testConcurrentIngestsOfOneTranscriptMakeOneStory() throws {
        let database = try makeDatabase()
        let repository = StoryRepository(database: database)
        let bytes = transcriptBytes("raced")
        let created = Mutex<[Bool]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            if let result = try? repository.insert(.make(), transcript: bytes, metadata: StoryMetadata()) {
                created.withLock { $0.append(result.created) }
            }
        }
        let results = created.withLock { $0 }
        XCTAssertEqual(results.count, 8)
        XCTAssertEqual(results.filter { $0 }.count, 1)
        XCTAssertEqual(try database.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM stories") }, 1)
    }

    func testExportWalksWholeStoriesInIdOrder() throws {
        let repository = StoryRepository(database: try makeDatabase())
        var ids: [Int64] = []
        for n in 0 ..< 5 {
            ids.append(try repository.insert(.make(title: "E\(n)"), transcript: transcriptBytes("e\(n)"), metadata: StoryMetadata()).story.id)
        }
        let first = try repository.stories(afterID: 0, limit: 2)
        XCTAssertEqual(first.map(\.title), ["E0", "E1"])
        XCTAssertEqual(first[0].quotes.count, 2, "whole stories, with quotes")
        XCTAssertEqual(try repository.stories(afterID: ids[1], limit: 10).map(\.id), Array(ids[2...]))
        XCTAssertEqual(try repository.stories(afterID: ids[4], limit: 10), [])
    }

    func testForeignKeysAreEnforced() throws {
        let database = try makeDatabase()
        XCTAssertThrowsError(try database.pool.write { db in
            try db.execute(sql: "INSERT INTO quotes (story_id, position, speaker_id, text) VALUES (999, 1, 999, 'orphan')")
        })
    }
}
