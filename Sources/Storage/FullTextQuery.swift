import Foundation

/// Turns what a user typed into an FTS5 query that cannot be a syntax error or an injection.
///
/// Every word becomes a quoted string (https://sqlite.org/fts5.html section 3.1: inside double quotes
/// only `""` is special), words are ANDed (implicit), and a trailing `*` on a word keeps its meaning
/// of "prefix" (section 3.3). Operators typed by the user (AND, OR, NEAR, column filters) are
/// searched as plain words.
enum FullTextQuery {
    /// nil when nothing searchable is left (e.g. only punctuation or spaces).
    static func make(_ text: String, normalize: (String) -> String = { $0 }) -> String? {
        var terms: [String] = []
        for rawWord in text.split(whereSeparator: { $0.isWhitespace }) {
            var word = String(rawWord)
            var prefix = false
            while word.hasSuffix("*") {
                word.removeLast()
                prefix = true
            }
            word = normalize(word)
            // A word with no letter or digit would make an empty phrase, which matches nothing.
            guard word.unicodeScalars.contains(where: { $0.properties.isAlphabetic || $0.properties.numericType != nil }) else {
                continue
            }
            let quoted = "\"" + word.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            terms.append(prefix ? quoted + " *" : quoted)
        }
        return terms.isEmpty ? nil : terms.joined(separator: " ")
    }
}
