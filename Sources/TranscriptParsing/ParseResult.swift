public import ArchiveModel

/// What the parser read out of one transcript, and what it had to skip or guess on the way.
public struct ParseResult: Sendable, Hashable {
    public var story: StoryDraft
    /// In the order the parser met the problems; never fatal.
    public var warnings: [ParseWarning]

    public init(story: StoryDraft, warnings: [ParseWarning] = []) {
        self.story = story
        self.warnings = warnings
    }
}

/// Something skipped or guessed while parsing: the result is usable but a human may want a look.
public struct ParseWarning: Sendable, Hashable, CustomStringConvertible {
    /// Stable token: `no_structure` (no markers: the text is one segment), `quote_truncated`
    /// (the input ended inside a quote), `quote_unclosed` (a quotation mark never closed before
    /// the next marker), `speaker_unnamed` (no personal name in a label), `speaker_missing`
    /// (a sound bite without a label), `sound_bite_empty`, `title_guessed`, `text_repaired`
    /// (invalid UTF-8 replaced), `control_characters_removed`, `clutter_skipped` (page furniture).
    /// At most 20 warnings of one code are listed, then one summary with the count.
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
