import ArchiveModel
import Foundation
import XCTest
@testable import TranscriptParsing

/// Any bytes give a result or a typed error: generated junk, mutated fixtures, every prefix
/// of a fixture, and a 10 MB transcript. Every loop is bounded by a fixed count.
final class RobustnessTests: XCTestCase {
    /// A small deterministic generator (SplitMix64), so failures reproduce.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D1_049B_B133_111E
            return z ^ (z >> 31)
        }
    }

    /// Parses and checks the invariants every result must hold. Returns true on a result.
    @discardableResult
    func check(_ bytes: [UInt8], _ context: @autoclosure () -> String, line: UInt = #line) -> Bool {
        do {
            let result = try TranscriptParser.parse(bytes: bytes)
            let s = result.story
            XCTAssertFalse(s.title.isEmpty, "empty title: \(context())", line: line)
            for q in s.quotes {
                XCTAssertTrue(s.speakers.indices.contains(q.speakerIndex), "bad speaker index: \(context())", line: line)
                XCTAssertFalse(q.text.isEmpty, "empty quote: \(context())", line: line)
                if let si = q.segmentIndex {
                    XCTAssertTrue(s.segments.indices.contains(si), "bad segment index: \(context())", line: line)
                    XCTAssertEqual(s.segments[si].kind, .soundBite, context(), line: line)
                }
            }
            for seg in s.segments {
                if let si = seg.speakerIndex { XCTAssertTrue(s.speakers.indices.contains(si), context(), line: line) }
            }
            XCTAssertLessThanOrEqual(result.warnings.count, 20 * 20, context(), line: line)
            return true
        } catch {
            // A typed error is an acceptable answer; `error` is TranscriptError by the signature.
            XCTAssertFalse(error.detail.isEmpty, context(), line: line)
            return false
        }
    }

    static let markerSoup: [String] = [
        "[Voice_over] ", "[Sound_bite] ", "[SOT]", "[Restrictions: ", "SOUNDBITE ", "SOUNDBITE 1 (English): ",
        "(SOUNDBITE) (Russian) ", "STANDUP", "STORY:", "LENGTH: 00:01:", "SHOTLIST:", "STORYLINE:", "1. ", "2. ",
        "\"", "“", "”", "«", "»", "((", "))", "[[", "]]", "++", "NAME: ", "REPORTER: ", "(Through interpreter)",
        ", ", ": ", "\n", "\n\n", " - 11 February 2020", "SUPER=01-", "IN Q=", "///", "Zhao Zhentang",
        "Director", " of ", "é", "😀", "\u{00A0}", "\r\n", "SAYING:", "Dr ", "VO", "NAT",
    ]

    func testGeneratedJunkNeverCrashes() {
        var rng = SplitMix(state: 1)
        var ran = 0
        for round in 0..<600 {
            var bytes: [UInt8] = []
            let length = Int.random(in: 0...400, using: &rng)
            switch round % 3 {
            case 0:  // raw bytes
                for _ in 0..<length { bytes.append(UInt8.random(in: 0...255, using: &rng)) }
            case 1:  // printable ASCII
                for _ in 0..<length { bytes.append(UInt8.random(in: 32...126, using: &rng)) }
            default:  // marker soup: the pieces the parser reacts to, in random order
                for _ in 0..<(length / 8) {
                    bytes += Array(Self.markerSoup.randomElement(using: &rng)!.utf8)
                    if Bool.random(using: &rng) { bytes += Array("word ".utf8) }
                }
            }
            check(bytes, "junk round \(round)")
            ran += 1
        }
        print("RobustnessTests: \(ran) generated junk inputs parsed, 0 crashes")
    }

    func testMutatedFixturesNeverCrash() throws {
        var rng = SplitMix(state: 7)
        var ran = 0
        for name in Fixture.all {
            let original = try Fixture.bytes(name)
            for _ in 0..<60 {
                var bytes = original
                for _ in 0..<Int.random(in: 1...8, using: &rng) where !bytes.isEmpty {
                    let at = Int.random(in: 0..<bytes.count, using: &rng)
                    switch Int.random(in: 0..<4, using: &rng) {
                    case 0: bytes[at] = UInt8.random(in: 0...255, using: &rng)
                    case 1: bytes.remove(at: at)
                    case 2: bytes.insert(contentsOf: Array(Self.markerSoup.randomElement(using: &rng)!.utf8), at: at)
                    default:
                        let end = min(bytes.count, at + Int.random(in: 1...200, using: &rng))
                        let chunk = Array(bytes[at..<end])
                        bytes.insert(contentsOf: chunk, at: Int.random(in: 0...bytes.count, using: &rng))
                    }
                }
                check(bytes, "mutated \(name)")
                ran += 1
            }
        }
        print("RobustnessTests: \(ran) mutated fixtures parsed, 0 crashes")
    }

    /// Every prefix of a fixture (input cut at every byte) parses; a prefix never holds more
    /// quotes than the whole, and a prefix that ends inside a quote's words flags it truncated.
    func testEveryPrefixOfAFixtureParses() throws {
        var ran = 0
        for name in ["xinhua-script", "ap-shotlist", "bracketed-variants"] {
            let bytes = try Fixture.bytes(name)
            let full = try TranscriptParser.parse(bytes: bytes).story
            for cut in 0...bytes.count {
                let prefix = Array(bytes[..<cut])
                ran += 1
                guard let result = try? TranscriptParser.parse(bytes: prefix) else { continue }
                XCTAssertLessThanOrEqual(result.story.quotes.count, full.quotes.count, "\(name) cut at \(cut)")
                if let last = result.story.quotes.last, let fullQuote = full.quotes.dropFirst(result.story.quotes.count - 1).first,
                   last.text.count < fullQuote.text.count, !full.quotes.contains(where: { $0.text == last.text }) {
                    XCTAssertTrue(last.truncated, "\(name) cut at \(cut): \(last.text)")
                }
            }
        }
        print("RobustnessTests: \(ran) prefixes parsed")
    }

    /// The seed's one-line bracketed layout is read the same when its line is split anywhere
    /// between words: quotes do not depend on where the text was wrapped.
    func testQuotesDoNotDependOnLineWrapping() throws {
        let text = try Fixture.text("bracketed-page")
        let full = try TranscriptParser.parse(text).story
        var rng = SplitMix(state: 3)
        for _ in 0..<40 {
            let width = Int.random(in: 30...120, using: &rng)
            let story = try TranscriptParser.parse(text.wrapped(at: width)).story
            XCTAssertEqual(story.quotes.map(\.text), full.quotes.map(\.text), "wrapped at \(width)")
            XCTAssertEqual(story.quoteSpeakerNames, full.quoteSpeakerNames, "wrapped at \(width)")
        }
    }

    // MARK: - Size

    /// A synthetic script of about `megabytes` MB with a known number of sound bites.
    static let names: [String] = {
        let first = ["Ingrid", "Tor", "Amina", "Peter", "Lan", "Marguerite", "Henri", "Rosa", "Aare", "Karen"]
        let last = ["Halvorsen", "Aasen", "Wekesa", "Njoroge", "Qin"]
        return first.flatMap { f in last.map { "\(f) \($0)" } }
    }()

    static func syntheticTranscript(megabytes: Int) -> (text: String, bites: Int) {
        var parts: [String] = ["STORY: Synthetic harbour story\nLENGTH: 00:02:00\nSTORYLINE:\n"]
        var size = 0
        var bites = 0
        let target = megabytes * 1_000_000
        while size < target {
            let n = bites + 1
            let block = """
            Narration paragraph number \(n) tells of ferries, tides and the town council in plain words.

            SOUNDBITE (English): \(names[n % names.count].uppercased()), Harbour Master of Port Vik
            "Quote \(n) says the tide came in early and the ferries waited at the quay.
            It continues on a second line and closes here."


            """
            parts.append(block)
            size += block.utf8.count
            bites += 1
        }
        return (parts.joined(), bites)
    }

    func testTenMegabyteTranscriptParsesCompletely() throws {
        let (text, bites) = Self.syntheticTranscript(megabytes: 10)
        let start = DispatchTime.now().uptimeNanoseconds
        let story = try TranscriptParser.parse(text).story
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        XCTAssertEqual(story.quotes.count, bites)
        XCTAssertEqual(story.speakers.count, 50)
        XCTAssertTrue(story.quotes.last?.text.hasSuffix("closes here.") ?? false)
        let mb = Double(text.utf8.count) / 1_000_000
        // Reported, never asserted: debug builds are several times slower than release.
        print(String(format: "RobustnessTests: parsed %.1f MB in %.2f s (%.1f MB/s, this build's configuration)", mb, seconds, mb / seconds))
    }

    /// Pathological shapes that make naive scanners quadratic: one huge line, thousands of
    /// unclosed quotation marks, thousands of markers with no labels.
    func testPathologicalLinesFinish() throws {
        let shapes: [String] = [
            String(repeating: "word ", count: 200_000),
            String(repeating: "SOUNDBITE (English) Ana Ruiz, nurse: \"unclosed ", count: 5_000),
            String(repeating: "[Sound_bite] ", count: 20_000),
            String(repeating: "((", count: 50_000),
            String(repeating: "1. 2. 3. ", count: 20_000),
            String(repeating: "STORY: LENGTH: ", count: 20_000),
            String(repeating: "\"", count: 100_000),
            String(repeating: "A: b\n", count: 50_000),
            // Section keys whose values are section keys: must not recurse per key.
            String(repeating: "STORYLINE: ", count: 100_000),
            String(repeating: "SHOTLIST: ", count: 100_000),
            String(repeating: "[Voice_over] [Sound_bite] ", count: 20_000),
        ]
        for shape in shapes {
            check(Array(shape.utf8), "pathological shape \(shape.prefix(20))")
        }
    }
}
