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

    /// The seed page's acceptance criteria, from the project issue.
    func testSeedAcceptance() throws {
        guard let dir = Self.corpusDirectory else { throw XCTSkip("../shared/corpus is absent; seed test skipped") }
        let bytes = try [UInt8](Data(contentsOf: dir.appendingPathComponent("00-newsflare-seed.txt")))
        let story = try TranscriptParser.parse(bytes: bytes).story
        XCTAssertEqual(story.title, "China: Shanghai spearheads sci-tech innovation synergy across Yangtze River Delta")
        XCTAssertEqual(story.location, "China")
        XCTAssertEqual(story.durationSeconds, 268)
        XCTAssertEqual(story.restrictions, ["No access Chinese mainland"])
        XCTAssertEqual(story.quoteSpeakerNames, ["Zhao Zhentang", "Liu Qing", "Luo Dajin"])
        let roles = story.quotes.map { (story.speakers[$0.speakerIndex].title, story.speakers[$0.speakerIndex].organization) }
        XCTAssertEqual(roles.map(\.0), ["Academician", "Director", "Director"])
        XCTAssertEqual(roles.map(\.1), ["Chinese Academy of Engineering", "National Innovation Center par Excellence (NICE)",
                                        "Science and Technology Commission of Shanghai Municipality"])
        XCTAssertTrue(story.quotes[0].text.hasPrefix("At the time, our main focus was simply"))
        XCTAssertTrue(story.quotes[2].text.hasSuffix("becoming a science and technology powerhouse."))
        XCTAssertFalse(story.quotes.contains { $0.truncated })
        // The narration is voice-over, between and around the bites; the blog teaser is not story.
        XCTAssertEqual(story.segmentKinds, [.voiceOver, .soundBite, .voiceOver, .soundBite, .voiceOver, .soundBite, .voiceOver])
        // Compared with the page itself at run time, so no text of the page is copied here:
        // the first narration is what follows the first "[Voice_over]", and nothing after the
        // "From the blog" line reaches a segment.
        let page = String(decoding: bytes, as: UTF8.self)
        let afterMarker = try XCTUnwrap(page.components(separatedBy: "[Voice_over] ").dropFirst().first)
        XCTAssertTrue(afterMarker.hasPrefix(String(story.segments[0].text.prefix(40))))
        let teaser = try XCTUnwrap(page.components(separatedBy: "From the blog").last)
        let teaserLines = teaser.split(separator: "\n").map(String.init).filter { $0.count > 30 }
        XCTAssertFalse(teaserLines.isEmpty)
        for line in teaserLines {
            XCTAssertFalse(story.segments.contains { $0.text.contains(line.prefix(30)) }, "blog teaser leaked")
        }
    }

    /// Every labelled quote of every real page is found with its speaker, in order, with the
    /// right truncation flag, and no speaker is invented (the labels in expected.jsonl).
    func testLabelledQuotesAndSpeakersOfTheRealPages() throws {
        guard let dir = Self.corpusDirectory else { throw XCTSkip("../shared/corpus is absent; corpus labels skipped") }
        let lines = try String(contentsOf: dir.appendingPathComponent("expected.jsonl"), encoding: .utf8)
            .split(separator: "\n").filter { !$0.isEmpty }
        func norm(_ s: String) -> String {
            let folded = s.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
                .replacingOccurrences(of: "’", with: "'")
            let kept = folded.map { $0.isLetter || $0.isNumber || $0 == "'" ? $0 : " " }
            var words = String(kept).split(separator: " ").map(String.init)
            if let f = words.first, ["dr", "mr", "mrs", "ms", "prof", "lt"].contains(f), words.count > 1 { words.removeFirst() }
            return words.joined(separator: " ")
        }
        for line in lines {
            let label = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let file = try XCTUnwrap(label["file"] as? String)
            let story = try TranscriptParser.parse(bytes: [UInt8](Data(contentsOf: dir.appendingPathComponent(file)))).story
            let expectedSpeakers = (label["speakers"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }.map(norm)
            XCTAssertEqual(Set(story.speakers.map { norm($0.name) }), Set(expectedSpeakers), file)
            let expectedQuotes = label["quotes"] as? [[String: Any]] ?? []
            XCTAssertEqual(story.quotes.count, expectedQuotes.count, file)
            for (q, e) in zip(story.quotes, expectedQuotes) {
                XCTAssertEqual(norm(story.speakers[q.speakerIndex].name), norm(e["speaker"] as? String ?? ""), file)
                XCTAssertTrue(norm(q.text).hasPrefix(norm(e["starts_with"] as? String ?? "")), "\(file): \(q.text.prefix(60))")
                XCTAssertTrue(norm(q.text).hasSuffix(norm(e["ends_with"] as? String ?? "")), "\(file): \(q.text.suffix(60))")
                XCTAssertEqual(q.truncated, e["truncated"] as? Bool, "\(file): \(q.text.suffix(40))")
            }
            if let seconds = label["duration_seconds"] as? Int {
                XCTAssertEqual(story.durationSeconds, seconds, file)
            }
        }
    }

    /// The real pages hard-wrapped at several widths keep the same speakers and quotes:
    /// attribution must not depend on where a page was wrapped.
    func testRealPagesReadTheSameWhenHardWrapped() throws {
        for file in try corpusFiles() {
            let text = String(decoding: try Data(contentsOf: file), as: UTF8.self)
            let original = try TranscriptParser.parse(text).story
            for width in [60, 72, 100] {
                let story = try TranscriptParser.parse(text.wrapped(at: width)).story
                XCTAssertEqual(story.quoteSpeakerNames, original.quoteSpeakerNames, "\(file.lastPathComponent) at \(width)")
                XCTAssertEqual(story.quotes.map { $0.text.prefix(30) }, original.quotes.map { $0.text.prefix(30) },
                               "\(file.lastPathComponent) at \(width)")
            }
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
