import GRDB
import XCTest

@testable import Storage

/// The SQLite result codes the HTTP boundary cares about map to the right case
/// (https://sqlite.org/rescode.html); scenario tests in ArchiveDatabaseTests cause the real ones.
final class StorageErrorTests: XCTestCase {
    func map(_ code: ResultCode, _ message: String = "m", sql: String? = "INSERT INTO x VALUES (1)") -> StorageError {
        StorageError.from(DatabaseError(resultCode: code, message: message, sql: sql))
    }

    func testUnavailableCodes() {
        guard case .unavailable(reason: .diskFull, retryAfter: 30) = map(.SQLITE_FULL) else { return XCTFail() }
        guard case .unavailable(reason: .readOnly, retryAfter: 30) = map(.SQLITE_READONLY_DBMOVED) else { return XCTFail() }
        guard case .unavailable(reason: .locked, retryAfter: 1) = map(.SQLITE_BUSY) else { return XCTFail() }
        guard case .unavailable(reason: .locked, retryAfter: 1) = map(.SQLITE_LOCKED) else { return XCTFail() }
        guard case .unavailable(reason: .ioError, retryAfter: 30) = map(.SQLITE_IOERR_WRITE) else { return XCTFail() }
        guard case .unavailable(reason: .cannotOpen, retryAfter: 30) = map(.SQLITE_CANTOPEN) else { return XCTFail() }
    }

    func testOtherCodes() {
        guard case .corrupt = map(.SQLITE_CORRUPT) else { return XCTFail() }
        guard case .corrupt = map(.SQLITE_NOTADB) else { return XCTFail() }
        guard case .database(let failure) = map(.SQLITE_CONSTRAINT_UNIQUE, "UNIQUE constraint failed") else { return XCTFail() }
        XCTAssertEqual(failure.primaryResultCode, 19)
        XCTAssertEqual(failure.extendedResultCode, 2067)
        XCTAssertEqual(failure.sql, "INSERT INTO x VALUES (1)")
    }

    func testDetailCarriesCodeMessageAndSQLAndRetryAfter() {
        let error = map(.SQLITE_FULL, "database or disk is full")
        XCTAssertEqual(error.retryAfter, 30)
        XCTAssertEqual(error.sqliteResultCode, 13)
        XCTAssertTrue(error.detail.contains("disk full"), error.detail)
        XCTAssertTrue(error.detail.contains("database or disk is full"), error.detail)
        XCTAssertTrue(error.detail.contains("INSERT INTO x"), error.detail)
        XCTAssertNil(StorageError.notFound("story 1").retryAfter)
        XCTAssertEqual(StorageError.notFound("story 1").detail, "not found: story 1")
        XCTAssertEqual(
            StorageError.unavailable(reason: .cannotOpen("no dir"), retryAfter: 30).detail,
            "storage unavailable (cannot open: no dir); retry after 30s"
        )
    }

    func testStorageErrorPassesThrough() {
        XCTAssertEqual(StorageError.from(StorageError.invalid("x")), .invalid("x"))
    }
}
