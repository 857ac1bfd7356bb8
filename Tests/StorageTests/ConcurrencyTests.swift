import ArchiveModel
import Foundation
import GRDB
import Synchronization
import XCTest

@testable import Storage

/// Many threads at once, as the service's work pool calls storage: every write lands exactly once,
/// readers never fail and never see a half-written story.
final class ConcurrencyTests: XCTestCase {
    func testParallelWritersAndReaders() throws {
        let database = try makeDatabase()
        let repository = StoryRepository(database: database)
        let writers = 4
        let storiesPerWriter = 25
        let failures = Mutex<[String]>([])
        let createdCount = Mutex(0)

        DispatchQueue.concurrentPerform(iterations: writers + 2) { worker in
            if worker < writers {
                for n in 0 ..< storiesPerWriter {
                    do {
                        let draft = StoryDraft.make(title: "w\(worker) n\(n)")
                        if try repository.insert(draft, transcript: transcriptBytes("w\(worker) n\(n)"), metadata: StoryMetadata()).created {
                            createdCount.withLock { $0 += 1 }
                        }
                    } catch {
                        failures.withLock { $0.append("writer \(worker): \(error)") }
                    }
                }
            } else {
                // Readers: every story they can list is complete (all or nothing).
                for _ in 0 ..< 50 {
                    do {
                        for summary in try repository.list(StoryQuery(limit: 10)).items {
                            guard let story = try repository.story(id: summary.id) else {
                                failures.withLock { $0.append("listed story \(summary.id) vanished") }
                                continue
                            }
                            if story.quotes.count != 2 || story.segments.count != 4 || story.speakers.count != 2 {
                                failures.withLock { $0.append("story \(story.id) half-written") }
                            }
                        }
                    } catch {
                        failures.withLock { $0.append("reader \(worker): \(error)") }
                    }
                }
            }
        }
        XCTAssertEqual(failures.withLock { $0 }, [])
        XCTAssertEqual(createdCount.withLock { $0 }, writers * storiesPerWriter)
        XCTAssertEqual(try database.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM stories") }, writers * storiesPerWriter)
        // Two speakers shared by every story: matched, never duplicated by racing writers.
        XCTAssertEqual(try database.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM speakers") }, 2)
    }

    /// Two ArchiveDatabase instances on one file (as two processes would be) both write; the busy
    /// timeout makes them take turns instead of failing.
    func testTwoOpenersOfOneFileTakeTurns() throws {
        let directory = try makeTemporaryDirectory()
        let path = directory.file("archive.sqlite")
        let first = StoryRepository(database: try ArchiveDatabase(path: path))
        let second = StoryRepository(database: try ArchiveDatabase(path: path))
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            let repository = worker == 0 ? first : second
            for n in 0 ..< 20 {
                do {
                    _ = try repository.insert(.make(title: "\(worker)-\(n)"), transcript: transcriptBytes("\(worker)-\(n)"), metadata: StoryMetadata())
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        XCTAssertEqual(failures.withLock { $0 }, [])
        XCTAssertEqual(try first.list(StoryQuery(limit: 100)).items.count, 40)
    }
}
