import ArchiveModel
import Foundation
import XCTest
@testable import TranscriptParsing

/// Loads the hand-written transcripts in Fixtures/ (invented people and stories).
enum Fixture {
    static func url(_ name: String) throws -> URL {
        guard let url = Bundle.module.url(forResource: name, withExtension: "txt", subdirectory: "Fixtures") else {
            throw FixtureError.missing(name)
        }
        return url
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: url(name)))
    }

    static func text(_ name: String) throws -> String {
        String(decoding: try bytes(name), as: UTF8.self)
    }

    static func parse(_ name: String) throws -> ParseResult {
        try TranscriptParser.parse(bytes: bytes(name))
    }

    static let all = [
        "bracketed-page", "bracketed-variants", "xinhua-script", "ap-shotlist", "aptn-oneline", "reuters",
        "newsroom-script", "afp-shotsheet", "interview", "plain-prose", "truncated-quote", "xinhua-unquoted",
        "ap-translator", "bracketed-title-first", "ruptly-sot", "interview-qa", "shotlist-mixed",
    ]

    enum FixtureError: Error { case missing(String) }
}

extension String {
    /// The text re-wrapped as a narrower page or an e-mail would: a line break in place of the
    /// first space past `width` columns.
    func wrapped(at width: Int) -> String {
        var wrapped = ""
        var column = 0
        for ch in self {
            if ch == " ", column >= width { wrapped.append("\n"); column = 0; continue }
            if ch == "\n" { column = 0 }
            wrapped.append(ch)
            column += 1
        }
        return wrapped
    }
}

extension StoryDraft {
    /// The speaker of quote `i`.
    func speaker(ofQuote i: Int) -> SpeakerDraft { speakers[quotes[i].speakerIndex] }

    var quoteSpeakerNames: [String] { quotes.map { speakers[$0.speakerIndex].name } }

    var segmentKinds: [SegmentKind] { segments.map(\.kind) }
}

extension ParseResult {
    var warningCodes: [String] { warnings.map(\.code) }
}
