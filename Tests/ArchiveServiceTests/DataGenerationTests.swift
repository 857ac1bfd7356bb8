import ArchiveModel
import ArchiveService
import Foundation
import Storage
import XCTest

final class DataGenerationTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("generation-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private var path: String { directory.appendingPathComponent("archive.sqlite").path }

    private func transcript(_ n: Int) -> [UInt8] {
        Array("Harbour news \(n)\n\nThe ferry crossed the fjord on time for the \(n)th day running.".utf8)
    }

    func testOwnWritesMoveTheGenerationAndReadsDoNot() async throws {
        let service = ArchiveService(database: try ArchiveDatabase(path: path))
        let start = service.generation.current
        let created = try await service.ingest(transcript: transcript(1))
        let afterCreate = service.generation.current
        XCTAssertGreaterThan(afterCreate, start)
        _ = try await service.story(id: created.story.id)
        _ = try await service.ingest(transcript: transcript(1))  // a duplicate changes nothing
        XCTAssertEqual(service.generation.current, afterCreate)
        try await service.deleteStory(id: created.story.id)
        XCTAssertGreaterThan(service.generation.current, afterCreate)
    }

    func testAnotherProcessesWriteIsNoticed() async throws {
        let service = ArchiveService(database: try ArchiveDatabase(path: path))
        service.watchForOtherWriters(every: .milliseconds(20))
        // A second, independent opener of the same file stands in for another process.
        let other = StoryRepository(database: try ArchiveDatabase(path: path))
        try await Task.sleep(for: .milliseconds(100))
        let before = service.generation.current
        _ = try other.insert(StoryDraft(title: "Written elsewhere"), transcript: transcript(2), metadata: StoryMetadata())
        var noticed = false
        for _ in 0..<250 where !noticed {  // at most 5 s
            try await Task.sleep(for: .milliseconds(20))
            noticed = service.generation.current > before
        }
        XCTAssertTrue(noticed, "the write through another connection moved the generation")
    }
}
