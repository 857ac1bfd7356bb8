import Foundation
import XCTest

@testable import Storage

/// migrations/ is the source of truth; the binary embeds a generated copy. These fail when the copy
/// is stale: run scripts/storage/embed-migrations.sh.
final class EmbeddedMigrationsTests: XCTestCase {
    /// The repository root, found from this file's path (Tests/StorageTests/<file>).
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testEmbeddedMigrationsMatchTheFilesByteForByte() throws {
        let directory = Self.repositoryRoot.appendingPathComponent("migrations")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".sql") }
            .sorted()
        XCTAssertFalse(names.isEmpty, "no migrations under \(directory.path)")
        XCTAssertEqual(
            Migration.embedded.map(\.fileName), names,
            "Sources/Storage/EmbeddedMigrations.swift is stale: run scripts/storage/embed-migrations.sh"
        )
        for name in names {
            let bytes = try Data(contentsOf: directory.appendingPathComponent(name))
            guard let embedded = Migration.embedded.first(where: { $0.fileName == name }) else { continue }
            XCTAssertEqual(
                embedded.checksum, SHA256.hexDigest([UInt8](bytes)),
                "\(name) differs from its embedded copy: run scripts/storage/embed-migrations.sh"
            )
        }
    }

    func testEmbeddedMigrationsAreNamedAndOrdered() throws {
        XCTAssertNoThrow(try Migration.validate(Migration.embedded))
        for migration in Migration.embedded {
            XCTAssertEqual(Migration.version(ofFileName: migration.fileName), migration.version)
            XCTAssertGreaterThan(migration.version, 0, migration.fileName)
        }
    }

    func testVersionParsing() {
        XCTAssertEqual(Migration.version(ofFileName: "0001_initial_schema.sql"), 1)
        XCTAssertEqual(Migration.version(ofFileName: "0120_add_x.sql"), 120)
        XCTAssertNil(Migration.version(ofFileName: "001_short.sql"))
        XCTAssertNil(Migration.version(ofFileName: "0001_.sql"))
        XCTAssertNil(Migration.version(ofFileName: "0001_name.txt"))
        XCTAssertNil(Migration.version(ofFileName: "abcd_name.sql"))
    }

    /// The binary migrates from any working directory: nothing is read from disk but the database.
    func testMigratesFromAnotherWorkingDirectory() throws {
        let elsewhere = try makeTemporaryDirectory()
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(elsewhere.path))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }

        let database = try ArchiveDatabase(path: "relative/dir/archive.sqlite")
        XCTAssertTrue(database.isReady())
        XCTAssertTrue(FileManager.default.fileExists(atPath: elsewhere.file("relative/dir/archive.sqlite")))
        XCTAssertEqual(try database.migrationStatus().map(\.state), Migration.embedded.map { _ in .applied })
    }

    /// The committed generated file is exactly what the script makes from migrations/ (no hand edits),
    /// checked by running the script on a copy of migrations/ in a scratch tree.
    func testGeneratorReproducesTheCommittedFile() throws {
        let bash = URL(fileURLWithPath: "/bin/bash")
        guard FileManager.default.isExecutableFile(atPath: bash.path) else { throw XCTSkip("no /bin/bash") }
        let root = Self.repositoryRoot
        let scratch = try makeTemporaryDirectory()
        let scratchRoot = URL(fileURLWithPath: scratch.path)
        let fileManager = FileManager.default
        for folder in ["migrations", "scripts/storage", "Sources/Storage"] {
            try fileManager.createDirectory(at: scratchRoot.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        for name in try fileManager.contentsOfDirectory(atPath: root.appendingPathComponent("migrations").path) {
            try fileManager.copyItem(
                at: root.appendingPathComponent("migrations/\(name)"), to: scratchRoot.appendingPathComponent("migrations/\(name)")
            )
        }
        try fileManager.copyItem(
            at: root.appendingPathComponent("scripts/storage/embed-migrations.sh"),
            to: scratchRoot.appendingPathComponent("scripts/storage/embed-migrations.sh")
        )
        let process = Process()
        process.executableURL = bash
        process.arguments = [scratchRoot.appendingPathComponent("scripts/storage/embed-migrations.sh").path]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let generated = try Data(contentsOf: scratchRoot.appendingPathComponent("Sources/Storage/EmbeddedMigrations.swift"))
        let committed = try Data(contentsOf: root.appendingPathComponent("Sources/Storage/EmbeddedMigrations.swift"))
        XCTAssertEqual(generated, committed, "Sources/Storage/EmbeddedMigrations.swift was edited by hand or is stale: run scripts/storage/embed-migrations.sh")
    }
}
