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
    /// Stable token: `no_structure`, `quote_truncated`, `quote_unclosed`, `speaker_unnamed`,
    /// `speaker_missing`, `sound_bite_empty`, `title_guessed`, `text_repaired`,
    /// `control_characters_removed`, `clutter_skipped`, `label_guessed`.
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
