/// Readers for the small values scripts carry: durations, dates and datelines.
enum MetadataParsing {
    /// "04:28" → 268, "00:01:26" → 86, "2:07" → 127. MM:SS and HH:MM:SS; minutes and seconds
    /// must be below 60, which keeps clock times such as "17:30-02" or "09:15:20 PM" honest
    /// only when they could really be a length.
    static func duration(_ text: Substring) -> Int? {
        let token = text.trimmingSpaces().prefix { $0.isNumber || $0 == ":" }
        guard token.contains(":"), !token.hasPrefix(":"), !token.hasSuffix(":") else { return nil }
        let parts = token.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3,
              parts.allSatisfy({ !$0.isEmpty && $0.count <= 2 && $0.allSatisfy(\.isASCII) }) else { return nil }
        let numbers = parts.compactMap { Int($0) }
        guard numbers.count == parts.count else { return nil }
        if numbers.count == 2 {
            guard numbers[1] < 60 else { return nil }
            return numbers[0] * 60 + numbers[1]
        }
        guard numbers[1] < 60, numbers[2] < 60 else { return nil }
        return numbers[0] * 3600 + numbers[1] * 60 + numbers[2]
    }

    /// True when the whole line is a duration ("04:28"), as pages show above the headline.
    static func isDurationLine(_ line: Substring) -> Bool {
        let t = line.trimmingSpaces()
        return t.byteCount <= 8 && t.allSatisfy({ $0.isNumber || $0 == ":" }) && duration(t) != nil
    }

    static let months: [String: Int] = [
        "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
        "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9,
        "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
        "dec": 12, "december": 12,
    ]

    struct ParsedDate: Equatable {
        var iso: String?
    }

    /// Reads a written date: "9 October 2023", "March 4, 2025", "Oct. 2, 2024", "3 May 2022",
    /// "2020-02-11", "3/4 May 2022" (a range: understood as a date, no ISO form),
    /// "Date Unknown". Returns nil when the text is not a date.
    static func date(_ text: Substring) -> ParsedDate? {
        let t = text.trimmingSpaces()
        guard t.byteCount <= 60 else { return nil }
        if t.lowercased() == "date unknown" || t.lowercased() == "unknown date" { return ParsedDate(iso: nil) }
        let tokens = t.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "." })
        guard !tokens.isEmpty, tokens.count <= 5 else { return nil }
        // ISO form.
        if tokens.count == 1 {
            let p = tokens[0].split(separator: "-")
            if p.count == 3, p[0].count == 4, let y = Int(p[0]), let m = Int(p[1]), let d = Int(p[2]) {
                return ParsedDate(iso: iso(y, m, d))
            }
            return nil
        }
        var day: Int?
        var month: Int?
        var year: Int?
        var isRange = false
        for token in tokens {
            let lower = token.lowercased()
            if let m = months[lower] {
                guard month == nil else { return nil }
                month = m
            } else if token.allSatisfy(\.isNumber), let n = Int(token) {
                if token.count == 4 { guard year == nil else { return nil }; year = n }
                else if token.count <= 2 { guard day == nil else { return nil }; day = n }
                else { return nil }
            } else if token.contains("/"), token.split(separator: "/").allSatisfy({ $0.count <= 2 && $0.allSatisfy(\.isNumber) }) {
                guard day == nil else { return nil }
                isRange = true
                day = Int(token.split(separator: "/").first ?? "")
            } else if lower.hasSuffix("st") || lower.hasSuffix("nd") || lower.hasSuffix("rd") || lower.hasSuffix("th"),
                      let n = Int(lower.dropLast(2)) {
                guard day == nil else { return nil }
                day = n
            } else {
                return nil
            }
        }
        guard let m = month, let y = year else { return nil }
        if isRange { return ParsedDate(iso: nil) }
        guard let d = day else { return ParsedDate(iso: nil) }
        return ParsedDate(iso: iso(y, m, d))
    }

    private static func iso(_ y: Int, _ m: Int, _ d: Int) -> String? {
        guard (1800...2200).contains(y), (1...12).contains(m), (1...31).contains(d) else { return nil }
        func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(y)-\(pad(m))-\(pad(d))"
    }

    struct ParsedDateline {
        var place: String?
        var date: String?
        var isoDate: String?
        /// Text in a trailing parenthesis: "(NRK - No access Norway)".
        var note: String?
        /// "FILE:" / "ARCHIVE:" datelines describe old pictures, not the story's own.
        var isArchive: Bool
    }

    /// Reads a dateline line: "Halifax, Nova Scotia - 9 October 2023",
    /// "Trondheim, Norway – 3 May 2022", "FILE: Oslo, Norway - Date Unknown (NRK - ...)",
    /// "CAN THO, VIETNAM, OCT. 2, 2024". The place must be short and capitalised and the
    /// date must read as a date, so ordinary sentences with a dash are not taken.
    static func dateline(_ line: Substring) -> ParsedDateline? {
        var t = line.trimmingSpaces()
        // Every dateline holds a year (or "Unknown"); most lines are rejected here, cheaply.
        guard !t.isEmpty, t.byteCount <= 200, endsLikeADate(t) else { return nil }
        var isArchive = false
        for prefix in ["FILE:", "ARCHIVE:", "FILE -", "ARCHIVE -"] where t.hasPrefixIgnoringCase(prefix) {
            isArchive = true
            t = t.dropFirst(prefix.count).trimmingSpaces()
        }
        var note: String?
        if t.hasSuffix(")"), let open = t.lastIndex(of: "(") {
            note = String(t[t.index(after: open)..<t.index(before: t.endIndex)].trimmingSpaces())
            t = t[..<open].trimmingSpaces()
        }
        while let last = t.last, last == "," || last == ";" { t = t.dropLast().trimmingSpaces() }
        // "Place - Date" with a hyphen or a dash.
        for separator in [" - ", " – ", " — "] {
            if let range = t.lastRange(of: separator) {
                let place = t[..<range.lowerBound].trimmingSpaces()
                guard place.byteCount <= 80 else { continue }
                let dateText = t[range.upperBound...].trimmingSpaces()
                if isPlace(place), let d = date(dateText) {
                    return ParsedDateline(place: String(place), date: String(dateText), isoDate: d.iso,
                                          note: note, isArchive: isArchive)
                }
            }
        }
        // "PLACE, PLACE, OCT. 2, 2024": the date is a tail of the comma-separated parts.
        guard t.byteCount <= 120 else { return nil }
        let parts = t.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces() }
        if parts.count >= 2, parts.count <= 8, isPlace(parts[0]) {
            for cut in 1..<parts.count {
                let dateText = parts[cut...].joined(separator: ", ")
                let place = parts[..<cut].joined(separator: ", ")
                if let first = parts[cut].first, first.isLetter || first.isNumber,
                   isPlace(Substring(place)), let d = date(Substring(dateText)) {
                    return ParsedDateline(place: place, date: dateText, isoDate: d.iso, note: note, isArchive: isArchive)
                }
            }
        }
        return nil
    }

    /// Cheap test run before any parsing: a dateline ends in a year ("2023", "2024,"), in
    /// "Unknown", or in a parenthesis after one of those. Prose lines almost never do.
    static func endsLikeADate(_ t: Substring) -> Bool {
        var bytes = Array(t.utf8.suffix(160))
        if bytes.last == UInt8(ascii: ")"), let open = bytes.lastIndex(of: UInt8(ascii: "(")) {
            bytes.removeSubrange(open...)
        }
        while let l = bytes.last, l == 0x20 || l == UInt8(ascii: ",") || l == UInt8(ascii: ";") { bytes.removeLast() }
        guard bytes.count >= 4 else { return false }
        let tail = bytes.suffix(4)
        if tail.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return true }
        return String(decoding: tail, as: UTF8.self).lowercased() == "nown"
    }

    /// A place name: at most six words, starting with a capital, no sentence punctuation.
    static func isPlace(_ text: Substring) -> Bool {
        guard let first = text.first, first.isUppercase, text.byteCount <= 80 else { return false }
        let w = text.words
        guard w.count <= 6 else { return false }
        if text.contains(where: { $0 == "." || $0 == "!" || $0 == "?" || $0 == "\"" || $0 == ":" }) { return false }
        return w.allSatisfy { word in
            guard let c = word.first else { return false }
            return c.isUppercase || c.isNumber || Lexicon.nameParticles.contains(word.lowercased()) || word == "of"
        }
    }

    /// Phrases that make a fragment a usage restriction rather than a place or a source.
    static func looksLikeRestriction(_ text: Substring) -> Bool {
        let l = text.lowercased()
        for marker in ["no access", "no resale", "clients only", "no archive", "not for", "use only",
                       "see script", "must credit", "no use", "no internet", "no online", "no reuse",
                       "editorial use", "restricted", "mandatory credit", "no broadcast"] where l.contains(marker) {
            return true
        }
        return false
    }
}
