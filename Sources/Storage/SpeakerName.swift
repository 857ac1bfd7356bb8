import Foundation

/// The key that says two speaker labels are the same person, across stories.
///
/// "Dr. José  GARCÍA", "jose garcia" and "Mr Jose Garcia" all normalise to "jose garcia":
/// letters are compared without case or accents (canonical decomposition with combining marks
/// dropped, Unicode UAX #15), punctuation and runs of spaces become one space, apostrophes vanish
/// ("O'Neill" = "ONeill"), and leading honorifics go. Titles belong to appearances, not people.
enum SpeakerName {
    /// Leading words that are forms of address or rank, not part of a name.
    static let honorifics: Set<String> = [
        "dr", "doctor", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "lt", "lieutenant",
        "sir", "dame", "rev", "reverend", "gen", "general", "col", "colonel", "capt", "captain",
        "maj", "major", "sgt", "sergeant", "cpl", "adm", "admiral", "hon", "sen", "senator", "rep",
        "gov", "governor", "pres", "president", "amb", "ambassador", "insp", "det", "cmdr", "fr",
    ]

    /// Labels that describe someone instead of naming them. Two "Unidentified man" in two stories are
    /// not one person, so such labels never match across stories (or within one: two vox pops in a
    /// story are two people).
    static let anonymousLabels: Set<String> = [
        "unidentified", "unknown", "anonymous", "unnamed", "vox pop", "vox pops", "voxpop", "man", "woman",
        "men", "women", "boy", "girl", "child", "person", "people", "resident", "local resident", "residents",
        "local", "protester", "protestor", "demonstrator", "witness", "eyewitness", "passenger", "passerby",
        "bystander", "villager", "voice", "crowd", "narrator", "reporter", "correspondent", "speaker",
        "interviewee", "student", "worker", "soldier", "official", "spokesperson", "spokesman", "spokeswoman",
        "voice of", "translator", "interpreter",
    ]

    /// True for a normalised label that names nobody in particular ("unidentified man", "vox pop 2").
    static func isAnonymous(_ key: String) -> Bool {
        var words = key.split(separator: " ")
        while let last = words.last, words.count > 1, last.allSatisfy(\.isNumber) {
            words.removeLast()
        }
        guard let first = words.first else { return false }
        if first == "unidentified" || first == "unknown" || first == "anonymous" || first == "unnamed" {
            return true
        }
        return anonymousLabels.contains(words.joined(separator: " "))
    }

    /// One word folded like a name, without dropping honorifics (for searching "dr*").
    static func normalizeWord(_ word: String) -> String {
        fold(word).split(separator: " ").joined(separator: " ")
    }

    static func normalize(_ name: String) -> String {
        let words = fold(name).split(separator: " ").map(String.init)
        var firstName = 0
        while firstName < words.count - 1, honorifics.contains(words[firstName]) {
            firstName += 1
        }
        return words[firstName...].joined(separator: " ")
    }

    /// Lower case, accents and apostrophes removed, anything but letters and digits made a space.
    private static func fold(_ name: String) -> String {
        var folded = ""
        folded.unicodeScalars.reserveCapacity(name.unicodeScalars.count)
        for scalar in name.decomposedStringWithCanonicalMapping.lowercased().unicodeScalars {
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark:
                continue
            default:
                break
            }
            if scalar == "'" || scalar == "\u{2019}" || scalar == "\u{2018}" || scalar == "`" {
                continue
            }
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                folded.unicodeScalars.append(scalar)
            } else {
                folded.unicodeScalars.append(" ")
            }
        }
        return folded
    }
}
