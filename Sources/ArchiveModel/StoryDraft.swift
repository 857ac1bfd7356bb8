/// What the transcript parser reads out of one transcript, before anything is stored.
///
/// Speakers and quotes refer to each other by index so that a draft is a plain value:
/// the parser can build it without ids, and storage assigns ids in one transaction.
public struct StoryDraft: Hashable, Sendable {
    public var title: String
    /// The country or place the story is about ("China", "Columbia, South Carolina").
    public var location: String?
    public var dateline: Dateline?
    public var durationSeconds: Int?
    public var restrictions: [String]
    /// The agency's own story number, where the script gives one.
    public var storyNumber: String?
    /// The agency or source named by the script ("AP", "Xinhua", "Reuters").
    public var source: String?
    public var segments: [SegmentDraft]
    public var speakers: [SpeakerDraft]
    public var quotes: [QuoteDraft]

    public init(
        title: String,
        location: String? = nil,
        dateline: Dateline? = nil,
        durationSeconds: Int? = nil,
        restrictions: [String] = [],
        storyNumber: String? = nil,
        source: String? = nil,
        segments: [SegmentDraft] = [],
        speakers: [SpeakerDraft] = [],
        quotes: [QuoteDraft] = []
    ) {
        self.title = title
        self.location = location
        self.dateline = dateline
        self.durationSeconds = durationSeconds
        self.restrictions = restrictions
        self.storyNumber = storyNumber
        self.source = source
        self.segments = segments
        self.speakers = speakers
        self.quotes = quotes
    }
}

/// Where and when the pictures were taken, as the script's dateline gives it.
public struct Dateline: Hashable, Sendable {
    public var place: String?
    /// The date as written in the script ("11 February 2020"); `isoDate` when it could be read.
    public var date: String?
    /// `YYYY-MM-DD` when `date` could be understood.
    public var isoDate: String?

    public init(place: String? = nil, date: String? = nil, isoDate: String? = nil) {
        self.place = place
        self.date = date
        self.isoDate = isoDate
    }
}

/// The kinds of segment a video script is made of. Raw values are the JSON spelling.
public enum SegmentKind: String, Hashable, Sendable, CaseIterable {
    case voiceOver = "voice_over"
    case soundBite = "sound_bite"
    case standUp = "stand_up"
    case shot
    case natSound = "nat_sound"
    case text
}

public struct SegmentDraft: Hashable, Sendable {
    public var kind: SegmentKind
    public var text: String
    /// Index into `StoryDraft.speakers` for sound bites and stand-ups.
    public var speakerIndex: Int?

    public init(kind: SegmentKind, text: String, speakerIndex: Int? = nil) {
        self.kind = kind
        self.text = text
        self.speakerIndex = speakerIndex
    }
}

/// A person as one story labels them. The same person in another story is matched
/// by storage on a normalised `name`; `title` and `organization` belong to this story.
public struct SpeakerDraft: Hashable, Sendable {
    /// Display name: "MUSTAFINA ALMIRA" becomes "Mustafina Almira"; honorifics removed.
    public var name: String
    public var title: String?
    public var organization: String?
    /// The label exactly as the transcript wrote it.
    public var rawLabel: String

    public init(name: String, title: String? = nil, organization: String? = nil, rawLabel: String) {
        self.name = name
        self.title = title
        self.organization = organization
        self.rawLabel = rawLabel
    }
}

public struct QuoteDraft: Hashable, Sendable {
    /// Index into `StoryDraft.speakers`.
    public var speakerIndex: Int
    /// Index into `StoryDraft.segments` of the sound bite that holds the quote.
    public var segmentIndex: Int?
    /// The spoken words, without surrounding quotation marks; paragraphs joined by a space.
    public var text: String
    public var language: String?
    /// True when the words are an interpretation ("Through interpreter", "Chinese/English interpretation").
    public var interpreted: Bool
    /// True when the input ended inside the quote.
    public var truncated: Bool

    public init(
        speakerIndex: Int,
        segmentIndex: Int? = nil,
        text: String,
        language: String? = nil,
        interpreted: Bool = false,
        truncated: Bool = false
    ) {
        self.speakerIndex = speakerIndex
        self.segmentIndex = segmentIndex
        self.text = text
        self.language = language
        self.interpreted = interpreted
        self.truncated = truncated
    }
}
