import ArchiveModel

// Temporary stand-in with the agreed public API, replaced when the parser branch lands.
public struct ParseWarning: Sendable, Hashable {
    public var code: String
    public var message: String
}
public struct ParseResult: Sendable, Hashable {
    public var story: StoryDraft
    public var warnings: [ParseWarning]
}
public enum TranscriptError: Error, Sendable, Hashable {
    case empty
    public var detail: String { "the transcript is empty" }
}
public enum TranscriptParser {
    public static func parse(bytes: [UInt8]) throws(TranscriptError) -> ParseResult {
        try parse(String(decoding: bytes, as: UTF8.self))
    }
    public static func parse(_ text: String) throws(TranscriptError) -> ParseResult {
        let lines = text.split(whereSeparator: \.isNewline).map { String($0) }.filter { !$0.allSatisfy(\.isWhitespace) }
        guard let title = lines.first else { throw .empty }
        return ParseResult(story: StoryDraft(title: title, segments: [SegmentDraft(kind: .text, text: lines.dropFirst().joined(separator: " "))]), warnings: [])
    }
}
