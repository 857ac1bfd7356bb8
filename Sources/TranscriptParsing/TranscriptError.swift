/// Why a transcript could not be read at all.
///
/// Only input with nothing usable is an error: plain prose without any script markers
/// still parses (as one `text` segment with a `no_structure` warning). Each case carries
/// enough for the API layer to answer with a precise message; `code` is a stable token
/// for clients, `detail` is the human sentence.
public enum TranscriptError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Zero bytes.
    case empty
    /// Only whitespace or invisible characters.
    case blank
    /// Binary data or text without a single letter or digit.
    case notText(detail: String)
    /// Larger than `TranscriptParser.maximumInputBytes`; refused before any work so a
    /// caller that forgot its own body limit cannot make the parser allocate without bound.
    case tooLarge(byteCount: Int, limit: Int)

    /// A stable machine-readable token ("empty", "blank", "not_text", "too_large").
    public var code: String {
        switch self {
        case .empty: "empty"
        case .blank: "blank"
        case .notText: "not_text"
        case .tooLarge: "too_large"
        }
    }

    /// A sentence saying why the input was refused.
    public var detail: String {
        switch self {
        case .empty:
            "The transcript is empty: no bytes were given."
        case .blank:
            "The transcript contains only whitespace or invisible characters."
        case .notText(let detail):
            detail
        case .tooLarge(let byteCount, let limit):
            "The transcript is \(byteCount) bytes; at most \(limit) bytes are accepted."
        }
    }

    public var description: String { "\(code): \(detail)" }
}
