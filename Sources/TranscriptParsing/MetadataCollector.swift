import ArchiveModel

/// Collects the story-level facts scattered through a script: explicit header fields win over
/// values guessed from the page (a duration line, a restriction inside a shot group).
struct MetadataCollector {
    var storyField: String?
    var headlineField: String?
    var explicitDuration: Int?
    var standaloneDuration: Int?
    var explicitRestrictions: [String] = []
    var inlineRestrictions: [String] = []
    var datelineField: String?
    var locationField: String?
    var firstDateline: MetadataParsing.ParsedDateline?
    var firstArchiveDateline: MetadataParsing.ParsedDateline?
    var storyNumber: String?
    var source: String?

    mutating func noteHeader(_ key: HeaderKey, value: Substring) {
        let v = value.trimmingSpaces()
        switch key {
        case .story:
            if storyField == nil, !v.isEmpty { storyField = String(v) }
        case .title, .headline:
            if headlineField == nil, !v.isEmpty { headlineField = String(v) }
        case .length:
            if explicitDuration == nil { explicitDuration = MetadataParsing.duration(v) }
        case .restrictions:
            let cleaned = TranscriptReader.removingNotes(v).trimmingLabelPunctuation()
            if !cleaned.isEmpty { addUnique(cleaned, to: &explicitRestrictions) }
        case .source:
            var s = v
            if let r = s.firstRange(of: " - ") {
                let tail = s[r.upperBound...]
                if MetadataParsing.looksLikeRestriction(tail) { addUnique(String(tail.trimmingSpaces()), to: &inlineRestrictions) }
                s = s[..<r.lowerBound]
            }
            if source == nil, !s.isEmpty { source = Self.agencyName(s) }
        case .storyNumber:
            if storyNumber == nil, let token = v.words.first { storyNumber = String(token) }
        case .dateline:
            if datelineField == nil, !v.isEmpty { datelineField = String(v) }
        case .location:
            if locationField == nil, !v.isEmpty { locationField = String(v) }
        default:
            break
        }
    }

    /// "Associated Press" → "AP"; "AFP pictures" → "AFP"; otherwise as written.
    static func agencyName(_ s: Substring) -> String {
        let lower = s.lowercased()
        let agencies: [(String, String)] = [
            ("associated press", "AP"), ("ap television", "AP"), ("aptn", "AP"), ("reuters", "Reuters"),
            ("xinhua", "Xinhua"), ("afp", "AFP"), ("agence france", "AFP"), ("cctv", "CCTV"), ("cgtn", "CGTN"),
            ("voa", "VOA"), ("voice of america", "VOA"), ("ruptly", "Ruptly"), ("bbc", "BBC"),
        ]
        for (needle, name) in agencies where lower.hasPrefix(needle) { return name }
        return String(s.trimmingSpaces())
    }

    mutating func addDateline(_ d: MetadataParsing.ParsedDateline) {
        if d.isArchive {
            if firstArchiveDateline == nil { firstArchiveDateline = d }
        } else if firstDateline == nil {
            firstDateline = d
        }
        if let note = d.note {
            // "(NRK - No access Norway)": the restriction follows the source.
            let parts = note.split(separator: "-", maxSplits: 1)
            let candidate = parts.count == 2 ? parts[1].trimmingSpaces() : Substring(note)
            if MetadataParsing.looksLikeRestriction(candidate) { addUnique(String(candidate), to: &inlineRestrictions) }
        }
    }

    var locator: String?

    mutating func noteLocator(_ place: String) {
        if locator == nil { locator = place }
    }

    mutating func noteStandaloneDuration(_ t: Substring) {
        if standaloneDuration == nil { standaloneDuration = MetadataParsing.duration(t) }
    }

    /// Shot-group headers carry per-source terms ("ABC - No access ..."); they are deliberately
    /// not collected as the story's restrictions, which come from explicit fields and brackets.
    mutating func noteInlineRestriction(_ t: Substring) {}

    mutating func noteBracketRestriction(_ text: String) {
        let cleaned = text.trimmingLabelPunctuation()
        if !cleaned.isEmpty { addUnique(cleaned, to: &explicitRestrictions) }
    }

    private func addUnique(_ s: String, to list: inout [String]) {
        if !list.contains(where: { $0.lowercased() == s.lowercased() }) { list.append(s) }
    }

    var duration: Int? { explicitDuration ?? standaloneDuration }

    var restrictions: [String] { explicitRestrictions.isEmpty ? inlineRestrictions : explicitRestrictions }

    /// The dateline: a line "Place - Date" in the script, or the DATELINE/LOCATION fields
    /// (Xinhua gives the date in DATELINE and the place in LOCATION; APTN gives both in DATELINE).
    var dateline: Dateline? {
        if let field = datelineField {
            if let d = MetadataParsing.dateline(Substring(field)) {
                return Dateline(place: locationField ?? d.place, date: d.date, isoDate: d.isoDate)
            }
            if let parsed = MetadataParsing.date(Substring(field)) {
                return Dateline(place: locationField, date: field, isoDate: parsed.iso)
            }
            return Dateline(place: field, date: nil, isoDate: nil)
        }
        if let d = firstDateline ?? firstArchiveDateline {
            return Dateline(place: locationField ?? d.place, date: d.date, isoDate: d.isoDate)
        }
        if let place = locationField ?? locator { return Dateline(place: place) }
        return nil
    }
}
