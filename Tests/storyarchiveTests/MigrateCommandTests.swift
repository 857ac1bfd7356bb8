import Foundation
import XCTest

final class MigrateCommandTests: XCTestCase {
    func testStatusListsPendingThenAppliedMigrations() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("storyarchive-migrate-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("archive.sqlite").path

        let before = try StoryArchiveProcess.run(["migrate", "--db", db, "--status"])
        XCTAssertEqual(before.status, 0, before.stderr)
        let pending = before.stdout.split(separator: "\n")
        XCTAssertFalse(pending.isEmpty)
        XCTAssertTrue(pending.allSatisfy { $0.hasPrefix("0") && $0.contains("\tpending") }, before.stdout)

        let applied = try StoryArchiveProcess.run(["migrate", "--db", db])
        XCTAssertEqual(applied.status, 0, applied.stderr)
        XCTAssertTrue(applied.stdout.contains("is up to date (\(pending.count) migrations)"), applied.stdout)

        let after = try StoryArchiveProcess.run(["migrate", "--db", db, "--status"])
        let lines = after.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, pending.count)
        XCTAssertTrue(lines.allSatisfy { $0.contains("\tapplied 20") }, after.stdout)
    }
}
