/// The field names agency scripts and archive pages put before a colon ("STORY:", "LENGTH:").
///
/// Xinhua and APTN scripts, AP archive pages and VOA script headers all use the same
/// `KEY: value` shape; APTN copies even run them together on one line, so the same table
/// drives both line-start recognition and the splitting of run-together lines.
enum HeaderKey: Sendable, Equatable {
    case story, title, headline, summary, slug
    case length, firstRun, restrictions, type, source, storyNumber
    case dateline, location, shootingTime, category
    case shotlist, storyline, script
    /// Known but not used: kept so these lines are not mistaken for prose or speakers.
    case ignored
    /// A lower-third or graphic cue ("CG:", "SUPER:"): never story text.
    case cue

    static let table: [String: HeaderKey] = [
        "STORY": .story, "TITLE": .title, "HEAD": .headline, "HEADLINE": .headline,
        "SUMMARY": .summary, "SLUG": .slug,
        "LENGTH": .length, "DURATION": .length, "TRT": .length, "RUNNING TIME": .length,
        "RUNTIME": .length, "TOTAL LENGTH": .length,
        "FIRST RUN": .firstRun,
        "RESTRICTIONS": .restrictions, "RESTRICTION": .restrictions, "RESTRICTION SUMMARY": .restrictions,
        "USAGE RESTRICTIONS": .restrictions, "ACCESS": .restrictions,
        "TYPE": .type, "SOURCE": .source, "SOURCES": .source, "VIDEO FROM": .source, "AGENCY": .source,
        "STORY NUMBER": .storyNumber, "STORY NO": .storyNumber, "STORY NO.": .storyNumber,
        "STORY ID": .storyNumber, "STORY #": .storyNumber,
        "DATELINE": .dateline, "LOCATION": .location, "SHOOTING TIME": .shootingTime,
        "SHOOTING DATE": .shootingTime, "CATEGORY": .category,
        "SHOTLIST": .shotlist, "SHOT LIST": .shotlist, "SHOTS": .shotlist, "VIDEO SHOWS": .shotlist,
        "STORYLINE": .storyline, "STORY LINE": .storyline, "SCRIPT": .script,
        "TEASER": .ignored, "PUBLISHED": .ignored, "BYLINE": .ignored, "CAMERA": .ignored,
        "VIDEO EDITOR": .ignored, "PRODUCER": .ignored, "SCRIPT EDITORS": .ignored,
        "SCRIPT EDITOR": .ignored, "EDITOR": .ignored, "UPDATE": .ignored, "DATE": .ignored,
        "PEOPLE": .ignored, "ASPECT RATIO": .ignored, "SUBSCRIPTION": .ignored, "KEYWORDS": .ignored,
        "LANGUAGE": .ignored, "AUDIO": .ignored, "CREDIT": .ignored, "CREDITS": .ignored,
        "FILE": .ignored, "ARCHIVE": .ignored, "IMAGES": .shotlist, "NOTE": .ignored,
        "EDITOR'S NOTE": .ignored, "EDITORS NOTE": .ignored, "TX": .ignored, "TX DATE": .ignored,
        "VIDEO APPROVER'S INITIALS": .ignored, "COUNTRY": .ignored, "TOPIC": .ignored,
        "TAGS": .ignored, "FORMAT": .ignored, "RESOLUTION": .ignored, "FRAME RATE": .ignored,
        "CONTACT": .ignored, "PERSONALITIES": .ignored, "SUBJECTS": .ignored, "UPLOADED": .ignored,
        "CG": .cue, "SUPER": .cue, "LOWER THIRD": .cue, "CHYRON": .cue, "GRAPHIC": .cue,
        "IN Q": .cue, "OUT Q": .cue, "IN CUE": .cue, "OUT CUE": .cue, "INCUE": .cue, "OUTCUE": .cue,
        "RUNS": .cue, "TAPE": .cue,
    ]

    /// Longest key is "VIDEO APPROVER'S INITIALS" (25); nothing longer is tried.
    static let maximumKeyLength = 26

    /// Reads `KEY:` at the start of `line` (case-insensitive; a space before the colon is
    /// tolerated, as in "SOURCE :"). Returns the key and the value after the colon.
    static func match(atStartOf line: Substring) -> (key: HeaderKey, value: Substring)? {
        // Keys are ASCII: scan bytes (a colon is one byte, so its index is valid for `line`).
        let view = line.utf8
        var end = view.startIndex
        var length = 0
        while end < view.endIndex, length <= maximumKeyLength {
            let b = view[end]
            if b == UInt8(ascii: ":") { break }
            let isLetter = (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
            guard isLetter || b == 0x20 || b == UInt8(ascii: "'") || b == UInt8(ascii: "#") || b == UInt8(ascii: ".") else { return nil }
            end = view.index(after: end)
            length += 1
        }
        guard end < view.endIndex, view[end] == UInt8(ascii: ":"), length > 0 else { return nil }
        let name = line[line.startIndex..<end].trimmingSpaces().uppercased()
        guard let key = table[name] else { return nil }
        let value = line[view.index(after: end)...].trimmingSpaces()
        return (key, value)
    }
}
