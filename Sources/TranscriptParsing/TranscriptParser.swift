import ArchiveModel

/// Reads news-video transcripts — agency scripts, shot lists, newsroom scripts, pages pasted
/// from the web — into a `StoryDraft`.
///
/// The parser is pure (text in, values out) and total: any input gives a result or a typed
/// error, in time linear in its size. Only input with nothing usable is an error; prose
/// without any script markers becomes one `text` segment with a `no_structure` warning.
///
/// Pipeline: normalise bytes into clean lines → split run-together lines at markers →
/// find the title → read lines once into segments, speakers and quotes → assemble.
public enum TranscriptParser {
    /// Inputs above this size are refused before any work (64 MiB).
    public static let maximumInputBytes = 64 << 20

    /// Parses raw bytes. Invalid UTF-8 is repaired (U+FFFD) and reported as a warning, never fatal.
    /// - Throws: `TranscriptError` when there is nothing usable: no bytes, only whitespace,
    ///   binary data, or more than `maximumInputBytes`.
    public static func parse(bytes: [UInt8]) throws(TranscriptError) -> ParseResult {
        guard bytes.count <= maximumInputBytes else {
            throw .tooLarge(byteCount: bytes.count, limit: maximumInputBytes)
        }
        return assemble(try TextNormalizer.normalize(bytes: bytes))
    }

    /// Parses text.
    /// - Throws: `TranscriptError` when there is nothing usable.
    public static func parse(_ text: String) throws(TranscriptError) -> ParseResult {
        guard text.utf8.count <= maximumInputBytes else {
            throw .tooLarge(byteCount: text.utf8.count, limit: maximumInputBytes)
        }
        return assemble(try TextNormalizer.normalize(text: text))
    }

    /// A hard wrap inside a bracket marker ("... [Sound" / "bite] Name: ...") is undone by
    /// joining the two lines, when the line ends in a short unclosed "[" and the next line
    /// closes it within a few characters.
    static func joinBrokenBrackets(_ lines: inout [String]) {
        var result: [String] = []
        result.reserveCapacity(lines.count)
        var i = 0
        while i < lines.count {
            var line = lines[i]
            // Joins at most one following line per line, so the pass stays linear.
            if i + 1 < lines.count, line.utf8.count < 4096,
               let open = line.utf8.lastIndex(of: UInt8(ascii: "[")),
               line.utf8.distance(from: open, to: line.utf8.endIndex) <= 16,
               !line.utf8[open...].contains(UInt8(ascii: "]")),
               let close = lines[i + 1].utf8.prefix(17).firstIndex(of: UInt8(ascii: "]")),
               !lines[i + 1].utf8[..<close].contains(UInt8(ascii: "[")) {
                line += " " + lines[i + 1]
                i += 1
            }
            result.append(line)
            i += 1
        }
        lines = result
    }

    static func assemble(_ normalized: TextNormalizer.Output) -> ParseResult {
        var splitter = LineSplitter()
        var lines: [String] = []
        lines.reserveCapacity(normalized.lines.count)
        var physical = normalized.lines
        joinBrokenBrackets(&physical)
        for line in physical {
            if line.isEmpty { lines.append(line); continue }
            lines.append(contentsOf: splitter.split(line))
        }
        let found = TitleFinder.find(in: lines)
        let interviewLabels = InterviewScan.acceptedLabels(in: lines)
        var reader = TranscriptReader(
            lines: lines, title: found.title ?? "", interviewLabels: interviewLabels,
            isNewsroom: found.isNewsroom
        )
        reader.read()
        var builder = reader.builder
        let meta = reader.meta

        var title = found.title ?? ""
        var segments = builder.segments
        if !reader.sawStructure, !builder.hasSpeech {
            // Anything else: the title and the text as one segment.
            let body = TitleFinder.bodyText(lines: lines, excludingTitleLine: found.titleLine)
            if title.isEmpty { title = TitleFinder.guessTitle(from: body) }
            segments = body.isEmpty ? [] : [SegmentDraft(kind: .text, text: body)]
            builder.warn("no_structure", "No script markers were found; the text is kept as one text segment.")
        } else if title.isEmpty {
            // Prefer narration or shots over someone's words for a guessed title.
            let source = (segments.first { !$0.text.isEmpty && $0.kind != .soundBite && $0.kind != .standUp }
                ?? segments.first { !$0.text.isEmpty })?.text ?? ""
            title = TitleFinder.guessTitle(from: source)
            builder.warn("title_guessed", "No title or headline was found; the title was taken from the first text.")
        }
        if title.isEmpty { title = "Untitled" }
        if normalized.repairedSequences > 0 {
            builder.warn("text_repaired", "\(normalized.repairedSequences) invalid UTF-8 sequence(s) were replaced by U+FFFD.")
        }
        if normalized.removedControls > 0 {
            builder.warn("control_characters_removed", "\(normalized.removedControls) control character(s) were removed.")
        }
        if reader.clutterLines > 0 {
            builder.warn("clutter_skipped", "\(reader.clutterLines) line(s) of page furniture were skipped.")
        }
        builder.finishWarnings()

        var location = meta.locationField
        let dateline = meta.dateline
        if location == nil { location = dateline?.place }
        if location == nil { location = TitleFinder.locationPrefix(of: title) }
        let story = StoryDraft(
            title: title, location: location, dateline: dateline, durationSeconds: meta.duration,
            restrictions: meta.restrictions, storyNumber: meta.storyNumber,
            source: meta.source, segments: segments, speakers: builder.speakers, quotes: builder.quotes
        )
        return ParseResult(story: story, warnings: builder.warnings)
    }
}

/// Finds the story's title before the main read, so the reader can skip repeats of it.
enum TitleFinder {
    struct Found {
        var title: String?
        /// Index of the line the title was read from when it was a headline line.
        var titleLine: Int?
        var isNewsroom: Bool
    }

    static let scanLimit = 400
    static let headlineLimit = 40

    static func find(in lines: [String]) -> Found {
        var headline: String?
        var story: String?
        var keyEquals = 0
        for line in lines.prefix(scanLimit) {
            let t = Substring(line)
            if t.hasPrefix("///") { break }  // what follows is another story (a print text)
            if let (key, value) = HeaderKey.match(atStartOf: t), !value.isEmpty {
                if key == .headline || key == .title, headline == nil { headline = String(value) }
                if key == .story, story == nil { story = String(value) }
            }
            if isKeyEquals(t) { keyEquals += 1 }
        }
        let isNewsroom = keyEquals >= 2
        if let headline { return Found(title: headline.collapsingSpaces(), titleLine: nil, isNewsroom: isNewsroom) }
        if let story { return Found(title: cleanStorySlug(story), titleLine: nil, isNewsroom: isNewsroom) }
        if isNewsroom, let slug = newsroomSlug(lines) { return Found(title: slug, titleLine: nil, isNewsroom: true) }
        for (i, line) in lines.prefix(headlineLimit).enumerated() where isHeadline(Substring(line)) {
            return Found(title: line.collapsingSpaces(), titleLine: i, isNewsroom: isNewsroom)
        }
        return Found(title: nil, titleLine: nil, isNewsroom: isNewsroom)
    }

    /// "Chile Quake Relief- NEW Aid reaches coastal towns" → "Chile Quake Relief":
    /// agency slugs append a version word in capitals after a dash, then a summary.
    static func cleanStorySlug(_ s: String) -> String {
        var t = Substring(s.collapsingSpaces())
        while let f = t.first, f == "+" || f == "*" { t = t.dropFirst() }
        var i = t.startIndex
        while i < t.endIndex {
            if t[i] == "-" {
                let after = t[t.index(after: i)...].trimmingSpaces()
                let word = after.prefix { $0.isLetter }
                if word.count >= 3, word.isAllCapsText, i > t.startIndex,
                   after.dropFirst(word.count).first.map({ !$0.isLetter }) ?? true {
                    return String(t[..<i].trimmingSpaces())
                }
            }
            i = t.index(after: i)
        }
        return String(t.trimmingSpaces())
    }

    private static func isKeyEquals(_ t: Substring) -> Bool {
        guard let eq = t.firstIndex(of: "="), t.distance(from: t.startIndex, to: eq) <= 20, eq > t.startIndex else { return false }
        return t[..<eq].allSatisfy { $0.isUppercase || $0 == " " || $0.isNumber }
    }

    /// Rundown scripts name each story by a slug line directly above its metadata block
    /// ("Bridge" above "ANCHOR=", "NEWSCAST=", "WRITER="). The first such block wins.
    static func newsroomSlug(_ lines: [String]) -> String? {
        var i = 1
        while i < min(lines.count, scanLimit) {
            if isKeyEquals(Substring(lines[i])), !isKeyEquals(Substring(lines[i - 1])) {
                var j = i
                var storyBlock = false
                while j < lines.count, j - i < 12, isKeyEquals(Substring(lines[j])) {
                    if lines[j].hasPrefix("NEWSCAST=") || lines[j].hasPrefix("WRITER=") || lines[j].hasPrefix("SLUG=") { storyBlock = true }
                    j += 1
                }
                let slug = lines[i - 1].trimmingSpaces()
                if storyBlock, !slug.isEmpty, slug.words.count <= 5, slug.hasLetters,
                   !slug.allSatisfy({ "-=_*~/()#".contains($0) }) {
                    return String(slug)
                }
            }
            i += 1
        }
        return nil
    }

    /// A line that reads like a headline: four or more words, short, not a sentence ending
    /// in a full stop, and not one of the script's own lines (markers, fields, shots, datelines).
    static func isHeadline(_ t: Substring) -> Bool {
        guard !t.isEmpty, t.count <= 200, t.words.filter({ $0.contains(where: \.isLetter) }).count >= 3, t.hasLetters else { return false }
        if t.hasSuffix(".") || t.hasSuffix(",") || t.hasSuffix(":") { return false }
        if Clutter.isChrome(t) || Clutter.startsTeaserBlock(t) { return false }
        if HeaderKey.match(atStartOf: t) != nil || Markers.numberedShot(t) != nil { return false }
        if Markers.bracket(atStartOf: t) != nil || Markers.speechKeyword(atStartOf: t) != nil { return false }
        if t.hasPrefix("((") || t.hasPrefix("[[") || t.hasPrefix("(") || t.hasPrefix("\"") || t.hasPrefix("“") { return false }
        if MetadataParsing.dateline(t) != nil || t.contains("=") { return false }
        if t.hasPrefixIgnoringCase("storyline") { return false }
        if TranscriptReader.interviewLabelCandidate(t) != nil { return false }
        return true
    }

    /// "Norway: Fjord town tests ..." → "Norway": a headline that opens with a place name.
    static func locationPrefix(of title: String) -> String? {
        guard let colon = title.firstIndex(of: ":") else { return nil }
        let prefix = title[..<colon].trimmingSpaces()
        let w = prefix.words
        guard (1...3).contains(w.count), prefix.count >= 2, prefix.count <= 40 else { return nil }
        guard w.allSatisfy({ word in word.first.map { $0.isUppercase } ?? false }),
              !prefix.contains(where: \.isNumber) else { return nil }
        // Roles and organisations are not places ("Vice FM", "WHO chief").
        if w.contains(where: { Lexicon.roleWords.contains($0.lowercased()) || Lexicon.organisationWords.contains($0.lowercased()) }) {
            return nil
        }
        return String(prefix)
    }

    /// The first sentence (or 100 characters at a word boundary) of `text`.
    static func guessTitle(from text: String) -> String {
        let flat = text.collapsingSpaces()
        var out = ""
        for ch in flat {
            out.append(ch)
            if ".!?".contains(ch), out.count >= 20 { break }
            if out.count >= 100 { break }
        }
        if out.count >= 100, let space = out.lastIndex(of: " ") { out = String(out[..<space]) + "…" }
        return String(out.trimmingSpaces())
    }

    /// All text lines (without page furniture and the title line) as paragraphs.
    static func bodyText(lines: [String], excludingTitleLine: Int?) -> String {
        var paragraphs: [String] = []
        var current: [Substring] = []
        for (i, line) in lines.enumerated() {
            let t = Substring(line).trimmingSpaces()
            if i == excludingTitleLine { continue }
            if t.isEmpty {
                if !current.isEmpty { paragraphs.append(current.joined(separator: " ").collapsingSpaces()); current = [] }
                continue
            }
            if Clutter.isChrome(t) { continue }
            current.append(t)
        }
        if !current.isEmpty { paragraphs.append(current.joined(separator: " ").collapsingSpaces()) }
        return paragraphs.joined(separator: "\n\n")
    }
}

/// Decides which "NAME: words" labels are interview speakers, before the main read.
///
/// A line in capitals ending in a colon is too weak alone ("WASHINGTON: ..." opens print
/// stories), so a label is accepted when it recurs, when its words start with an interpreter
/// note, or when the transcript also has interviewer lines ("REPORTER:", "Q:").
enum InterviewScan {
    static func acceptedLabels(in lines: [String]) -> Set<String> {
        var counts: [String: Int] = [:]
        var interpreted: Set<String> = []
        for line in lines {
            guard line.utf8.count > 3, let first = line.first, first.isUppercase,
                  let c = TranscriptReader.interviewLabelCandidate(Substring(line)) else { continue }
            counts[c.label, default: 0] += 1
            if c.body.first == "(", let close = c.body.firstIndex(of: ")"),
               let note = LanguageNote.read(c.body[c.body.index(after: c.body.startIndex)..<close]), note.interpreted || note.language != nil {
                interpreted.insert(c.label)
            }
        }
        guard !counts.isEmpty else { return [] }
        let hasInterviewer = counts.keys.contains { Lexicon.nonPersonSpeakerLabels.contains($0.lowercased()) }
        var accepted: Set<String> = []
        for (label, count) in counts {
            if count >= 2 || interpreted.contains(label) || hasInterviewer { accepted.insert(label) }
        }
        let people = accepted.filter { !Lexicon.nonPersonSpeakerLabels.contains($0.lowercased()) }
        return people.isEmpty ? [] : accepted
    }
}
