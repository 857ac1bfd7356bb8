import Foundation
import XCTest

@testable import storyarchive

/// `storyarchive import` and `export` as a user runs them: child processes on a temporary database.
final class ImportExportCommandTests: TemporaryDirectoryTestCase {
    override class var directoryPrefix: String { "storyarchive-import" }
    private var database: String { directory.appendingPathComponent("db/archive.sqlite").path }

    override func setUpWithError() throws {
        try super.setUpWithError()
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("in/sub"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("in/.drafts"), withIntermediateDirectories: true)
    }

    /// The fixture with a distinct last line: a different transcript for the archive each time.
    private func variant(_ n: Int) throws -> Data {
        var text = try String(contentsOf: Fixtures.url("electric-ferry.txt"), encoding: .utf8)
        text += "\n\nArchive copy \(n)\n"
        return Data(text.utf8)
    }

    private func put(_ data: Data, _ relative: String) throws {
        try data.write(to: directory.appendingPathComponent(relative))
    }

    private func run(_ arguments: [String], input: Data? = nil) throws -> StoryArchiveProcess.Output {
        try StoryArchiveProcess.run(arguments, input: input, directory: directory, timeout: 120)
    }

    func testImportCountsNewDuplicatesAndFailuresAndExitsNonZeroOnAFailure() throws {
        try put(variant(1), "in/a.txt")
        try put(variant(2), "in/sub/b.txt")
        try put(variant(1), "in/sub/same-as-a.txt")
        try put(Data(" \n\n".utf8), "in/sub/blank.txt")
        try put(Data("not a transcript, and hidden".utf8), "in/.drafts/x.txt")

        let output = try run(["import", "--db", database, "in", "missing.txt"])
        XCTAssertEqual(output.status, 1, "a failed input makes the exit status non-zero\n\(output.stdout)\(output.stderr)")
        XCTAssertTrue(output.stdout.contains("imported 5 files"), output.stdout)
        XCTAssertTrue(output.stdout.contains("2 new, 1 duplicate, 2 failed"), output.stdout)
        // Each failure with the parser's reason.
        let blank = output.stdout.split(separator: "\n").first { $0.hasPrefix("failed: in/sub/blank.txt: ") }
        XCTAssertGreaterThan(blank?.dropFirst("failed: in/sub/blank.txt: ".count).count ?? 0, 5, output.stdout)
        XCTAssertTrue(output.stdout.contains("failed: missing.txt: no such file or directory"), output.stdout)
        XCTAssertFalse(output.stdout.contains(".drafts"), "hidden folders are skipped")
        // Not a terminal: plain progress lines, ending with the total.
        XCTAssertTrue(output.stderr.contains("import: 5/5 files (100%)"), output.stderr)
        XCTAssertFalse(output.stderr.contains("\r"), "no redrawn bar when standard error is not a terminal")

        // Again: everything is a duplicate now; with only good inputs the exit status is 0.
        let again = try run(["import", "--quiet", "--db", database, "in/a.txt", "in/sub"])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stdout.contains("0 new, 3 duplicates, 1 failed"), again.stdout)
        XCTAssertTrue(again.stderr.isEmpty, "--quiet prints no progress: \(again.stderr)")
        let clean = try run(["import", "--db", database, "in/a.txt", "in/sub/b.txt"])
        XCTAssertEqual(clean.status, 0, clean.stdout + clean.stderr)
        XCTAssertTrue(clean.stdout.contains("0 new, 2 duplicates, 0 failed"), clean.stdout)
    }

    func testImportReadsStandardInput() throws {
        let output = try run(["import", "--db", database, "-"], input: try variant(7))
        XCTAssertEqual(output.status, 0, output.stdout + output.stderr)
        XCTAssertTrue(output.stdout.contains("imported 1 file"), output.stdout)
        XCTAssertTrue(output.stdout.contains("1 new, 0 duplicates, 0 failed"), output.stdout)
    }

    func testExportWritesOneStoryPerLineInIdOrderWithItsQuotes() throws {
        for n in 1...3 { try put(variant(n), "in/\(n).txt") }
        let imported = try run(["import", "--db", database, "in"])
        XCTAssertEqual(imported.status, 0, imported.stdout + imported.stderr)

        let output = try run(["export", "--db", database])
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertTrue(output.stdout.hasSuffix("\n"))
        let lines = output.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        XCTAssertEqual(lines.count, 3, output.stdout)
        let stories = try lines.map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        XCTAssertEqual(stories.compactMap { $0["id"] as? Int }, [1, 2, 3])
        for story in stories {
            XCTAssertNotNil(story["quotes"] as? [Any], "each line carries the story's quotes")
            XCTAssertNotNil(story["segments"] as? [Any])
            XCTAssertNotNil(story["created_at"] as? String)
            XCTAssertEqual(story["title"] as? String, stories[0]["title"] as? String)
        }
        XCTAssertTrue(output.stderr.contains("exported 3 stories"), output.stderr)
    }

    func testExportOfAMissingDatabaseFailsWithoutCreatingOne() throws {
        let output = try run(["export", "--db", database])
        XCTAssertNotEqual(output.status, 0)
        XCTAssertTrue(output.stderr.contains("no database at \(database)"), output.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: database))
    }

    func testExportOfAnEmptyArchiveIsEmpty() throws {
        XCTAssertEqual(try run(["migrate", "--db", database]).status, 0)
        let output = try run(["export", "--db", database])
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertEqual(output.stdout, "")
    }
}

final class ImportProgressTests: XCTestCase {
    func testTheBarShowsDoneTotalRateAndETA() {
        let start = Date(timeIntervalSince1970: 1000)
        var written: [String] = []
        let progress = ImportProgress(total: 10, style: .bar, now: start) { written.append($0) }
        for i in 1...4 { progress.advance(now: start.addingTimeInterval(Double(i))) }
        XCTAssertEqual(progress.bar(now: start.addingTimeInterval(4), width: 10),
                       "[####......] 4/10 files (40%), 1.0 files/s, ETA 6s")
        XCTAssertTrue(written.allSatisfy { $0.hasPrefix("\r") }, "a terminal bar is redrawn in place")
        for i in 5...10 { progress.advance(now: start.addingTimeInterval(Double(i))) }
        XCTAssertEqual(written.last?.hasSuffix("10/10 files (100%), 1.0 files/s\n"), true, written.last ?? "")
    }

    func testPlainLinesComeAtMostOncePerIntervalAndAtTheEnd() {
        let start = Date(timeIntervalSince1970: 0)
        var written: [String] = []
        let progress = ImportProgress(total: 100, style: .lines(interval: 2), now: start) { written.append($0) }
        for i in 1...100 { progress.advance(now: start.addingTimeInterval(Double(i) * 0.1)) }
        // 10 s of work at one line per 2 s, plus the first and the last.
        XCTAssertEqual(written.count, 6, written.joined())
        XCTAssertEqual(written.last, "import: 100/100 files (100%), 10.0 files/s\n")
        XCTAssertTrue(written.allSatisfy { !$0.contains("\r") })
    }

    func testDurationsReadNaturally() {
        XCTAssertEqual(ImportProgress.duration(0.2), "1s")
        XCTAssertEqual(ImportProgress.duration(125), "2m05s")
        XCTAssertEqual(ImportProgress.duration(3720), "1h02m")
    }
}
