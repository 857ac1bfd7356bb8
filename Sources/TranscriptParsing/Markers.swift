import ArchiveModel

/// Recognises the markers that open a segment, at the start of a (logical) line.
enum Markers {
    /// What a bracketed marker means: `[Voice_over]`, `[Sound bite]`, `[SOT]`, `[Natsound]`,
    /// `[Restrictions: ...]`. Spelling varies by desk, so the content is compared with
    /// letters only, lowercased.
    enum Bracket: Equatable {
        case segment(SegmentKind)
        case restrictions(String)
    }

    static func bracketKind(_ content: Substring) -> Bracket? {
        let t = content.trimmingSpaces()
        if let colon = t.firstIndex(of: ":") {
            let key = letters(t[..<colon])
            if key == "restrictions" || key == "restriction" || key == "usagerestrictions" {
                return .restrictions(String(t[t.index(after: colon)...].trimmingSpaces()))
            }
            return nil
        }
        guard t.count <= 30 else { return nil }
        if let kind = segmentWords[letters(t)] { return .segment(kind) }
        return nil
    }

    static let segmentWords: [String: SegmentKind] = [
        "voiceover": .voiceOver, "vo": .voiceOver, "narration": .voiceOver, "narrator": .voiceOver,
        "voiceovers": .voiceOver, "track": .voiceOver,
        "soundbite": .soundBite, "soundbites": .soundBite, "sot": .soundBite, "sob": .soundBite,
        "bite": .soundBite, "interview": .soundBite, "soundon": .soundBite, "soundontape": .soundBite,
        "standup": .standUp, "standupper": .standUp, "pts": .standUp, "ptc": .standUp,
        "piecetocamera": .standUp,
        "natsound": .natSound, "nat": .natSound, "nats": .natSound, "natsot": .natSound,
        "naturalsound": .natSound, "ambience": .natSound, "ambientsound": .natSound, "sfx": .natSound,
        "natsounds": .natSound, "upsound": .natSound,
    ]

    static func letters(_ s: Substring) -> String {
        s.foldedKey(keepingDigits: false)
    }

    /// A bracket marker at the very start of `line`: its meaning and the text after it.
    static func bracket(atStartOf line: Substring) -> (Bracket, Substring)? {
        guard line.first == "[", !line.hasPrefix("[[") else { return nil }
        var j = line.index(after: line.startIndex)
        var n = 0
        while j < line.endIndex, line[j] != "]", n < 400 { j = line.index(after: j); n += 1 }
        guard j < line.endIndex, line[j] == "]" else { return nil }
        guard let kind = bracketKind(line[line.index(after: line.startIndex)..<j]) else { return nil }
        return (kind, line[line.index(after: j)...].trimmingSpaces())
    }

    /// Speech keywords written as words: "SOUNDBITE", "SOUND BITE", "STANDUP", "SOT", "VOX POP".
    /// Upper case only (or "Soundbite" at a line start): in prose these words are lower case.
    static let speechWords: [(String, SegmentKind)] = [
        ("SOUNDBITES", .soundBite), ("SOUNDBITE", .soundBite), ("SOUND BITE", .soundBite),
        ("SOUND-BITE", .soundBite), ("Soundbite", .soundBite), ("SOUND ON TAPE", .soundBite),
        ("VOX POP", .soundBite), ("VOXPOP", .soundBite), ("INTERVIEW", .soundBite), ("SOT", .soundBite),
        ("STANDUP", .standUp), ("STAND-UP", .standUp), ("STAND UP", .standUp), ("Standup", .standUp),
        ("PIECE TO CAMERA", .standUp), ("PTC", .standUp),
        ("UPSOUND", .natSound), ("NATSOUND", .natSound), ("NAT SOUND", .natSound), ("NATSOT", .natSound),
    ]

    static let speechFirstBytes: Set<UInt8> = Set(speechWords.compactMap { $0.0.utf8.first } + [UInt8(ascii: "(")])

    /// Reads a speech marker at the start of `line`: the keyword, an optional bite number,
    /// colons, and any parenthesised language notes before the label.
    /// "(SOUNDBITE) (Russian) ..." (Reuters) puts the keyword itself in parentheses.
    static func speechKeyword(atStartOf line: Substring) -> (SegmentKind, Substring)? {
        // Every keyword starts with one of these bytes (or "("): most lines stop here.
        guard let b = line.utf8.first, speechFirstBytes.contains(b) else { return nil }
        var t = line
        var inParens = false
        if t.first == "(" { t = t.dropFirst(); inParens = true }
        for (word, kind) in speechWords where t.hasPrefix(word) {
            var rest = t.dropFirst(word.count)
            if inParens {
                guard rest.first == ")" else { continue }
                rest = rest.dropFirst()
            }
            // Word boundary: a letter right after the keyword means another word ("SOTHEBY").
            if let next = rest.first, next.isLetter { continue }
            // Bare "SOT"/"INTERVIEW"/"PTC" need something that marks them as a cue, not a word in
            // capitals: a colon, a number, a parenthesis, or the end of the line.
            if !inParens, ["SOT", "INTERVIEW", "PTC"].contains(word) {
                let r = rest.trimmingSpaces()
                guard r.isEmpty || r.first == ":" || r.first == "(" || r.first == "," || r.first?.isNumber == true else { continue }
            }
            return (kind, rest)
        }
        return nil
    }

    /// "12. Various of ..." → (12, "Various of ..."). At most three digits, then ". " —
    /// shot lists number every shot this way.
    static func numberedShot(_ line: Substring) -> (Int, Substring)? {
        var j = line.startIndex
        var digits = 0
        while j < line.endIndex, line[j].isASCII, line[j].isNumber, digits < 4 { j = line.index(after: j); digits += 1 }
        guard digits >= 1, digits <= 3, j < line.endIndex, line[j] == "." else { return nil }
        let afterDot = line.index(after: j)
        guard afterDot < line.endIndex, line[afterDot] == " " else { return nil }
        guard let n = Int(line[line.startIndex..<j]) else { return nil }
        let rest = line[afterDot...].trimmingSpaces()
        guard let first = rest.first, !first.isNumber else { return nil }
        return (n, rest)
    }
}

/// The parts of a speech marker line after the keyword.
struct SpeechHeader {
    var kind: SegmentKind
    /// The speaker label as written, when there is one.
    var label: String?
    var language: String?
    var interpreted: Bool
    /// What follows the label on the same line (the start of the quote, or narration).
    var rest: Substring
    /// True when the label ended at a colon or a quotation mark, false when at the line end
    /// (then the label may continue on the next line of a hard-wrapped page).
    var labelTerminated = false

    /// Parses what follows a speech keyword: `1 (Russian): NAME, title`,
    /// `: (Hindi) Name, title: ++NOTE++`, `(English) Name, title: "quote"`,
    /// `1 Name, Title (Spanish, 18 sec): "quote"`, `10:12:42` (a newsroom timecode).
    static func parse(kind: SegmentKind, afterKeyword: Substring) -> SpeechHeader {
        var t = afterKeyword
        var language: String?
        var interpreted = false
        var sawNumber = false
        // Prefix: numbers, timecodes, colons, dashes and language notes, in any order.
        while true {
            t = t.trimmingSpaces()
            guard let c = t.first else { break }
            if c == ":" || c == "-" || c == "–" || c == "—" || c == "." || c == "," {
                t = t.dropFirst()
                continue
            }
            if c.isNumber, !sawNumber {
                let token = t.prefix { $0.isNumber || $0 == ":" || $0 == "." }
                if token.count <= 11 {
                    t = t.dropFirst(token.count)
                    sawNumber = true
                    continue
                }
                break
            }
            if c == "(", let close = t.firstIndex(of: ")"), t.distance(from: t.startIndex, to: close) <= 80 {
                let content = t[t.index(after: t.startIndex)..<close]
                if let note = LanguageNote.read(content) {
                    if language == nil { language = note.language }
                    interpreted = interpreted || note.interpreted
                    t = t[t.index(after: close)...]
                    continue
                }
                // Right after the keyword, a parenthesis holding one capitalised word is the
                // language even when the word list does not know it ("(Maori)").
                let w = content.trimmingSpaces()
                if language == nil, !w.isEmpty, w.count <= 20, w.first?.isUppercase == true,
                   w.allSatisfy({ $0.isLetter || $0 == "/" || $0 == "-" }) {
                    language = String(w.prefix { $0.isLetter })
                    t = t[t.index(after: close)...]
                    continue
                }
            }
            break
        }
        guard kind == .soundBite || kind == .standUp else {
            return SpeechHeader(kind: kind, label: nil, language: language, interpreted: interpreted, rest: t)
        }
        // The label runs to a colon (not one inside a time like 10:30), an opening quote
        // mark, or the end of the line; a label longer than this is not a label.
        var j = t.startIndex
        var count = 0
        var depth = 0
        var end: String.Index?
        var restStart: String.Index?
        while j < t.endIndex, count <= 250 {
            let ch = t[j]
            if ch == "(" { depth += 1 }
            if ch == ")" { depth = max(0, depth - 1) }
            if depth == 0, ch == ":" {
                let next = t.index(after: j)
                let prevIsDigit = j > t.startIndex && t[t.index(before: j)].isNumber
                let nextIsDigit = next < t.endIndex && t[next].isNumber
                if !(prevIsDigit && nextIsDigit) {
                    end = j
                    restStart = next
                    break
                }
            }
            if depth == 0, ch == "\"" || ch == "“" || ch == "„" || ch == "«" {
                end = j
                restStart = j
                break
            }
            j = t.index(after: j)
            count += 1
        }
        var terminated = end != nil
        if end == nil, j == t.endIndex {
            end = j
            restStart = j
            terminated = false
        }
        guard let labelEnd = end, let restFrom = restStart else {
            return SpeechHeader(kind: kind, label: nil, language: language, interpreted: interpreted, rest: t)
        }
        let label = t[t.startIndex..<labelEnd].trimmingSpaces()
        return SpeechHeader(
            kind: kind, label: label.isEmpty ? nil : String(label), language: language,
            interpreted: interpreted, rest: t[restFrom...], labelTerminated: terminated
        )
    }
}
