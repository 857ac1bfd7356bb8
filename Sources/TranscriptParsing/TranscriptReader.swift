import ArchiveModel

/// The line-oriented reader at the heart of the parser: walks logical lines once, keeping a
/// little state (section, narration kind, a pending SOT), and hands segments, speakers and
/// quotes to a `StoryBuilder`.
///
/// Every loop advances `index`, and look-ahead never goes past the point where the caller
/// resumes, so the reader is linear in the number of lines.
struct TranscriptReader {
    enum Section { case header, shotlist, storyline, body, after }

    let lines: [String]
    let title: String
    private let titleKeys: Set<String>
    /// Lines longer than this cannot repeat the title; they skip the comparison.
    private let titleByteLimit: Int
    private let interviewLabels: Set<String>
    private let isNewsroom: Bool
    /// Index just past the last line with any text: reaching it means the input ended.
    private let contentEnd: Int

    var builder = StoryBuilder()
    var meta = MetadataCollector()
    private var index = 0
    private var section: Section = .header
    /// What plain prose is, at this point of the script.
    private var proseKind: SegmentKind = .text
    private var paragraph: [Substring] = []
    private var paragraphKind: SegmentKind = .text
    /// A bare "SOT" cue was read: the next label (or prose) is a sound bite.
    private var pendingSoundBite = false
    private(set) var sawStructure = false
    private(set) var clutterLines = 0
    private var labelCache: [String: SpeakerLabel?] = [:]
    private var valueDepth = 0

    init(lines: [String], title: String, interviewLabels: Set<String>, isNewsroom: Bool) {
        self.lines = lines
        self.title = title
        self.interviewLabels = interviewLabels
        self.isNewsroom = isNewsroom
        var keys: Set<String> = [Self.comparable(title)]
        if let colon = title.firstIndex(of: ":") {
            keys.insert(Self.comparable(title[title.index(after: colon)...]))
        }
        titleKeys = keys
        titleByteLimit = title.utf8.count * 2 + 16
        var end = lines.count
        while end > 0, lines[end - 1].trimmingSpaces().isEmpty { end -= 1 }
        contentEnd = end
    }

    static func comparable<S: StringProtocol>(_ s: S) -> String {
        s.foldedKey(keepingDigits: true)
    }

    mutating func read() {
        while index < lines.count {
            let line = Substring(lines[index])
            index += 1
            process(line)
        }
        flushParagraph()
    }

    // MARK: - Dispatch

    private mutating func process(_ line: Substring) {
        let t = line.trimmingSpaces()
        if t.isEmpty { flushParagraph(); return }
        // Lines opening with a quotation mark are words: skip every marker test.
        if let b = t.utf8.first, b == 0x22 || (b == 0xE2 && t.first.map { Character.openingQuotes.contains($0) } == true) {
            prose(t)
            return
        }
        if Clutter.isChrome(t) { clutterLines += 1; return }
        if Clutter.startsTeaserBlock(t) { skipTeaser(); return }
        if section == .after {
            guard Markers.bracket(atStartOf: t) != nil || Markers.speechKeyword(atStartOf: t) != nil else {
                prose(t)
                return
            }
            section = .body
        }
        if t.hasPrefix("[[") { intro(t); return }
        if let (bracket, rest) = Markers.bracket(atStartOf: t) { handleBracket(bracket, rest: rest); return }
        if let (kind, afterKeyword) = Markers.speechKeyword(atStartOf: t) {
            speech(SpeechHeader.parse(kind: kind, afterKeyword: afterKeyword), line: t, listing: false)
            return
        }
        if let (_, rest) = Markers.numberedShot(t) {
            sawStructure = true
            if let (kind, afterKeyword) = Markers.speechKeyword(atStartOf: rest) {
                speech(SpeechHeader.parse(kind: kind, afterKeyword: afterKeyword), line: rest, listing: true)
            } else {
                flushParagraph()
                builder.addSegment(.shot, text: Self.removingNotes(rest))
                if section == .header { section = .shotlist }
            }
            return
        }
        if let (key, value) = HeaderKey.match(atStartOf: t) { header(key, value: value, line: t); return }
        if t.byteCount <= 10, t.uppercased() == "STORYLINE" || t.uppercased() == "SHOTLIST" || t.uppercased() == "SHOT LIST" {
            if t.uppercased() == "STORYLINE" { enterStoryline() } else { flushParagraph(); section = .shotlist; sawStructure = true }
            return
        }
        if t.hasPrefixIgnoringCase("storyline "), section != .storyline {
            enterStoryline()
            prose(t.dropFirst("storyline ".count).trimmingSpaces())
            return
        }
        if t.hasPrefix("((") { doubleParen(t); return }
        if newsroomCue(t) { return }
        if t.hasPrefix("///") {
            flushParagraph()
            section = .after
            proseKind = .text
            let rest = t.drop { $0 == "/" || $0 == " " || $0 == "-" }
            if !rest.isEmpty { prose(rest) }
            return
        }
        if isSeparator(t) { flushParagraph(); return }
        if let d = MetadataParsing.dateline(t) {
            flushParagraph()
            meta.addDateline(d)
            return
        }
        if MetadataParsing.isDurationLine(t) {
            meta.noteStandaloneDuration(t)
            return
        }
        if let d = dateAndDuration(t) {
            meta.noteStandaloneDuration(d)
            return
        }
        if t.hasPrefix("++") {
            let rest = Self.removingNotes(t)
            if !rest.isEmpty { prose(Substring(rest)) }
            return
        }
        if isDateOnly(t) { return }
        if let agency = Self.agencyLine(t) {
            if meta.source == nil { meta.source = agency }
            return
        }
        if let (label, body) = interviewLine(t) { interview(label: label, body: body); return }
        if pendingSoundBite, let (label, body) = labelledLine(t) {
            let header = SpeechHeader(kind: .soundBite, label: label, language: nil, interpreted: false, rest: body)
            speech(header, line: t, listing: false)
            return
        }
        prose(t)
    }

    /// True when `line` opens something new, so a quote or a paragraph must stop before it.
    private func isStructural(_ t: Substring) -> Bool {
        guard let first = t.utf8.first else { return false }
        // A line opening with a quotation mark (straight or curly) is words, never a marker.
        if first == 0x22 || (first == 0xE2 && t.first.map { Character.openingQuotes.contains($0) } == true) { return false }
        if Clutter.isChrome(t) || Clutter.startsTeaserBlock(t) { return true }
        if Markers.bracket(atStartOf: t) != nil { return true }
        if Markers.speechKeyword(atStartOf: t) != nil { return true }
        if Markers.numberedShot(t) != nil { return true }
        if HeaderKey.match(atStartOf: t) != nil { return true }
        if t.hasPrefix("((") || t.hasPrefix("[[") || t.hasPrefix("///") || t.hasPrefix("++") { return true }
        if isSeparator(t) || isCueLine(t) { return true }
        if MetadataParsing.dateline(t) != nil { return true }
        if interviewLine(t) != nil { return true }
        return false
    }

    // MARK: - Prose

    private mutating func prose(_ text: Substring) {
        var t = text.trimmingSpaces()
        if t.isEmpty { return }
        // Production notes ("++AUDIO AS RECEIVED++") are not story text.
        if t.containsBytePair(0x2B, 0x2B) { t = Substring(Self.removingNotes(t)) ; if t.isEmpty { return } }
        if t.byteCount <= titleByteLimit, titleKeys.contains(Self.comparable(t)) { return }
        // Short headings above the story on a web page (site name, channel, slug).
        if section == .header, !sawStructure, builder.segments.isEmpty, paragraph.isEmpty,
           t.byteCount <= 120, t.words.count <= 8, let last = t.last, !".!?\"”".contains(last) {
            clutterLines += 1
            return
        }
        if section == .shotlist {
            // Unnumbered lines inside a shot list are group headers: source, restrictions, place.
            if MetadataParsing.looksLikeRestriction(t) { meta.noteInlineRestriction(t); return }
            if t.byteCount <= 80, t.isAllCapsText, t.words.count <= 6 { return }
        }
        if isNewsroom, t.byteCount <= 40, !t.contains(" ") { return }  // rundown slugs ("Weather-Tease")
        if pendingSoundBite {
            flushParagraph()
            builder.addSegment(.soundBite, text: t.collapsingSpaces())
            builder.warn("speaker_missing", "A sound bite has no speaker label: \(Self.excerpt(t))")
            return
        }
        let kind = section == .shotlist ? SegmentKind.shot : proseKind
        if !paragraph.isEmpty, kind != paragraphKind { flushParagraph() }
        paragraphKind = kind
        paragraph.append(t)
    }

    private mutating func flushParagraph() {
        guard !paragraph.isEmpty else { return }
        let text = paragraph.joined(separator: " ").collapsingSpaces()
        paragraph.removeAll(keepingCapacity: true)
        if !text.isEmpty { builder.addSegment(paragraphKind, text: text) }
    }

    static func removingNotes(_ t: Substring) -> String {
        var out = ""
        var inNote = false
        var i = t.startIndex
        while i < t.endIndex {
            let next = t.index(after: i)
            if t[i] == "+", next < t.endIndex, t[next] == "+" {
                inNote.toggle()
                i = t.index(after: next)
                continue
            }
            if !inNote { out.append(t[i]) }
            i = next
        }
        return out.collapsingSpaces()
    }

    static func excerpt<S: StringProtocol>(_ s: S) -> String {
        let c = s.collapsingSpaces()
        return c.count <= 60 ? "\"\(c)\"" : "\"\(c.prefix(57))...\""
    }

    // MARK: - Sections and headers

    /// A section key's value is read like a line ("SHOTLIST: CAN THO, ..."). A value that is
    /// itself a run of section keys ("STORYLINE: STORYLINE: ...") is read as prose beyond a
    /// small depth, so no input can recurse without bound.
    private mutating func processValue(_ value: Substring) {
        guard !value.isEmpty else { return }
        if valueDepth >= 4 { prose(value); return }
        valueDepth += 1
        process(value)
        valueDepth -= 1
    }

    private mutating func enterStoryline() {
        flushParagraph()
        section = .storyline
        proseKind = .voiceOver
        sawStructure = true
    }

    private mutating func header(_ key: HeaderKey, value: Substring, line: Substring) {
        flushParagraph()
        sawStructure = true
        switch key {
        case .shotlist:
            section = .shotlist
            processValue(value)
        case .storyline, .script:
            enterStoryline()
            processValue(value)
        case .ignored, .type, .firstRun, .category, .shootingTime, .summary, .slug, .story, .title, .headline:
            if let d = MetadataParsing.dateline(line) { meta.addDateline(d) }
            meta.noteHeader(key, value: value)
        case .cue:
            if let colon = line.firstIndex(of: ":"), ["SUPER", "CG"].contains(line[..<colon].trimmingSpaces().uppercased()),
               let label = SpeakerLabelParser.parse(String(line[line.index(after: colon)...])) {
                builder.refineSpeaker(matching: label)
            }
        default:
            meta.noteHeader(key, value: value)
        }
    }

    // MARK: - Bracketed pages

    private mutating func handleBracket(_ bracket: Markers.Bracket, rest: Substring) {
        flushParagraph()
        sawStructure = true
        switch bracket {
        case .restrictions(let text):
            meta.noteBracketRestriction(text)
            if !rest.isEmpty { prose(rest) }
        case .segment(let kind):
            switch kind {
            case .soundBite, .standUp:
                speech(SpeechHeader.parse(kind: kind, afterKeyword: rest), line: rest, listing: false, bracketed: true)
            default:
                proseKind = kind
                if !rest.isEmpty { prose(rest) }
            }
        }
    }

    private mutating func intro(_ t: Substring) {
        flushParagraph()
        var parts: [Substring] = [t.dropFirst(2)]
        if !t.containsText("]]") {
            while index < lines.count, parts.count < 200 {
                let next = Substring(lines[index]).trimmingSpaces()
                if next.isEmpty { break }
                index += 1
                parts.append(next)
                if next.containsText("]]") { break }
            }
        }
        var text = parts.joined(separator: " ")
        if let r = text.firstRange(of: "]]") { text = String(text[..<r.lowerBound]) }
        let clean = text.collapsingSpaces()
        if !clean.isEmpty { builder.addSegment(.text, text: clean) }
    }

    private mutating func skipTeaser() {
        flushParagraph()
        var j = index
        while j < lines.count, j - index < 60 {
            if Clutter.endsTeaserBlock(Substring(lines[j]).trimmingSpaces()) {
                clutterLines += j - index + 2
                index = j + 1
                return
            }
            j += 1
        }
        clutterLines += 1
    }

    // MARK: - Speech

    /// A sound bite or stand-up: its label, then its words.
    private mutating func speech(_ header: SpeechHeader, line: Substring, listing: Bool, bracketed: Bool = false) {
        flushParagraph()
        sawStructure = true
        pendingSoundBite = false
        switch header.kind {
        case .voiceOver, .natSound, .shot, .text:
            proseKind = header.kind
            if !header.rest.isEmpty { prose(header.rest) }
            return
        case .soundBite, .standUp:
            break
        }
        let header = continueWrappedLabel(header)
        var label = header.label.flatMap { parseLabel($0) }
        var rest = header.rest
        // "[Stand_up] Reporter narration..." has no label: a label must end with a colon or a
        // line end and be short; a bracketed stand-up with a long first clause is just text.
        if bracketed, header.kind == .standUp, let l = label, !l.isNamed || l.rawLabel.count > 120 {
            label = nil
            rest = line
        }
        if header.label == nil, rest.trimmingSpaces().isEmpty, !bracketed, !listing {
            // "SOT 10:12:42" alone: the label comes next, in (( )) or as "NAME: words".
            pendingSoundBite = header.kind == .soundBite
            return
        }
        let words = collectWords(after: rest)
        let language = header.language ?? label?.language ?? words.language
        let interpreted = header.interpreted || (label?.interpreted ?? false) || words.interpreted
        if header.kind == .standUp {
            let speakerIndex = label.map { builder.speaker(for: $0, withQuote: false) }
            if listing, words.text.isEmpty {
                builder.addSegment(.shot, text: Self.removingNotes(line), speakerIndex: speakerIndex)
            } else {
                builder.addSegment(.standUp, text: words.text, speakerIndex: speakerIndex)
            }
            if words.truncated { builder.warn("quote_truncated", "The input ends inside a stand-up.") }
        } else {
            emitSoundBite(label: label, words: words, language: language, interpreted: interpreted,
                          listing: listing, listingText: line)
        }
        if proseKind == .text || proseKind == .natSound { proseKind = .voiceOver }
        if let remainder = words.remainder, !remainder.isEmpty { prose(remainder) }
    }

    /// Labels repeat (the same speaker in the shot list and before each bite): parse each once.
    /// The cache is bounded so a transcript of millions of distinct labels cannot grow it.
    private mutating func parseLabel(_ raw: String) -> SpeakerLabel? {
        if let cached = labelCache[raw] { return cached }
        let parsed = SpeakerLabelParser.parse(raw)
        if labelCache.count < 4096 { labelCache[raw] = parsed }
        return parsed
    }

    /// Hard-wrapped pages break lines anywhere, also inside a label. When a label ran to the
    /// end of its line, the next lines (at most three) continue it if they reach a colon
    /// followed by the words (a quotation mark, a note, or the line end), or if the line after
    /// them opens a quotation; a line ending like a sentence is words, not label. A marker
    /// alone at a line end ("... SOUNDBITE" / "1 Name, title: ...") takes its whole header
    /// from the next line.
    private mutating func continueWrappedLabel(_ header: SpeechHeader) -> SpeechHeader {
        guard !header.labelTerminated, header.rest.trimmingSpaces().isEmpty, index < contentEnd else { return header }
        var base = header
        var start = index
        var reparsed = false
        if header.label == nil {
            let next = Substring(lines[index]).trimmingSpaces()
            guard !next.isEmpty, !isStructural(next), let f = next.first, !Character.openingQuotes.contains(f) else { return header }
            var again = SpeechHeader.parse(kind: header.kind, afterKeyword: next)
            again.language = header.language ?? again.language
            again.interpreted = header.interpreted || again.interpreted
            guard let label = again.label, let parsed = parseLabel(label), parsed.isNamed else { return header }
            if again.labelTerminated { index += 1; return again }
            base = again
            start = index + 1
            reparsed = true
        }
        guard let first = base.label else { return header }
        var pieces = [first]
        var budget = 250 - first.count
        func commit(_ reader: inout TranscriptReader, upTo next: Int, rest: Substring) -> SpeechHeader? {
            let joined = pieces.joined(separator: " ")
            guard let parsed = reader.parseLabel(joined), parsed.isNamed else { return nil }
            reader.index = next
            var merged = base
            merged.label = joined
            merged.rest = rest
            merged.labelTerminated = true
            return merged
        }
        var j = start
        while j < contentEnd, j - start < 3, budget > 0 {
            let next = Substring(lines[j]).trimmingSpaces()
            if next.isEmpty {
                // "..., Editor-in-chief of The" / "Harbour Review" / blank: a label cannot end
                // in "of The", so the line after it was the label's end.
                if pieces.count > 1, Self.endsDangling(pieces[pieces.count - 2]) {
                    return commit(&self, upTo: j, rest: next) ?? header
                }
                break
            }
            if isStructural(next) {
                // In a shot list the label's last line is followed by the next shot:
                // label-like continuation lines (no sentence inside) finished the label.
                if pieces.count > 1, !pieces.dropFirst().contains(where: { $0.containsText(". ") }) {
                    return commit(&self, upTo: j, rest: next[next.endIndex...]) ?? header
                }
                break
            }
            if let f = next.first, Character.openingQuotes.contains(f) {
                // The words start here: the lines before them finished the label.
                return commit(&self, upTo: j, rest: next[next.endIndex...]) ?? header
            }
            if next.first == "(", let close = next.firstIndex(of: ")"),
               next[next.index(after: close)...].trimmingSpaces().isEmpty,
               LanguageNote.read(next[next.index(after: next.startIndex)..<close]) != nil {
                break  // "(Chinese/English interpretation)" alone: the words' note, read with the words
            }
            var k = next.startIndex
            var count = 0
            while k < next.endIndex, count < budget {
                let ch = next[k]
                if Character.openingQuotes.contains(ch) {
                    pieces.append(String(next[..<k]).trimmingLabelPunctuation())
                    return commit(&self, upTo: j + 1, rest: next[k...]) ?? header
                }
                if ch == ":" {
                    let after = next[next.index(after: k)...].trimmingSpaces()
                    let wordsFollow = after.isEmpty || after.hasPrefix("++") || after.first == "("
                        || (after.first.map { Character.openingQuotes.contains($0) } ?? false)
                    guard wordsFollow else { break }
                    pieces.append(String(next[..<k]))
                    return commit(&self, upTo: j + 1, rest: after) ?? header
                }
                k = next.index(after: k)
                count += 1
            }
            if let last = next.last, ".!?".contains(last) { break }
            pieces.append(String(next))
            budget -= count + 1
            j += 1
        }
        if reparsed {
            // "SOUNDBITE" / "1 (Russian): NAME, title": the label line itself is consumed.
            index = start
            return base
        }
        return header
    }

    /// True when `text` ends in a word that cannot end a label ("of", "the", "and", a comma).
    static func endsDangling(_ text: String) -> Bool {
        let t = text.trimmingSpaces()
        if t.hasSuffix(",") || t.hasSuffix("-") { return true }
        guard let last = t.words.last else { return false }
        return ["of", "the", "and", "for", "at", "in", "de", "on", "to", "&"].contains(last.lowercased())
    }

    private mutating func emitSoundBite(
        label: SpeakerLabel?, words: CollectedWords, language: String?, interpreted: Bool,
        listing: Bool, listingText: Substring
    ) {
        if words.text.isEmpty {
            let speakerIndex = label.map { builder.speaker(for: $0, withQuote: false) }
            if listing {
                builder.addSegment(.shot, text: Self.removingNotes(listingText), speakerIndex: speakerIndex)
            } else {
                builder.addSegment(.soundBite, text: "", speakerIndex: speakerIndex)
                builder.warn("sound_bite_empty", "A sound bite has no words\(label.map { " (\($0.name))" } ?? "").")
            }
            return
        }
        guard let label else {
            builder.addSegment(.soundBite, text: words.text)
            builder.warn("speaker_missing", "A sound bite has no speaker label: \(Self.excerpt(words.text))")
            return
        }
        if !label.isNamed {
            builder.warn("speaker_unnamed", "No personal name found in the label \"\(label.rawLabel)\"; the label is used as the name.")
        }
        let speakerIndex = builder.speaker(for: label, withQuote: true)
        builder.addSegment(.soundBite, text: words.text, speakerIndex: speakerIndex)
        builder.addQuote(QuoteDraft(
            speakerIndex: speakerIndex, segmentIndex: builder.segments.count - 1, text: words.text,
            language: language, interpreted: interpreted, truncated: words.truncated
        ))
        if words.truncated {
            builder.warn("quote_truncated", "The input ends inside the quote of \(label.name); it is kept and flagged truncated.")
        }
        if words.unclosed {
            builder.warn("quote_unclosed", "The quote of \(label.name) opens a quotation mark that never closes; it was ended at the next marker.")
        }
    }

    struct CollectedWords {
        var text: String = ""
        var truncated = false
        var unclosed = false
        var language: String?
        var interpreted = false
        /// Text after the closing quotation mark on the same line: narration, not the quote.
        var remainder: Substring?
    }

    /// Reads the words of a sound bite: from `rest` (what followed the label on its line) and
    /// the lines after it. A quotation runs to its closing mark — across lines and across
    /// paragraphs that reopen with a quotation mark — and stops early only at a line that
    /// opens something new. Without quotation marks, the words run to a blank line.
    private mutating func collectWords(after rest: Substring) -> CollectedWords {
        var result = CollectedWords()
        var cur = rest.trimmingSpaces()
        if stripLeadingNotes(&cur, into: &result) {
            // A "++NOTE" left open runs on to the line holding its closing "++".
            var j = index
            var closed = false
            while j < contentEnd, j - index < 6 {
                let next = Substring(lines[j]).trimmingSpaces()
                if next.isEmpty { break }
                if let r = next.firstRange(of: "++") {
                    cur = next[r.upperBound...].trimmingSpaces()
                    stripLeadingNotes(&cur, into: &result)
                    closed = true
                    break
                }
                j += 1
            }
            // The note's own lines are skipped whether or not it closed.
            index = closed ? j + 1 : j
        }
        if cur.isEmpty {
            // The words start on a later line (skip at most two blank lines).
            var j = index
            var blanks = 0
            while j < lines.count {
                let next = Substring(lines[j]).trimmingSpaces()
                if next.isEmpty {
                    blanks += 1
                    if blanks > 2 { return result }
                    j += 1
                    continue
                }
                if isStructural(next) { return result }
                var candidate = next
                stripLeadingNotes(&candidate, into: &result)
                index = j + 1
                if candidate.isEmpty { j += 1; continue }
                cur = candidate
                break
            }
            if cur.isEmpty { return result }
        }
        if let opener = cur.first, Character.openingQuotes.contains(opener) {
            quoted(opener: opener, first: cur.dropFirst(), into: &result)
        } else {
            unquoted(first: cur, into: &result)
        }
        return result
    }

    /// Removes leading "++notes++" and language notes; true when a "++" note is left open.
    @discardableResult
    private func stripLeadingNotes(_ cur: inout Substring, into result: inout CollectedWords) -> Bool {
        var guardCount = 0
        while guardCount < 8 {
            guardCount += 1
            cur = cur.trimmingSpaces()
            if cur.hasPrefix("++") {
                let body = cur.dropFirst(2)
                if let r = body.firstRange(of: "++") { cur = body[r.upperBound...]; continue }
                cur = cur[cur.endIndex...]
                return true
            }
            if cur.first == "(", let close = cur.firstIndex(of: ")"),
               let note = LanguageNote.read(cur[cur.index(after: cur.startIndex)..<close]) {
                result.language = result.language ?? note.language
                result.interpreted = result.interpreted || note.interpreted
                cur = cur[cur.index(after: close)...]
                continue
            }
            if cur.first == ":" { cur = cur.dropFirst(); continue }
            return false
        }
        return false
    }

    private mutating func quoted(opener: Character, first: Substring, into result: inout CollectedWords) {
        let closerScalars = Set(opener.closingQuoteMarks.compactMap(\.unicodeScalars.first))
        var parts: [Substring] = []
        var body = first
        while true {
            if let close = Self.firstCloser(in: body, closers: closerScalars) {
                parts.append(body[..<close])
                let after = body[body.index(after: close)...].trimmingSpaces()
                if after.isEmpty, let (_, nextBody) = continuationParagraph() {
                    body = nextBody
                    continue
                }
                result.remainder = after
                break
            }
            parts.append(body)
            // The quotation goes on: next line, or a paragraph that reopens with a quote mark.
            guard index < contentEnd else { result.truncated = true; break }
            let next = Substring(lines[index]).trimmingSpaces()
            if next.isEmpty {
                if let (_, nextBody) = continuationParagraph() { body = nextBody; continue }
                result.unclosed = true
                break
            }
            if isStructural(next) { result.unclosed = true; break }
            index += 1
            if let f = next.first, Character.openingQuotes.contains(f), f != "”" {
                body = next.dropFirst()
            } else {
                body = next
            }
        }
        result.text = Self.joinQuote(parts)
    }

    /// The first closing mark in `body`, found on UTF-8 bytes: only bytes that can start one of
    /// the closing marks ('"', or the lead byte of a curly or angle mark) are decoded.
    static func firstCloser(in body: Substring, closers: Set<Unicode.Scalar>) -> Substring.Index? {
        let view = body.utf8
        var i = view.startIndex
        while i < view.endIndex {
            let b = view[i]
            if b == 0x22 {
                if closers.contains("\"") { return i }
            } else if b == 0xE2 || b == 0xC2 {
                if let scalar = body.unicodeScalars[i...].first, closers.contains(scalar) { return i }
            }
            i = view.index(after: i)
        }
        return nil
    }

    /// After a quotation closed (or a paragraph ended open), a following paragraph that starts
    /// with an opening quotation mark continues the same speaker's words (the convention of
    /// leaving a paragraph open and reopening the next). Skips at most one blank line.
    private mutating func continuationParagraph() -> (Character, Substring)? {
        var j = index
        var blanks = 0
        while j < lines.count {
            let next = Substring(lines[j]).trimmingSpaces()
            if next.isEmpty {
                blanks += 1
                if blanks > 1 { return nil }
                j += 1
                continue
            }
            guard let f = next.first, Character.openingQuotes.contains(f), f != "”" else { return nil }
            index = j + 1
            return (f, next.dropFirst())
        }
        return nil
    }

    private mutating func unquoted(first: Substring, into result: inout CollectedWords) {
        var parts: [Substring] = [first]
        while index < lines.count {
            let next = Substring(lines[index]).trimmingSpaces()
            if next.isEmpty || isStructural(next) { break }
            index += 1
            parts.append(next)
        }
        let text = Self.joinQuote(parts)
        // Words without a letter ("3" of a shot list cut mid-number) are not a quote.
        guard text.hasLetters else { return }
        result.text = text
        if index >= contentEnd, let last = text.last, !".!?…)\"”»".contains(last) {
            result.truncated = true
        }
    }

    /// Paragraphs joined by a space; stray quotation marks at the edges removed.
    static func joinQuote(_ parts: [Substring]) -> String {
        var text = parts.map { removingNotesIfAny($0) }.joined(separator: " ").collapsingSpaces()
        while let f = text.first, f.isQuoteMark { text.removeFirst() }
        while let l = text.last, l.isQuoteMark { text.removeLast() }
        return String(text.trimmingSpaces())
    }

    private static func removingNotesIfAny(_ s: Substring) -> String {
        s.containsBytePair(0x2B, 0x2B) ? removingNotes(s) : String(s)
    }

    // MARK: - Newsroom scripts

    /// "((NARRATION))", "((Name, Title)) ((In Ukrainian))", "((NAME/TITLE; WORDS...))" across lines.
    private mutating func doubleParen(_ t: Substring) {
        flushParagraph()
        sawStructure = true
        // Gather text until the last "))" of the block (a bite may span several lines).
        var text = String(t)
        var gathered = 0
        while Self.openDoubleParens(text), index < lines.count, gathered < 200 {
            let next = Substring(lines[index]).trimmingSpaces()
            if next.isEmpty { break }
            index += 1
            gathered += 1
            text += " " + next
        }
        var groups: [Substring] = []
        var s = Substring(text)
        while s.hasPrefix("((") {
            let body = s.dropFirst(2)
            if let r = body.firstRange(of: "))") {
                groups.append(body[..<r.lowerBound].trimmingSpaces())
                s = body[r.upperBound...].trimmingSpaces()
            } else {
                groups.append(body.trimmingSpaces())
                s = s[s.endIndex...]
            }
        }
        var label: SpeakerLabel?
        var language: String?
        var interpreted = false
        for g in groups {
            let word = Markers.letters(g)
            if let kind = Self.directions[word] {
                pendingSoundBite = false
                if kind == .soundBite { pendingSoundBite = true } else { proseKind = kind }
                continue
            }
            if let note = LanguageNote.read(g) {
                language = language ?? note.language
                interpreted = interpreted || note.interpreted
                continue
            }
            if let semi = g.firstIndex(of: ";"), g.distance(from: g.startIndex, to: semi) <= 120,
               let l = SpeakerLabelParser.parse(String(g[..<semi])), l.isNamed {
                // The label and the words in one block, as newsroom systems write SOTs.
                var words = CollectedWords()
                var body = g[g.index(after: semi)...].trimmingSpaces()
                stripLeadingNotes(&body, into: &words)
                words.text = Self.joinQuote([body])
                emitSoundBite(label: l, words: words, language: words.language ?? l.language,
                              interpreted: words.interpreted || l.interpreted, listing: false, listingText: g)
                pendingSoundBite = false
                if proseKind == .text { proseKind = .voiceOver }
                continue
            }
            if g.byteCount <= 240, !g.containsText(". "), let l = SpeakerLabelParser.parse(String(g)), l.isNamed {
                label = l
                continue
            }
            // Anything else in double parentheses is a production note.
        }
        if let label {
            let header = SpeechHeader(kind: .soundBite, label: label.rawLabel, language: language,
                                      interpreted: interpreted, rest: s)
            speech(header, line: s, listing: false)
        } else if !s.isEmpty {
            prose(s)
        }
    }

    private static func openDoubleParens(_ text: String) -> Bool {
        var opens = 0
        var closes = 0
        var previous: Character = " "
        for ch in text {
            if ch == "(", previous == "(" { opens += 1; previous = " "; continue }
            if ch == ")", previous == ")" { closes += 1; previous = " "; continue }
            previous = ch
        }
        return opens > closes
    }

    static let directions: [String: SegmentKind] = [
        "narration": .voiceOver, "narrator": .voiceOver, "vo": .voiceOver, "voiceover": .voiceOver,
        "track": .voiceOver, "intro": .text, "anchor": .text, "anchorintro": .text, "leadin": .text,
        "tag": .text, "outro": .text, "oncam": .text, "oc": .text, "nat": .natSound, "nats": .natSound,
        "natsound": .natSound, "natsot": .natSound, "ambience": .natSound, "sot": .soundBite,
        "standup": .standUp, "end": .text, "break": .text, "pkg": .text,
    ]

    /// Bare cue lines of newsroom scripts: "VO-NAT", "(/////SOT/////)", "SOT 10:12:42",
    /// "ANCHOR=Keith", "IN Q=...", "RUNS=:13", "TAPE#96-110". Returns true when handled.
    private mutating func newsroomCue(_ t: Substring) -> Bool {
        if let eq = keyEqualsValue(t) {
            if eq.key == "SUPER" {
                let text = Self.superText(eq.value)
                if !text.contains("/"), !text.contains(","), text.words.count <= 3, text.hasLetters {
                    // A super with no title is a place locator ("SUPER=03-Millbrook;").
                    meta.noteLocator(text)
                } else if let label = SpeakerLabelParser.parse(text) {
                    builder.refineSpeaker(matching: label)
                }
            }
            if eq.key == "TRT" || eq.key == "LENGTH" { meta.noteStandaloneDuration(eq.value) }
            return true
        }
        if t.hasPrefix("TAPE#") { return true }
        if t.byteCount <= 24, let kind = cueKind(t) {
            flushParagraph()
            sawStructure = true
            pendingSoundBite = false
            if kind == .soundBite { pendingSoundBite = true } else { proseKind = kind }
            return true
        }
        return false
    }

    /// "01-Karen Osei/Millbrook Mayor;" → "Karen Osei/Millbrook Mayor".
    static func superText(_ value: Substring) -> String {
        var v = value.trimmingSpaces()
        if let dash = v.firstIndex(of: "-"), v[..<dash].allSatisfy(\.isNumber) { v = v[v.index(after: dash)...] }
        while v.last == ";" { v = v.dropLast() }
        return String(v)
    }

    private func keyEqualsValue(_ t: Substring) -> (key: String, value: Substring)? {
        guard let f = t.utf8.first, f >= 0x41, f <= 0x5A,
              let eq = t.utf8.prefix(21).firstIndex(of: UInt8(ascii: "=")) else { return nil }
        let key = t[..<eq]
        guard let f = key.first, f.isUppercase, key.allSatisfy({ $0.isUppercase || $0 == " " || $0.isNumber || $0 == "#" || $0 == "_" })
        else { return nil }
        return (String(key.trimmingSpaces()), t[t.index(after: eq)...])
    }

    private func isCueLine(_ t: Substring) -> Bool {
        keyEqualsValue(t) != nil || t.hasPrefix("TAPE#") || cueKind(t) != nil
    }

    private func cueKind(_ t: Substring) -> SegmentKind? {
        guard t.byteCount <= 24, let f = t.utf8.first, (f >= 0x41 && f <= 0x5A) || f == UInt8(ascii: "(") else { return nil }
        var core = t
        if core.hasPrefix("("), core.hasSuffix(")") { core = core.dropFirst().dropLast() }
        // "SOT 10:12:42": a cue followed by a timecode.
        let head = core.prefix { !$0.isNumber }.trimmingSpaces()
        let tail = core.dropFirst(head.count).trimmingSpaces()
        guard tail.allSatisfy({ $0.isNumber || $0 == ":" || $0 == "." }) else { return nil }
        guard head.allSatisfy({ $0.isUppercase || $0 == "-" || $0 == "/" || $0 == " " || $0 == "+" }) else { return nil }
        let word = Markers.letters(head)
        guard !word.isEmpty else { return nil }
        return Self.cues[word]
    }

    static let cues: [String: SegmentKind] = [
        "vo": .voiceOver, "vonat": .voiceOver, "vonats": .voiceOver, "vosot": .voiceOver, "voiceover": .voiceOver,
        "nat": .natSound, "nats": .natSound, "natsound": .natSound, "natsot": .natSound, "natvo": .natSound,
        "sot": .soundBite, "sotvo": .soundBite, "soundbite": .soundBite,
        "oc": .text, "oncam": .text, "cam": .text, "anchor": .text, "pkg": .text, "package": .text, "tag": .text,
        "standup": .standUp,
    ]

    private func isSeparator(_ t: Substring) -> Bool {
        t.utf8.allSatisfy { Self.separatorBytes.contains($0) } && t.byteCount >= 3
    }

    private static let separatorBytes: Set<UInt8> = Set("-=_*~/()#".utf8)

    /// "Friday, Aug 16, 2024 - 02:14": a date with the clip's length after a dash.
    private func dateAndDuration(_ t: Substring) -> Substring? {
        guard t.byteCount <= 60, let r = t.lastRange(of: " - ") else { return nil }
        let tail = t[r.upperBound...]
        guard MetadataParsing.duration(tail) != nil, tail.allSatisfy({ $0.isNumber || $0 == ":" }) else { return nil }
        var head = t[..<r.lowerBound]
        if let comma = head.firstIndex(of: ","), head[..<comma].hasSuffix("day") { head = head[head.index(after: comma)...] }
        return MetadataParsing.date(head) != nil ? tail : nil
    }

    /// "(3 May 2022)" or "Tuesday, 3 June 2025": a date alone on its line is page metadata.
    private func isDateOnly(_ t: Substring) -> Bool {
        guard t.byteCount <= 40, t.containsASCIIDigit else { return false }
        var core = t
        if core.hasPrefix("("), core.hasSuffix(")") { core = core.dropFirst().dropLast() }
        if let comma = core.firstIndex(of: ","), core[..<comma].lowercased().hasSuffix("day") {
            core = core[core.index(after: comma)...]
        }
        return MetadataParsing.date(core) != nil
    }

    /// A line that is only an agency's name ("REUTERS") credits the pictures.
    static func agencyLine(_ t: Substring) -> String? {
        guard t.byteCount <= 24 else { return nil }
        return switch t.uppercased() {
        case "ASSOCIATED PRESS", "AP", "AP TELEVISION": "AP"
        case "REUTERS": "Reuters"
        case "AFP", "AGENCE FRANCE-PRESSE": "AFP"
        case "XINHUA", "XINHUA NEWS AGENCY": "Xinhua"
        default: nil
        }
    }

    // MARK: - Interviews

    /// "NAME: words" lines of interview transcripts, when the pre-scan accepted NAME.
    private func interviewLine(_ t: Substring) -> (String, Substring)? {
        guard !interviewLabels.isEmpty, let label = Self.interviewLabelCandidate(t) else { return nil }
        guard interviewLabels.contains(label.label) else { return nil }
        return (label.label, label.body)
    }

    /// A line starting with a name in capitals and a colon ("JOHN SMITH: (Through interpreter) ...").
    static func interviewLabelCandidate(_ t: Substring) -> (label: String, body: Substring)? {
        guard let b = t.utf8.first, b >= 0x80 || (b >= 0x41 && b <= 0x5A), let f = t.first, f.isUppercase, let colon = t.utf8.prefix(48).firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let label = t[..<colon].trimmingSpaces()
        // "Q:" and "A:" are the interviewer's and the answer's lines of a transcript.
        guard label.count >= 2 || label == "Q" || label == "A", label.isAllCapsText,
              label.allSatisfy({ $0.isLetter || $0 == " " || $0 == "." || $0 == "'" || $0 == "’" || $0 == "-" }) else { return nil }
        let w = label.words
        guard w.count >= 1, w.count <= 5 else { return nil }
        if HeaderKey.table[String(label)] != nil { return nil }
        if Markers.speechKeyword(atStartOf: label) != nil { return nil }
        let body = t[t.index(after: colon)...].trimmingSpaces()
        guard !body.isEmpty, !(body.first?.isNumber ?? false) else { return nil }
        return (String(label), body)
    }

    private mutating func interview(label: String, body: Substring) {
        flushParagraph()
        sawStructure = true
        if Lexicon.nonPersonSpeakerLabels.contains(label.lowercased()) {
            var parts = [body]
            while index < lines.count {
                let next = Substring(lines[index]).trimmingSpaces()
                if next.isEmpty || isStructural(next) { break }
                index += 1
                parts.append(next)
            }
            builder.addSegment(.text, text: parts.joined(separator: " ").collapsingSpaces())
            return
        }
        let header = SpeechHeader(kind: .soundBite, label: label, language: nil, interpreted: false, rest: body)
        speech(header, line: body, listing: false)
    }

    /// After a bare SOT cue: "Name, title: words" or a label alone on its line.
    private func labelledLine(_ t: Substring) -> (String, Substring)? {
        if let colon = t.firstIndex(of: ":"), t.distance(from: t.startIndex, to: colon) <= 120 {
            let label = String(t[..<colon])
            if let l = SpeakerLabelParser.parse(label), l.isNamed { return (label, t[t.index(after: colon)...]) }
        }
        return nil
    }
}
