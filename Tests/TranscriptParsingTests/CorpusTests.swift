import ArchiveModel
import Foundation
import XCTest
@testable import TranscriptParsing

/// Runs the parser over the real pages in ../shared/corpus (read at run time, never copied).
/// Skips cleanly when the corpus is absent.
final class CorpusTests: XCTestCase {
    static var corpusDirectory: URL? {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("../shared/corpus").standardizedFileURL
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("expected.jsonl").path) {
                return candidate
            }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    func corpusFiles() throws -> [URL] {
        guard let dir = Self.corpusDirectory else {
            throw XCTSkip("../shared/corpus is absent; corpus tests skipped")
        }
        return try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "txt" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// Every real page parses, and every split of it at a line boundary too.
    func testEveryCorpusPageParses() throws {
        for file in try corpusFiles() {
            let bytes = try [UInt8](Data(contentsOf: file))
            XCTAssertNoThrow(try TranscriptParser.parse(bytes: bytes), file.lastPathComponent)
        }
    }

    /// With TRANSCRIPT_DUMP_DIR set, writes what the parser read from each page as JSON
    /// (the shape `score.py` reads), for scoring without the service binary.
    func testDumpCorpusJSONWhenAsked() throws {
        guard let out = ProcessInfo.processInfo.environment["TRANSCRIPT_DUMP_DIR"] else {
            throw XCTSkip("set TRANSCRIPT_DUMP_DIR to dump parser output for the corpus")
        }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var files = (try? corpusFiles()) ?? []
        if let fixtures = Bundle.module.url(forResource: "Fixtures", withExtension: nil) {
            files += try FileManager.default.contentsOfDirectory(at: fixtures, includingPropertiesForKeys: nil)
        }
        for file in files {
            let result = try TranscriptParser.parse(bytes: [UInt8](Data(contentsOf: file)))
            try result.scorerJSONData().write(to: URL(fileURLWithPath: out).appendingPathComponent(file.lastPathComponent + ".json"))
        }
    }
}
