import ArchiveModel

/// Accumulates segments, speakers, quotes and warnings in reading order.
struct StoryBuilder {
    private(set) var segments: [SegmentDraft] = []
    private(set) var speakers: [SpeakerDraft] = []
    private(set) var quotes: [QuoteDraft] = []
    private var speakerByKey: [String: Int] = [:]
    private var speakerHasQuote: [Bool] = []
    private(set) var warnings: [ParseWarning] = []
    private var warningCounts: [String: Int] = [:]

    /// At most this many warnings of one code are listed; the rest are counted in one summary,
    /// so junk input cannot produce millions of warnings.
    static let warningsPerCode = 20

    mutating func warn(_ code: String, _ message: String) {
        let n = warningCounts[code, default: 0]
        warningCounts[code] = n + 1
        if n < Self.warningsPerCode { warnings.append(ParseWarning(code: code, message: message)) }
    }

    /// Adds the per-code summaries for warnings beyond the listed ones.
    mutating func finishWarnings() {
        for (code, count) in warningCounts.sorted(by: { $0.key < $1.key }) where count > Self.warningsPerCode {
            warnings.append(ParseWarning(code: code, message: "\(count - Self.warningsPerCode) more \(code) warnings not listed."))
        }
    }

    mutating func addSegment(_ kind: SegmentKind, text: String, speakerIndex: Int? = nil) {
        segments.append(SegmentDraft(kind: kind, text: text, speakerIndex: speakerIndex))
    }

    var lastSegmentKind: SegmentKind? { segments.last?.kind }

    /// The index of the speaker `label` names, adding them on first appearance.
    ///
    /// The same person often appears twice (in the shot list with a short title, then before
    /// their quote with the full one): the appearance that carries a quote wins, because that
    /// is the label the script's writer wrote out in full.
    mutating func speaker(for label: SpeakerLabel, withQuote: Bool) -> Int {
        let key = (label.isNamed ? "" : "unnamed:") + label.name.lowercased().collapsingSpaces()
        if let index = speakerByKey[key] {
            var s = speakers[index]
            let upgrade = withQuote && !speakerHasQuote[index]
            if upgrade || (s.title == nil && s.organization == nil) {
                if label.title != nil || label.organization != nil {
                    s.title = label.title
                    s.organization = label.organization
                    s.rawLabel = label.rawLabel
                }
            }
            if withQuote { speakerHasQuote[index] = true }
            speakers[index] = s
            return index
        }
        speakers.append(SpeakerDraft(name: label.name, title: label.title, organization: label.organization, rawLabel: label.rawLabel))
        speakerHasQuote.append(withQuote)
        speakerByKey[key] = speakers.count - 1
        return speakers.count - 1
    }

    /// Replaces a speaker's name, title and organisation with a better-cased version of the
    /// same words (newsroom supers repeat an all-caps label in proper case).
    mutating func refineSpeaker(matching super_: SpeakerLabel) {
        for (i, s) in speakers.enumerated() where s.name.lowercased() == super_.name.lowercased() {
            var copy = s
            copy.name = super_.name
            if let t = super_.title, let old = s.title, t.lowercased() == old.lowercased() { copy.title = t }
            if let o = super_.organization, let old = s.organization, o.lowercased() == old.lowercased() { copy.organization = o }
            speakers[i] = copy
        }
    }

    mutating func addQuote(_ quote: QuoteDraft) {
        quotes.append(quote)
    }

    var hasSpeech: Bool { !speakers.isEmpty || segments.contains { $0.kind == .soundBite } }
}
