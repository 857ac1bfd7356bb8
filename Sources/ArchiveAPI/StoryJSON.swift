import ArchiveModel
import Foundation
import TranscriptParsing

// The JSON shapes of the public API. Keys are snake_case and stable: extend, never rename.
// Optional members are written as `null` rather than left out, so every object of a kind
// has the same keys.

struct SpeakerJSON: Encodable {
    var id: Int64?
    var name: String
    var title: String?
    var organization: String?
    var rawLabel: String?

    enum CodingKeys: String, CodingKey { case id, name, title, organization, rawLabel = "raw_label" }

    init(_ speaker: Speaker) {
        (id, name, title, organization) = (speaker.id, speaker.name, speaker.title, speaker.organization)
    }

    init(_ draft: SpeakerDraft) {
        (name, title, organization, rawLabel) = (draft.name, draft.title, draft.organization, draft.rawLabel)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(title, forKey: .title)
        try c.encode(organization, forKey: .organization)
        try c.encodeIfPresent(rawLabel, forKey: .rawLabel)
    }
}

struct SegmentJSON: Encodable {
    var position: Int
    var kind: String
    var text: String
    var speaker: SpeakerJSON?

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(position, forKey: .position)
        try c.encode(kind, forKey: .kind)
        try c.encode(text, forKey: .text)
        try c.encodeIfPresent(speaker, forKey: .speaker)
    }

    enum CodingKeys: String, CodingKey { case position, kind, text, speaker }
}

struct QuoteJSON: Encodable {
    var id: Int64?
    var storyID: Int64?
    var position: Int
    var text: String
    var speaker: SpeakerJSON
    var language: String?
    var interpreted: Bool
    var truncated: Bool

    enum CodingKeys: String, CodingKey {
        case id, storyID = "story_id", position, text, speaker, language, interpreted, truncated
    }

    init(_ quote: Quote, includeStory: Bool = false) {
        id = quote.id
        storyID = includeStory ? quote.storyID : nil
        position = quote.position
        text = quote.text
        speaker = SpeakerJSON(quote.speaker)
        language = quote.language
        interpreted = quote.interpreted
        truncated = quote.truncated
    }

    init(_ quote: QuoteDraft, position: Int, speakers: [SpeakerDraft]) {
        self.position = position
        text = quote.text
        speaker = SpeakerJSON(speakers[quote.speakerIndex])
        language = quote.language
        interpreted = quote.interpreted
        truncated = quote.truncated
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(id, forKey: .id)
        try c.encodeIfPresent(storyID, forKey: .storyID)
        try c.encode(position, forKey: .position)
        try c.encode(text, forKey: .text)
        try c.encode(speaker, forKey: .speaker)
        try c.encode(language, forKey: .language)
        try c.encode(interpreted, forKey: .interpreted)
        try c.encode(truncated, forKey: .truncated)
    }
}

struct DatelineJSON: Encodable {
    var place: String?
    var date: String?

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(place, forKey: .place)
        try c.encode(date, forKey: .date)
    }

    enum CodingKeys: String, CodingKey { case place, date }

    init?(_ dateline: Dateline?) {
        guard let dateline else { return nil }
        place = dateline.place
        date = dateline.isoDate ?? dateline.date
    }
}

struct WarningJSON: Encodable {
    var code: String
    var message: String
}

/// A whole story: stored (with ids and `created_at`) or just parsed (without them).
struct StoryJSON: Encodable {
    var id: Int64?
    var title: String
    var location: String?
    var dateline: DatelineJSON?
    var durationSeconds: Int?
    var restrictions: [String]
    var storyNumber: String?
    var source: String?
    var segments: [SegmentJSON]
    var speakers: [SpeakerJSON]
    var quotes: [QuoteJSON]
    var createdAt: String?
    var sourceURL: String?
    var publishedAt: String?
    var language: String?
    var warnings: [WarningJSON]?

    enum CodingKeys: String, CodingKey {
        case id, title, location, dateline, durationSeconds = "duration_seconds", restrictions
        case storyNumber = "story_number", source, segments, speakers, quotes, createdAt = "created_at"
        case sourceURL = "source_url", publishedAt = "published_at", language, warnings
    }

    init(_ story: Story) {
        id = story.id
        title = story.title
        location = story.location
        dateline = DatelineJSON(story.dateline)
        durationSeconds = story.durationSeconds
        restrictions = story.restrictions
        storyNumber = story.storyNumber
        source = story.source
        segments = story.segments.map {
            SegmentJSON(position: $0.position, kind: $0.kind.rawValue, text: $0.text, speaker: $0.speaker.map(SpeakerJSON.init))
        }
        speakers = story.speakers.map(SpeakerJSON.init)
        quotes = story.quotes.map { QuoteJSON($0) }
        createdAt = JSONDates.format(story.createdAt)
        sourceURL = story.metadata.sourceURL
        publishedAt = story.metadata.publishedAt
        language = story.metadata.language
    }

    /// The shape `storyarchive parse` prints: the same as a stored story, without ids or timestamps.
    init(_ result: ParseResult) {
        let draft = result.story
        title = draft.title
        location = draft.location
        dateline = DatelineJSON(draft.dateline)
        durationSeconds = draft.durationSeconds
        restrictions = draft.restrictions
        storyNumber = draft.storyNumber
        source = draft.source
        segments = draft.segments.enumerated().map { index, segment in
            SegmentJSON(position: index + 1, kind: segment.kind.rawValue, text: segment.text,
                        speaker: segment.speakerIndex.map { SpeakerJSON(draft.speakers[$0]) })
        }
        speakers = draft.speakers.map(SpeakerJSON.init)
        quotes = draft.quotes.enumerated().map { QuoteJSON($1, position: $0 + 1, speakers: draft.speakers) }
        warnings = result.warnings.map { WarningJSON(code: $0.code, message: $0.message) }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(id, forKey: .id)
        try c.encode(title, forKey: .title)
        try c.encode(location, forKey: .location)
        try c.encode(dateline, forKey: .dateline)
        try c.encode(durationSeconds, forKey: .durationSeconds)
        try c.encode(restrictions, forKey: .restrictions)
        try c.encode(storyNumber, forKey: .storyNumber)
        try c.encode(source, forKey: .source)
        try c.encode(segments, forKey: .segments)
        try c.encode(speakers, forKey: .speakers)
        try c.encode(quotes, forKey: .quotes)
        if id != nil {
            try c.encode(createdAt, forKey: .createdAt)
            try c.encode(sourceURL, forKey: .sourceURL)
            try c.encode(publishedAt, forKey: .publishedAt)
            try c.encode(language, forKey: .language)
        }
        try c.encodeIfPresent(warnings, forKey: .warnings)
    }
}

struct StoryQuotesJSON: Encodable {
    var storyID: Int64
    var items: [QuoteJSON]
    enum CodingKeys: String, CodingKey { case storyID = "story_id", items }
}

enum JSONDates {
    /// RFC 3339 in UTC with seconds, as every timestamp in the API is written.
    static func format(_ date: Date) -> String {
        date.ISO8601Format()
    }
}

/// The one encoder configuration of the API. Keys are sorted because the encoder's own
/// order is not stable between runs, and the ETag of a response is derived from its bytes.
enum APIJSON {
    static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        // Encoding these value types cannot fail: no floats that could be NaN, no custom failures.
        return (try? Array(encoder.encode(value))) ?? Array("{}".utf8)
    }
}

/// What `storyarchive parse` prints: the story JSON of the API, without ids or timestamps.
public enum ParseOutput {
    public static func json(_ result: ParseResult) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .prettyPrinted, .sortedKeys]
        return (try? Array(encoder.encode(StoryJSON(result)))) ?? []
    }
}
