import ArchiveModel
import Foundation
import XCTest

@testable import Storage

/// Real news-video pages from the shared corpus (read at run time, never copied into the repository):
/// their raw bytes are kept exactly, compressed, and identified by SHA-256.
final class CorpusTests: XCTestCase {
    static var corpusDirectory: URL {
        EmbeddedMigrationsTests.repositoryRoot.appendingPathComponent("../shared/corpus").standardizedFileURL
    }

    func testCorpusTranscriptsRoundTripAndDeduplicate() throws {
        let directory = Self.corpusDirectory
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path).filter({ $0.hasSuffix(".txt") }).sorted(),
              !names.isEmpty
        else {
            throw XCTSkip("no corpus at \(directory.path); skipping")
        }
        let database = try makeDatabase()
        let repository = StoryRepository(database: database)
        var rawTotal = 0
        var storedTotal = 0
        for name in names.prefix(50) {
            let bytes = [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
            let (story, created) = try repository.insert(StoryDraft(title: name), transcript: bytes, metadata: StoryMetadata())
            XCTAssertTrue(created, name)
            XCTAssertEqual(try repository.transcript(storyID: story.id), bytes, name)
            let again = try repository.insert(StoryDraft(title: "again"), transcript: bytes, metadata: StoryMetadata())
            XCTAssertFalse(again.created, name)
            XCTAssertEqual(again.story.id, story.id, name)
            rawTotal += bytes.count
            storedTotal += try database.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT length(compressed) FROM transcripts WHERE story_id = ?", arguments: [story.id]) ?? 0
            }
        }
        XCTAssertLessThan(storedTotal, rawTotal, "news pages are text: zlib must shrink them")
        print("corpus: \(min(names.count, 50)) transcripts, \(rawTotal) raw bytes stored as \(storedTotal) compressed")
    }
}
