/// Small string helpers the parser uses everywhere. All are linear in the input they look at.
extension StringProtocol {
    /// Without leading and trailing spaces (the normalizer has already turned every
    /// exotic space into U+0020 and removed tabs).
    func trimmingSpaces() -> SubSequence {
        var start = startIndex
        var end = endIndex
        while start < end, self[start] == " " { start = index(after: start) }
        while end > start {
            let before = index(before: end)
            if self[before] == " " { end = before } else { break }
        }
        return self[start..<end]
    }

    /// Trimmed of spaces and the punctuation that hangs around labels (":", ",", ";", "-").
    func trimmingLabelPunctuation() -> String {
        var s = Substring(self)
        let junk: Set<Character> = [" ", ":", ",", ";", "-", "–", "—", "."]
        while let f = s.first, junk.contains(f), f != "." { s = s.dropFirst() }
        while let l = s.last, junk.contains(l), l != "." || s.hasSuffix("..") { s = s.dropLast() }
        return String(s.trimmingSpaces())
    }

    /// Runs of spaces collapsed into one.
    func collapsingSpaces() -> String {
        var out = ""
        out.reserveCapacity(utf8.count)
        var lastWasSpace = true
        for ch in self {
            if ch == " " || ch == "\n" {
                if !lastWasSpace { out.append(" ") }
                lastWasSpace = true
            } else {
                out.append(ch)
                lastWasSpace = false
            }
        }
        if out.last == " " { out.removeLast() }
        return out
    }

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

    /// The first occurrence of `needle` (short needles only: the search is naive).
    func firstRange(of needle: String) -> Range<Index>? {
        guard let first = needle.first else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i] == first, self[i...].hasPrefix(needle) {
                return i..<index(i, offsetBy: needle.count)
            }
            i = index(after: i)
        }
        return nil
    }

    /// The last occurrence of `needle` (short needles only: the search is naive).
    func lastRange(of needle: String) -> Range<Index>? {
        guard let first = needle.first else { return nil }
        var result: Range<Index>?
        var i = startIndex
        while i < endIndex {
            if self[i] == first, self[i...].hasPrefix(needle) {
                result = i..<index(i, offsetBy: needle.count)
            }
            i = index(after: i)
        }
        return result
    }

    /// Words split on spaces.
    var words: [SubSequence] { split(separator: " ", omittingEmptySubsequences: true) }
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
