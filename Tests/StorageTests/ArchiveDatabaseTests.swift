import ArchiveModel
import Foundation
import GRDB
import XCTest

#if canImport(Glibc)
import Glibc
#endif

@testable import Storage

/// Trouble the service must survive: it answers 503 + Retry-After, writes nothing, corrupts nothing,
/// and works again once the cause goes away.
final class ArchiveDatabaseTests: XCTestCase {
    func testOpensInWALModeWithForeignKeysAndCreatesTheDirectory() throws {
        let directory = try makeTemporaryDirectory()
        let path = directory.file("nested/deeper/archive.sqlite")
        let database = try ArchiveDatabase(path: path)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))
        let (mode, foreignKeys, synchronous, walLimit) = try database.pool.write { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                try Int.fetchOne(db, sql: "PRAGMA foreign_keys"),
                try Int.fetchOne(db, sql: "PRAGMA synchronous"),
                try Int.fetchOne(db, sql: "PRAGMA journal_size_limit")
            )
        }
        XCTAssertEqual(mode, "wal")
        XCTAssertEqual(foreignKeys, 1)
        XCTAssertEqual(synchronous, 2, "FULL")
        XCTAssertEqual(walLimit, 64 << 20)
        XCTAssertEqual(try database.pool.write { try Int.fetchOne($0, sql: "PRAGMA cache_size") }, -32768, "the writer's 32 MiB page cache")
        XCTAssertTrue(database.isReady())
    }

    func testCloseCheckpointsAndLaterCallsFail() throws {
        let directory = try makeTemporaryDirectory()
        let path = directory.file("a.sqlite")
        let database = try ArchiveDatabase(path: path)
        let repository = StoryRepository(database: database)
        let (story, _) = try repository.insert(.make(), transcript: transcriptBytes("x"), metadata: StoryMetadata())
        try database.close()
        XCTAssertFalse(database.isReady())
        XCTAssertThrowsError(try repository.story(id: story.id))
        let walSize = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? NSNumber)?.intValue ?? 0
        XCTAssertEqual(walSize, 0, "closing checkpoints the WAL")
        // The file holds everything: a new opener sees the story.
        XCTAssertEqual(try StoryRepository(database: try ArchiveDatabase(path: path)).story(id: story.id), story)
    }

    func testDataVersionMovesForOtherConnectionsWritesOnly() throws {
        let directory = try makeTemporaryDirectory()
        let path = directory.file("a.sqlite")
        let mine = try ArchiveDatabase(path: path)
        let other = try ArchiveDatabase(path: path)
        let start = try mine.dataVersion()
        _ = try StoryRepository(database: mine).insert(.make(), transcript: transcriptBytes("mine"), metadata: StoryMetadata())
        XCTAssertEqual(try mine.dataVersion(), start, "own writes do not move it")
        _ = try StoryRepository(database: other).insert(.make(), transcript: transcriptBytes("other"), metadata: StoryMetadata())
        XCTAssertNotEqual(try mine.dataVersion(), start, "another connection's commit moves it")
    }

    func testNormalDurabilityRunsTheWriterWithSynchronousNormal() throws {
        let directory = try makeTemporaryDirectory()
        let database = try ArchiveDatabase(path: directory.file("a.sqlite"), durability: .normal)
        XCTAssertEqual(try database.pool.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") }, 1)
    }

    func testLockedDatabaseIsUnavailableReadsStillWorkAndWritesRecover() throws {
        let database = try makeDatabase(busyTimeout: .milliseconds(200))
        let repository = StoryRepository(database: database)
        let (before, _) = try repository.insert(.make(), transcript: transcriptBytes("before"), metadata: StoryMetadata())

        let holder = try LockHolder(path: database.path)
        XCTAssertThrowsError(try repository.insert(.make(), transcript: transcriptBytes("during"), metadata: StoryMetadata())) { error in
            guard case .unavailable(reason: .locked(let failure), let retryAfter) = error as? StorageError else {
                return XCTFail("expected .unavailable(.locked), got \(error)")
            }
            XCTAssertEqual(failure.primaryResultCode, 5)  // SQLITE_BUSY
            XCTAssertEqual(retryAfter, 1)
            XCTAssertEqual((error as? StorageError)?.retryAfter, 1)
        }
        // WAL: readers do not wait for the writer (https://sqlite.org/wal.html).
        XCTAssertEqual(try repository.story(id: before.id)?.title, before.title)
        XCTAssertTrue(database.isReady())
        holder.release()

        let (after, created) = try repository.insert(.make(), transcript: transcriptBytes("during"), metadata: StoryMetadata())
        XCTAssertTrue(created)
        XCTAssertEqual(try repository.story(id: after.id)?.id, after.id)
    }

    func testDiskFullIsUnavailableWritesNothingAndRecovers() throws {
        let database = try makeDatabase()
        let repository = StoryRepository(database: database)
        let (before, _) = try repository.insert(.make(), transcript: transcriptBytes("small"), metadata: StoryMetadata())

        // Stand-in for a full disk: the writer may not grow the file by more than two pages
        // (https://sqlite.org/pragma.html#pragma_max_page_count). Random bytes do not compress.
        try database.pool.writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            try db.execute(sql: "PRAGMA max_page_count = \(pages + 2)")
        }
        var generator = SystemRandomNumberGenerator()
        let big = (0 ..< 64 * 1024).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
        XCTAssertThrowsError(try repository.insert(.make(title: "Too big"), transcript: big, metadata: StoryMetadata())) { error in
            guard case .unavailable(reason: .diskFull(let failure), let retryAfter) = error as? StorageError else {
                return XCTFail("expected .unavailable(.diskFull), got \(error)")
            }
            XCTAssertEqual(failure.primaryResultCode, 13)  // SQLITE_FULL
            XCTAssertEqual(retryAfter, 30)
        }
        try assertIntact(database, stories: 1)
        XCTAssertEqual(try repository.story(id: before.id), before)

        try database.pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA max_page_count = 1073741823")
        }
        let (story, created) = try repository.insert(.make(title: "Too big"), transcript: big, metadata: StoryMetadata())
        XCTAssertTrue(created)
        XCTAssertEqual(try repository.transcript(storyID: story.id), big)
        try assertIntact(database, stories: 2)
    }

    func testReadOnlyConnectionIsUnavailableAndRecovers() throws {
        let database = try makeDatabase()
        let repository = StoryRepository(database: database)
        // The writer refuses writes as it would on a read-only file (https://sqlite.org/pragma.html#pragma_query_only).
        try database.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA query_only = ON") }
        XCTAssertThrowsError(try repository.insert(.make(), transcript: transcriptBytes("ro"), metadata: StoryMetadata())) { error in
            guard case .unavailable(reason: .readOnly(let failure), let retryAfter) = error as? StorageError else {
                return XCTFail("expected .unavailable(.readOnly), got \(error)")
            }
            XCTAssertEqual(failure.primaryResultCode, 8)  // SQLITE_READONLY
            XCTAssertEqual(retryAfter, 30)
        }
        try database.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA query_only = OFF") }
        try assertIntact(database, stories: 0)
        XCTAssertTrue(try repository.insert(.make(), transcript: transcriptBytes("ro"), metadata: StoryMetadata()).created)
    }

    func testReadOnlyOpenServesReadsAndRefusesWrites() throws {
        let directory = try makeTemporaryDirectory()
        let path = directory.file("archive.sqlite")
        let writable = try ArchiveDatabase(path: path)
        let (story, _) = try StoryRepository(database: writable).insert(.make(), transcript: transcriptBytes("one"), metadata: StoryMetadata())

        let readOnly = try ArchiveDatabase.openReadOnly(path: path)
        let repository = StoryRepository(database: readOnly)
        XCTAssertEqual(try repository.story(id: story.id), story)
        XCTAssertTrue(readOnly.isReady())
        XCTAssertThrowsError(try repository.insert(.make(), transcript: transcriptBytes("two"), metadata: StoryMetadata())) { error in
            guard case .unavailable(reason: .readOnly(let failure), let retryAfter) = error as? StorageError else {
                return XCTFail("expected .unavailable(.readOnly), got \(error)")
            }
            XCTAssertEqual(failure.primaryResultCode, 8)
            XCTAssertEqual(retryAfter, 30)
        }
        XCTAssertThrowsError(try repository.delete(id: story.id))
        XCTAssertEqual(try repository.story(id: story.id), story, "nothing was changed")
        XCTAssertTrue(try StoryRepository(database: writable).insert(.make(), transcript: transcriptBytes("two"), metadata: StoryMetadata()).created)
        XCTAssertThrowsError(try ArchiveDatabase.openReadOnly(path: directory.file("missing.sqlite"))) { error in
            guard case .unavailable(reason: .cannotOpen, _) = error as? StorageError else { return XCTFail("\(error)") }
        }
    }

    func testReadOnlyFileIsUnavailableAndRecoversWhenWritableAgain() throws {
        if geteuid() == 0 {
            throw XCTSkip("running as root, which ignores file permissions; read-only is covered by the query_only test")
        }
        let directory = try makeTemporaryDirectory()
        let path = directory.file("archive.sqlite")
        do {
            let database = try ArchiveDatabase(path: path)
            _ = try StoryRepository(database: database).insert(.make(), transcript: transcriptBytes("one"), metadata: StoryMetadata())
        }
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            XCTAssertEqual(chmod(file, 0o444), 0)
        }
        XCTAssertEqual(chmod(directory.path, 0o555), 0)
        defer { _ = chmod(directory.path, 0o755) }
        do {
            let database = try ArchiveDatabase(path: path)
            _ = try StoryRepository(database: database).insert(.make(), transcript: transcriptBytes("two"), metadata: StoryMetadata())
            XCTFail("writing to a read-only database must fail")
        } catch {
            guard case .unavailable = error else { return XCTFail("expected .unavailable, got \(error)") }
        }
        XCTAssertEqual(chmod(directory.path, 0o755), 0)
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            XCTAssertEqual(chmod(file, 0o644), 0)
        }
        let database = try ArchiveDatabase(path: path)
        XCTAssertTrue(try StoryRepository(database: database).insert(.make(), transcript: transcriptBytes("two"), metadata: StoryMetadata()).created)
    }

    func testFileThatIsNotADatabaseIsCorrupt() throws {
        let directory = try makeTemporaryDirectory()
        let path = directory.file("archive.sqlite")
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try ArchiveDatabase(path: path)) { error in
            guard case .corrupt = error as? StorageError else { return XCTFail("expected .corrupt, got \(error)") }
        }
    }

    func testUnusableDirectoryCannotOpen() throws {
        let directory = try makeTemporaryDirectory()
        let blocker = directory.file("a-file")
        try Data("x".utf8).write(to: URL(fileURLWithPath: blocker))
        XCTAssertThrowsError(try ArchiveDatabase(path: blocker + "/archive.sqlite")) { error in
            guard case .unavailable(reason: .cannotOpen(let detail), _) = error as? StorageError else {
                return XCTFail("expected .unavailable(.cannotOpen), got \(error)")
            }
            XCTAssertTrue(detail.contains("a-file"), detail)
        }
    }

    /// Row counts agree across tables and SQLite finds nothing wrong with the file or the full-text index.
    func assertIntact(_ database: ArchiveDatabase, stories expected: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        try database.pool.read { db in
            XCTAssertEqual(try String.fetchOne(db, sql: "PRAGMA integrity_check"), "ok", file: file, line: line)
            XCTAssertEqual(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count, 0, file: file, line: line)
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM stories"), expected, file: file, line: line)
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM transcripts"), expected, file: file, line: line)
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM stories_fts"), expected, file: file, line: line)
        }
        try database.pool.write { db in
            // https://sqlite.org/fts5.html#the_integrity_check_command
            try db.execute(sql: "INSERT INTO quotes_fts (quotes_fts) VALUES ('integrity-check')")
            try db.execute(sql: "INSERT INTO stories_fts (stories_fts) VALUES ('integrity-check')")
        }
    }
}
