import ArchiveModel
import Foundation
import Storage

// JSON shapes of the lists, speakers and search results.

struct StorySummaryJSON: Encodable {
    var summary: StorySummary

    enum CodingKeys: String, CodingKey {
        case id, title, location, dateline, durationSeconds = "duration_seconds", source, storyNumber = "story_number"
        case createdAt = "created_at", speakerCount = "speaker_count", quoteCount = "quote_count"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(summary.id, forKey: .id)
        try c.encode(summary.title, forKey: .title)
        try c.encode(summary.location, forKey: .location)
        try c.encode(DatelineJSON(summary.dateline), forKey: .dateline)
        try c.encode(summary.durationSeconds, forKey: .durationSeconds)
        try c.encode(summary.source, forKey: .source)
        try c.encode(summary.storyNumber, forKey: .storyNumber)
        try c.encode(JSONDates.format(summary.createdAt), forKey: .createdAt)
        try c.encode(summary.speakerCount, forKey: .speakerCount)
        try c.encode(summary.quoteCount, forKey: .quoteCount)
    }
}

/// `{"items": [...], "next": cursor | null}`: every paginated list has this shape.
struct PageJSON<Item: Encodable>: Encodable {
    var items: [Item]
    var next: String?

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(items, forKey: .items)
        try c.encode(next, forKey: .next)
    }

    enum CodingKeys: String, CodingKey { case items, next }
}

/// A list that belongs to one parent (`{"story_id": 1, "items": [...]}`), optionally paginated.
struct OwnedListJSON<Item: Encodable>: Encodable {
    var ownerKey: String
    var ownerID: Int64
    var items: [Item]
    var next: String??

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(ownerID, forKey: Key(stringValue: ownerKey))
        try c.encode(items, forKey: Key(stringValue: "items"))
        if let next { try c.encode(next, forKey: Key(stringValue: "next")) }
    }
}

struct SpeakerSummaryJSON: Encodable {
    var summary: SpeakerSummary
    enum CodingKeys: String, CodingKey { case id, name, appearanceCount = "appearance_count" }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(summary.id, forKey: .id)
        try c.encode(summary.name, forKey: .name)
        try c.encode(summary.appearanceCount, forKey: .appearanceCount)
    }
}

struct AppearanceJSON: Encodable {
    var appearance: Appearance
    enum CodingKeys: String, CodingKey {
        case storyID = "story_id", storyTitle = "story_title", storyDate = "story_date", title, organization
        case rawLabel = "raw_label", quoteCount = "quote_count"
    }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(appearance.storyID, forKey: .storyID)
        try c.encode(appearance.storyTitle, forKey: .storyTitle)
        try c.encode(appearance.storyDate, forKey: .storyDate)
        try c.encode(appearance.title, forKey: .title)
        try c.encode(appearance.organization, forKey: .organization)
        try c.encode(appearance.rawLabel, forKey: .rawLabel)
        try c.encode(appearance.quoteCount, forKey: .quoteCount)
    }
}

struct SpeakerProfileJSON: Encodable {
    var profile: SpeakerProfile
    enum CodingKeys: String, CodingKey { case id, name, aliases, appearances }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(profile.id, forKey: .id)
        try c.encode(profile.name, forKey: .name)
        try c.encode(profile.aliases, forKey: .aliases)
        try c.encode(profile.appearances.map(AppearanceJSON.init), forKey: .appearances)
    }
}

struct SearchHitJSON: Encodable {
    var hit: QuoteSearchHit
    enum CodingKeys: String, CodingKey {
        case id, storyID = "story_id", storyTitle = "story_title", position, text, snippet, speaker, language, interpreted, truncated
    }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let quote = hit.quote
        try c.encode(quote.id, forKey: .id)
        try c.encode(quote.storyID, forKey: .storyID)
        try c.encode(hit.storyTitle, forKey: .storyTitle)
        try c.encode(quote.position, forKey: .position)
        try c.encode(quote.text, forKey: .text)
        try c.encode(hit.snippet, forKey: .snippet)
        try c.encode(SpeakerJSON(quote.speaker), forKey: .speaker)
        try c.encode(quote.language, forKey: .language)
        try c.encode(quote.interpreted, forKey: .interpreted)
        try c.encode(quote.truncated, forKey: .truncated)
    }
}
