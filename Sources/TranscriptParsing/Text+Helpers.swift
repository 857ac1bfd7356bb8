/// Small string helpers the parser uses everywhere. All are linear in the input they look at.
extension StringProtocol {
    /// Trimmed of spaces and the punctuation that hangs around labels (":", ",", ";", "-").
    func trimmingLabelPunctuation() -> String {
        var s = Substring(self)
        let junk: Set<Character> = [" ", ":", ",", ";", "-", "–", "—", "."]
        while let f = s.first, junk.contains(f), f != "." { s = s.dropFirst() }
        while let l = s.last, junk.contains(l), l != "." || s.hasSuffix("..") { s = s.dropLast() }
        return String(s.trimmingSpaces())
    }

    /// Runs of spaces (and line breaks) collapsed into one space, ends trimmed. Works on
    /// UTF-8 bytes: it runs over every quote and paragraph, so it must be cheap.
    func collapsingSpaces() -> String {
        func collapse<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var lastWasSpace = true
            for byte in bytes {
                if byte == 0x20 || byte == 0x0A {
                    if !lastWasSpace { out.append(0x20) }
                    lastWasSpace = true
                } else {
                    out.append(byte)
                    lastWasSpace = false
                }
            }
            if out.last == 0x20 { out.removeLast() }
            return String(decoding: out, as: UTF8.self)
        }
        return utf8.withContiguousStorageIfAvailable { collapse($0) } ?? collapse(utf8)
    }

    /// Its letters (and digits, with `keepingDigits`) lower-cased, everything else dropped: the
    /// key headings, titles and markers are compared by. ASCII text, nearly all of it, is folded
    /// byte by byte; the Unicode path (`Character.isLetter`'s property look-ups) was the parser's
    /// largest single cost in a bulk import's profile.
    func foldedKey(keepingDigits: Bool) -> String {
        func fold<C: Collection>(_ bytes: C) -> String? where C.Element == UInt8 {
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            for byte in bytes {
                switch byte {
                case 0x41...0x5A: out.append(byte | 0x20)
                case 0x61...0x7A: out.append(byte)
                case 0x30...0x39 where keepingDigits: out.append(byte)
                case 0x80...: return nil
                default: break
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
        if let folded = utf8.withContiguousStorageIfAvailable({ fold($0) }) ?? fold(utf8) { return folded }
        return String(lowercased().filter { $0.isLetter || (keepingDigits && $0.isNumber) })
    }

    /// True when the UTF-8 bytes contain `a` followed by `b` (e.g. "++"): a cheap scan.
    func containsBytePair(_ a: UInt8, _ b: UInt8) -> Bool {
        func scan<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
            var previous: UInt8 = 0
            for byte in bytes {
                if previous == a, byte == b { return true }
                previous = byte
            }
            return false
        }
        return utf8.withContiguousStorageIfAvailable { scan($0) } ?? scan(utf8)
    }

    /// True when `needle` occurs, compared as UTF-8 bytes. (Named apart from `contains` so
    /// that Foundation's locale-aware overload, visible through other modules, is never used.)
    func containsText(_ needle: String) -> Bool { firstRange(of: needle) != nil }

    /// True when some UTF-8 byte is an ASCII digit.
    var containsASCIIDigit: Bool { utf8.contains { $0 >= 0x30 && $0 <= 0x39 } }

    /// Length in UTF-8 bytes: O(1), unlike `count`, so it guards the cheap checks.
    var byteCount: Int { utf8.count }

    var hasLetters: Bool { contains { $0.isLetter } }

    /// True when every letter is uppercase and there is at least one letter.
    var isAllCapsText: Bool {
        var sawLetter = false
        for ch in self where ch.isLetter {
            sawLetter = true
            if ch.isLowercase { return false }
        }
        return sawLetter
    }

    func hasPrefixIgnoringCase(_ prefix: String) -> Bool {
        var i = startIndex
        for p in prefix {
            guard i < endIndex else { return false }
            if self[i] != p, self[i].lowercased() != p.lowercased() { return false }
            i = index(after: i)
        }
        return true
    }

    /// The first occurrence of `needle`, compared as UTF-8 bytes (short needles: naive search).
    func firstRange(of needle: String) -> Range<Index>? {
        byteRanges(of: needle, last: false)
    }

    /// The last occurrence of `needle`, compared as UTF-8 bytes (short needles: naive search).
    func lastRange(of needle: String) -> Range<Index>? {
        byteRanges(of: needle, last: true)
    }

    private func byteRanges(of needle: String, last: Bool) -> Range<Index>? {
        let n = Array(needle.utf8)
        guard let first = n.first else { return nil }
        let view = utf8
        var result: Range<Index>?
        var i = view.startIndex
        while i < view.endIndex {
            if view[i] == first {
                var j = i
                var k = 0
                while k < n.count, j < view.endIndex, view[j] == n[k] { j = view.index(after: j); k += 1 }
                if k == n.count {
                    result = i..<j
                    if !last { return result }
                }
            }
            i = view.index(after: i)
        }
        return result
    }

    /// Words split on spaces. Scans UTF-8 bytes (a space is one byte, so every cut is a
    /// valid index); splitting by `Character` costs grapheme breaking on every letter.
    var words: [SubSequence] {
        var result: [SubSequence] = []
        let view = utf8
        var start: Index?
        var i = view.startIndex
        while i < view.endIndex {
            if view[i] == 0x20 {
                if let s = start { result.append(self[s..<i]); start = nil }
            } else if start == nil {
                start = i
            }
            i = view.index(after: i)
        }
        if let s = start { result.append(self[s..<endIndex]) }
        return result
    }
}

extension Character {
    static let openingQuotes: Set<Character> = ["\"", "“", "„", "«", "”"]

    /// The marks that may close a quotation opened by `self`. Mixed typography is common
    /// (a curly opening and a straight closing mark), so each accepts more than its pair.
    var closingQuoteMarks: Set<Character> {
        switch self {
        case "«": ["»"]
        case "„": ["“", "”"]
        case "“": ["”", "\""]
        default: ["\"", "”"]
        }
    }

    var isQuoteMark: Bool { Character.openingQuotes.contains(self) || self == "»" }
}

extension Substring {
    /// Without leading and trailing spaces (the normalizer has already turned every exotic
    /// space into U+0020 and removed tabs). Works on UTF-8 bytes: a space is one byte, so the
    /// cut indices are valid, and no grapheme breaking is needed.
    func trimmingSpaces() -> Substring {
        let view = utf8
        var start = view.startIndex
        var end = view.endIndex
        while start < end, view[start] == 0x20 { start = view.index(after: start) }
        while end > start {
            let before = view.index(before: end)
            if view[before] == 0x20 { end = before } else { break }
        }
        return self[start..<end]
    }
}

extension String {
    /// See `Substring.trimmingSpaces()`.
    func trimmingSpaces() -> Substring { Substring(self).trimmingSpaces() }
}
