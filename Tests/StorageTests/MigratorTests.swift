import Foundation
import GRDB
import Synchronization
import XCTest

@testable import Storage

final class MigratorTests: XCTestCase {
    let first = Migration(fileName: "0001_people.sql", sql: "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n")
    let second = Migration(fileName: "0002_pets.sql", sql: "CREATE TABLE pets (id INTEGER PRIMARY KEY, owner INTEGER REFERENCES people(id));\n")

    func open(_ path: String, _ migrations: [Migration], migrate: Bool = true) throws(StorageError) -> ArchiveDatabase {
        try ArchiveDatabase(path: path, migrate: migrate, busyTimeout: .seconds(1), migrations: migrations)
    }

    func testFreshDatabaseAppliesAllInOrderAndRecordsChecksums() throws {
        let directory = try makeTemporaryDirectory()
        let database = try open(directory.file("db.sqlite"), [first, second])
        let status = try database.migrationStatus()
        XCTAssertEqual(status.map(\.version), [1, 2])
        XCTAssertEqual(status.map(\.name), ["0001_people.sql", "0002_pets.sql"])
        XCTAssertEqual(status.map(\.state), [.applied, .applied])
        XCTAssertEqual(status[0].checksum, SHA256.hexDigest(Array(first.sql.utf8)))
        XCTAssertNotNil(status[0].appliedAt)
        XCTAssertTrue(database.isReady())
    }

    func testOpeningWithoutMigratingReportsPendingAndNotReady() throws {
        let directory = try makeTemporaryDirectory()
        let database = try open(directory.file("db.sqlite"), [first, second], migrate: false)
        XCTAssertEqual(try database.migrationStatus().map(\.state), [.pending, .pending])
        XCTAssertFalse(database.isReady())
        try database.migrate()
        XCTAssertTrue(database.isReady())
    }

    func testNewMigrationIsAppliedOnTheNextStart() throws {
        let directory = try makeTemporaryDirectory()
        let path = directory.file("db.sqlite")
        _ = try open(path, [first])
        let database = try open(path, [first, second], migrate: false)
        XCTAssertEqual(try database.migrationStatus().map(\.state), [.applied, .pending])
        try database.migrate()
        XCTAssertEqual(try database.migrationStatus().map(\.state), [.applied, .applied])
        try database.migrate()  // idempotent
        XCTAssertEqual(try database.migrationStatus().count, 2)
    }

    func testDatabaseNewerThanTheCodeIsRefusedWithAClearMessage() throws {
        let directory = try makeTemporaryDirectory()
        let path = directory.file("db.sqlite")
        _ = try open(path, [first, second])
        XCTAssertThrowsError(try open(path, [first])) { error in
            guard case .migration(let message) = error as? StorageError else {
                return XCTFail("expected .migration, got \(error)")
            }
            XCTAssertTrue(message.contains("newer than this binary"), message)
            XCTAssertTrue(message.contains("0002_pets.sql"), message)
        }
        let stale = try open(path, [first], migrate: false)
        XCTAssertEqual(try stale.migrationStatus().map(\.state), [.applied, .unknown])
        XCTAssertFalse(stale.isReady())
    }

    func testChangedAppliedMigrationIsRefusedNamingTheFile() throws {
        let directory = try makeTemporaryDirectory()
        let path = directory.file("db.sqlite")
        _ = try open(path, [first])
        let edited = Migration(fileName: first.fileName, sql: first.sql + "-- edited afterwards\n")
        XCTAssertThrowsError(try open(path, [edited, second])) { error in
            guard case .migration(let message) = error as? StorageError else {
                return XCTFail("expected .migration, got \(error)")
            }
            XCTAssertTrue(message.contains("0001_people.sql was changed after it was applied"), message)
        }
        // Nothing after the changed one was applied.
        let database = try open(path, [edited, second], migrate: false)
        XCTAssertEqual(try database.migrationStatus().map(\.state), [.changed, .pending])
        XCTAssertFalse(database.isReady())
    }

    func testFailingMigrationIsRolledBackWithItsRecord() throws {
        let directory = try makeTemporaryDirectory()
        let path = directory.file("db.sqlite")
        let broken = Migration(
            fileName: "0002_broken.sql",
            sql: "CREATE TABLE half (id INTEGER);\nINSERT INTO no_such_table VALUES (1);\n"
        )
        XCTAssertThrowsError(try open(path, [first, broken])) { error in
            guard case .migration(let message) = error as? StorageError else {
                return XCTFail("expected .migration, got \(error)")
            }
            XCTAssertTrue(message.contains("0002_broken.sql failed"), message)
            XCTAssertTrue(message.contains("no_such_table"), message)
        }
        let database = try open(path, [first, broken], migrate: false)
        XCTAssertEqual(try database.migrationStatus().map(\.state), [.applied, .pending])
        let halfExists = try database.pool.read { db in try db.tableExists("half") }
        XCTAssertFalse(halfExists, "the first statement of the failed migration must be rolled back")
    }

    func testMigrationLeavingForeignKeyViolationsIsRolledBack() throws {
        let directory = try makeTemporaryDirectory()
        let path = directory.file("db.sqlite")
        let dangling = Migration(
            fileName: "0003_dangling.sql",
            sql: "PRAGMA defer_foreign_keys = ON;\nINSERT INTO pets (id, owner) VALUES (1, 42);\n"
        )
        XCTAssertThrowsError(try open(path, [first, second, dangling])) { error in
            guard case .migration(let message) = error as? StorageError else {
                return XCTFail("expected .migration, got \(error)")
            }
            XCTAssertTrue(message.contains("0003_dangling.sql"), message)
        }
        let database = try open(path, [first, second, dangling], migrate: false)
        XCTAssertEqual(try database.migrationStatus().map(\.state), [.applied, .applied, .pending])
    }

    func testBadlyNamedOrOrderedMigrationsAreRefused() throws {
        let directory = try makeTemporaryDirectory()
        XCTAssertThrowsError(try open(directory.file("a.sqlite"), [second, first])) { error in
            guard case .migration(let message) = error as? StorageError else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("0001_people.sql"), message)
        }
        let unnamed = Migration(fileName: "people.sql", sql: "SELECT 1;")
        XCTAssertThrowsError(try open(directory.file("b.sqlite"), [unnamed])) { error in
            guard case .migration(let message) = error as? StorageError else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("people.sql"), message)
        }
    }

    /// With nothing pending, migrate() only reads: another process holding the write lock does not
    /// make a running service (or `storyarchive migrate`) fail, and readiness stays true.
    func testMigrateWithNothingPendingTakesNoWriteLock() throws {
        let directory = try makeTemporaryDirectory()
        let path = directory.file("db.sqlite")
        let database = try open(path, [first, second])
        let holder = try LockHolder(path: path)
        defer { holder.release() }
        XCTAssertNoThrow(try database.migrate())
        XCTAssertTrue(database.isReady())
    }

    /// Two processes starting at once on a fresh file: both succeed, each migration is applied once.
    func testConcurrentMigratorsApplyEachMigrationOnce() throws {
        let directory = try makeTemporaryDirectory()
        let path = directory.file("db.sqlite")
        let a = try open(path, [first, second], migrate: false)
        let b = try ArchiveDatabase(path: path, migrate: false, busyTimeout: .seconds(5), migrations: [first, second])
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            do {
                try (index == 0 ? a : b).migrate()
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        XCTAssertEqual(failures.withLock { $0 }, [])
        let versions = try a.pool.read { try Int.fetchAll($0, sql: "SELECT version FROM schema_migrations ORDER BY version") }
        XCTAssertEqual(versions, [1, 2])
        XCTAssertTrue(a.isReady())
        XCTAssertTrue(b.isReady())
    }
}
