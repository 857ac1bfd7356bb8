/// A speaker label ("Ingrid Solberg, Mayor, Nordvik Municipality") read into
/// the parts the archive stores.
struct SpeakerLabel: Equatable, Sendable {
    /// Display name: capitals turned into name case, honorifics removed.
    var name: String
    var title: String?
    var organization: String?
    /// The label as the transcript wrote it.
    var rawLabel: String
    /// Language named in the label's parentheses ("(Spanish, 18 sec)").
    var language: String?
    /// True when the label says the words are interpreted.
    var interpreted: Bool
    /// False when no part of the label looks like a person's name ("Local resident"):
    /// the label itself is then used as the name, and the parser warns.
    var isNamed: Bool
}

/// Splits speaker labels into name, title and organisation.
///
/// Agencies disagree on order and punctuation: Xinhua and AP write `Name, title`, Reuters
/// writes `TITLE, NAME, SAYING`, newsroom scripts write `NAME/TITLE`, and titles themselves
/// contain commas and "of". So instead of trusting positions, every comma-separated part is
/// scored for how much it looks like a personal name, and the best one is the name.
enum SpeakerLabelParser {
    static func parse(_ raw: String) -> SpeakerLabel? {
        let rawLabel = raw.trimmingLabelPunctuation()
        guard !rawLabel.isEmpty, rawLabel.hasLetters else { return nil }
        var language: String?
        var interpreted = false
        let withoutNotes = removeLanguageNotes(from: rawLabel, language: &language, interpreted: &interpreted)
        let cleaned = stripSaying(withoutNotes).trimmingLabelPunctuation()
        guard cleaned.hasLetters else { return nil }

        var parts = splitTopLevel(cleaned, on: ",")
        if parts.count == 1 {
            let bySlash = splitTopLevel(cleaned, on: "/")
            if bySlash.count > 1 { parts = bySlash }
        }
        if parts.count == 1 {
            for dash in [" - ", " – ", " — "] {
                if let r = cleaned.firstRange(of: dash) {
                    let left = cleaned[..<r.lowerBound].trimmingLabelPunctuation()
                    let right = cleaned[r.upperBound...].trimmingLabelPunctuation()
                    if !left.isEmpty, !right.isEmpty { parts = [left, right] }
                    break
                }
            }
        }
        parts = parts.filter { !$0.isEmpty }
        guard !parts.isEmpty else { return nil }

        let allCaps = cleaned.isAllCapsText
        var best = 0
        var bestScore = -Double.infinity
        var bestCore = parts[0]
        var bestLead: String?
        for (i, part) in parts.enumerated() {
            let (core, lead) = splitLeadingRole(part)
            let s = nameScore(core, position: i)
            if s > bestScore { bestScore = s; best = i; bestCore = core; bestLead = lead }
        }
        var name: String
        var others = parts
        var isNamed = bestScore >= 1.0
        var leadTitle: String?
        if isNamed {
            name = stripHonorifics(bestCore)
            leadTitle = bestLead
            others.remove(at: best)
        } else if let (prefixName, rest) = leadingName(parts[0]) {
            // "John Smith farmer": no comma, but the label still opens with a name.
            name = prefixName
            others[0] = rest
            others = others.filter { !$0.isEmpty }
            isNamed = true
        } else {
            name = cleaned
            others = []
        }
        var (title, organization) = splitRole(others, allCaps: allCaps)
        if let lead = leadTitle {
            title = title.map { "\(lead), \($0)" } ?? lead
        }
        return SpeakerLabel(
            name: displayName(name), title: title, organization: organization, rawLabel: rawLabel,
            language: language, interpreted: interpreted, isNamed: isNamed
        )
    }

    // MARK: - Name scoring

    /// How much `part` looks like a personal name: two or three capitalised words with no
    /// role, organisation or function words. Names usually come first, so position 0 gets a
    /// small bonus that decides ties.
    static func nameScore(_ part: String, position: Int) -> Double {
        let w = stripHonorifics(part).words
        guard !w.isEmpty, w.count <= 5 else { return -10 }
        var score: Double = [0, 0.5, 2, 2, 1, 0][w.count]
        for word in w {
            let lw = normalizedWord(word)
            let pieces = lw.split(separator: "-").map(String.init)
            if Lexicon.roleWords.contains(lw) || Lexicon.organisationWords.contains(lw)
                || pieces.contains(where: { Lexicon.roleWords.contains($0) || Lexicon.organisationWords.contains($0) }) {
                score -= 3
            }
            if Lexicon.functionWords.contains(lw) { score -= 3 }
            if let c = word.first {
                if c.isLowercase, !Lexicon.nameParticles.contains(lw) { score -= 2 }
                if !c.isLetter { score -= 2 }
            }
            if word.contains(where: \.isNumber) { score -= 3 }
        }
        if position == 0 { score += 0.5 }
        return score
    }

    /// "Reporter Lena Berg" → ("Lena Berg", "Reporter"): a role written before a name.
    /// Only taken when at least two capitalised non-role words remain.
    static func splitLeadingRole(_ part: String) -> (String, String?) {
        let w = part.words
        var k = 0
        while k < w.count - 2, let c = w[k].first, c.isUppercase, Lexicon.roleWords.contains(normalizedWord(w[k])) {
            k += 1
        }
        guard k > 0 else { return (part, nil) }
        let rest = w[k...]
        let restIsName = rest.allSatisfy { word in
            let lw = normalizedWord(word)
            return (word.first?.isUppercase ?? false) && !Lexicon.roleWords.contains(lw)
                && !Lexicon.functionWords.contains(lw) && !Lexicon.organisationWords.contains(lw)
        }
        guard restIsName, rest.count <= 4 else { return (part, nil) }
        return (rest.joined(separator: " "), w[..<k].joined(separator: " "))
    }

    /// Lowercased, without possessive endings and surrounding punctuation.
    static func normalizedWord(_ word: Substring) -> String {
        var lw = word.lowercased()
        for suffix in ["'s", "’s", "'", "’"] where lw.hasSuffix(suffix) {
            lw.removeLast(suffix.count)
            break
        }
        while let l = lw.last, !l.isLetter && !l.isNumber { lw.removeLast() }
        while let f = lw.first, !f.isLetter && !f.isNumber { lw.removeFirst() }
        return lw
    }

    /// Leading honorifics and ranks ("Dr", "Lt. Col.") are not part of the name.
    static func stripHonorifics(_ part: String) -> String {
        var w = part.words
        while w.count > 1, Lexicon.honorifics.contains(w[0].lowercased()) { w.removeFirst() }
        return w.joined(separator: " ")
    }

    /// "John Smith farmer" → ("John Smith", "farmer"): up to four capitalised words that are
    /// not roles, followed by at least one more word.
    static func leadingName(_ part: String) -> (String, String)? {
        let w = stripHonorifics(part).words
        var count = 0
        for word in w.prefix(4) {
            let lw = normalizedWord(word)
            guard let c = word.first, c.isUppercase, !Lexicon.roleWords.contains(lw),
                  !Lexicon.organisationWords.contains(lw), !Lexicon.functionWords.contains(lw) else { break }
            count += 1
        }
        guard count >= 2, count < w.count else { return nil }
        return (w[..<count].joined(separator: " "), w[count...].joined(separator: " "))
    }

    // MARK: - Title and organisation

    /// Splits what is left after the name into a title and an organisation.
    /// Several parts: the first is the title, the rest the organisation ("Director, Science and
    /// Technology Office of Nordfjord County"). One part: "Editor-in-chief of X" and
    /// "X's campaign chief" name an organisation; "Mayor of Valdera" stays a title,
    /// because "Valdera" does not look like an organisation.
    static func splitRole(_ others: [String], allCaps: Bool) -> (String?, String?) {
        guard let first = others.first else { return (nil, nil) }
        if others.count >= 2 {
            return (first, others.dropFirst().joined(separator: ", "))
        }
        let p = first
        // " at " first: in "Professor of Economics at Kelmu University" the organisation follows "at".
        for connector in [" at ", " of ", " for ", " with "] {
            guard let r = p.lowercased().firstRange(of: connector) else { continue }
            let lower = p.lowercased()
            let startOffset = lower.distance(from: lower.startIndex, to: r.lowerBound)
            let endOffset = lower.distance(from: lower.startIndex, to: r.upperBound)
            let t = String(p.prefix(startOffset)).trimmingLabelPunctuation()
            let o = String(p.dropFirst(endOffset)).trimmingLabelPunctuation()
            guard !t.isEmpty, !o.isEmpty else { continue }
            // The part before the connector is a role: a known role word, or a short phrase
            // that is not itself an organisation ("glaciologist at the University of Bern").
            let tWords = t.words
            let roleInT = tWords.contains { w in
                let lw = normalizedWord(w)
                return Lexicon.roleWords.contains(lw) || lw.split(separator: "-").contains { Lexicon.roleWords.contains(String($0)) }
            }
            let shortDescription = tWords.count <= 3 && !tWords.contains { Lexicon.organisationWords.contains(normalizedWord($0)) }
            if roleInT || shortDescription, looksLikeOrganisation(o, allCaps: allCaps) { return (t, o) }
        }
        // "the union’s chief negotiator" → organisation "the union", title "chief negotiator".
        for mark in ["’s ", "'s "] {
            if let r = p.firstRange(of: mark) {
                let owner = String(p[..<r.lowerBound]).trimmingLabelPunctuation()
                let role = String(p[r.upperBound...]).trimmingLabelPunctuation()
                let roleWords = role.words.map { normalizedWord($0) }
                if !owner.isEmpty, owner.words.count <= 4, !owner.words.contains(where: { $0.hasSuffix(".") }),
                   roleWords.contains(where: { Lexicon.roleWords.contains($0) }),
                   !role.isEmpty {
                    return (role, owner)
                }
            }
        }
        // "Maritime Agency": an organisation without any role is the organisation.
        let hasRole = p.words.contains { w in
            let lw = normalizedWord(w)
            return Lexicon.roleWords.contains(lw) || lw.split(separator: "-").contains { Lexicon.roleWords.contains(String($0)) }
        }
        // A lowercase start ("glaciologist ...") describes a person, it does not name an organisation.
        if !hasRole, p.first?.isUppercase == true, looksLikeOrganisation(p, allCaps: allCaps) { return (nil, p) }
        return (p, nil)
    }

    static func looksLikeOrganisation(_ text: String, allCaps: Bool) -> Bool {
        let w = text.words
        if w.contains(where: { Lexicon.organisationWords.contains(normalizedWord($0)) }) { return true }
        if text.containsText("’s ") || text.containsText("'s ") { return true }
        if !allCaps {
            if text.hasPrefix("The ") { return true }
            if w.count == 1, text.count >= 2, text.count <= 6, text.isAllCapsText { return true }
            if text.contains("("), text.hasSuffix(")") { return true }
        }
        return false
    }

    // MARK: - Notes in parentheses

    /// Removes "(English)", "(in Ukrainian)", "(Spanish, 18 sec)", "(Through interpreter)" from a
    /// label, recording what they say. Other parentheses ("(FFA)") are part of the label.
    static func removeLanguageNotes(from label: String, language: inout String?, interpreted: inout Bool) -> String {
        var out = ""
        var i = label.startIndex
        while i < label.endIndex {
            let ch = label[i]
            if ch == "(", let close = label[i...].firstIndex(of: ")") {
                let content = label[label.index(after: i)..<close]
                if let note = LanguageNote.read(content) {
                    if language == nil { language = note.language }
                    interpreted = interpreted || note.interpreted
                    i = label.index(after: close)
                    continue
                }
            }
            out.append(ch)
            i = label.index(after: i)
        }
        return out.collapsingSpaces()
    }

    /// Reuters ends labels with ", SAYING"; some sheets write "saying (English)".
    static func stripSaying(_ label: String) -> String {
        var w = label.words
        while let last = w.last, ["saying", "says", "said", "saying:"].contains(normalizedWord(last)) {
            w.removeLast()
        }
        return w.joined(separator: " ")
    }

    /// Splits on `separator` outside parentheses.
    static func splitTopLevel(_ text: String, on separator: Character) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        for ch in text {
            if ch == "(" { depth += 1 }
            if ch == ")" { depth = max(0, depth - 1) }
            if ch == separator, depth == 0 {
                parts.append(current.trimmingLabelPunctuation())
                current = ""
            } else {
                current.append(ch)
            }
        }
        parts.append(current.trimmingLabelPunctuation())
        return parts.filter { !$0.isEmpty }
    }

    // MARK: - Display name

    /// "QIN LANFANG" → "Qin Lanfang", "JEAN-PIERRE O'NEIL" → "Jean-Pierre O'Neil".
    /// Names already in mixed case are kept as written.
    static func displayName(_ name: String) -> String {
        let collapsed = name.collapsingSpaces()
        guard collapsed.isAllCapsText else { return collapsed }
        var out = ""
        var capitalizeNext = true
        var lettersInPart = 0
        for ch in collapsed {
            if ch.isLetter {
                out += capitalizeNext ? ch.uppercased() : ch.lowercased()
                capitalizeNext = false
                lettersInPart += 1
            } else {
                out.append(ch)
                // "O'REILLY" → "O'Reilly", "D'ARCY" → "D'Arcy": a one-letter prefix before an apostrophe.
                capitalizeNext = ch == " " || ch == "-" || ((ch == "'" || ch == "’") && lettersInPart == 1)
                if ch == " " || ch == "-" { lettersInPart = 0 }
            }
        }
        return out
    }
}

/// What a parenthesis near a sound bite says about its language: "(Russian)", "(in Ukrainian)",
/// "(Spanish, 18 sec)", "(Through interpreter)", "(Chinese/English interpretation)".
struct LanguageNote: Equatable, Sendable {
    var language: String?
    var interpreted: Bool

    /// Nil when the parenthesis says something else (then it belongs to the label).
    static func read(_ content: Substring) -> LanguageNote? {
        let tokens = content.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        guard !tokens.isEmpty, tokens.count <= 8 else { return nil }
        var language: String?
        var interpreted = false
        var sawLanguage = false
        let filler: Set<String> = ["in", "through", "via", "an", "and", "of", "voice", "sec", "secs", "seconds",
                                   "s", "speaking", "original", "with", "subtitles", "subtitled", "language", "mixed"]
        for token in tokens {
            let l = token.lowercased()
            if Lexicon.languages.contains(l) {
                if language == nil { language = String(token.prefix(1).uppercased() + token.dropFirst().lowercased()) }
                sawLanguage = true
            } else if l.hasPrefix("interpret") || l.hasPrefix("translat") || l == "dubbed" || l == "dubbing" {
                interpreted = true
            } else if filler.contains(l) || token.allSatisfy(\.isNumber) {
                continue
            } else {
                return nil
            }
        }
        guard sawLanguage || interpreted else { return nil }
        return LanguageNote(language: language, interpreted: interpreted)
    }
}
