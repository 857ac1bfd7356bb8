import Foundation

/// A stored story with everything the API shows about it.
public struct Story: Hashable, Sendable, Identifiable {
    public var id: Int64
    public var title: String
    public var location: String?
    public var dateline: Dateline?
    public var durationSeconds: Int?
    public var restrictions: [String]
    public var storyNumber: String?
    public var source: String?
    public var segments: [Segment]
    /// Speakers in order of first appearance, with this story's title and organization.
    public var speakers: [Speaker]
    public var quotes: [Quote]
    public var createdAt: Date
    public var metadata: StoryMetadata

    public init(
        id: Int64, title: String, location: String? = nil, dateline: Dateline? = nil,
        durationSeconds: Int? = nil, restrictions: [String] = [], storyNumber: String? = nil,
        source: String? = nil, segments: [Segment] = [], speakers: [Speaker] = [], quotes: [Quote] = [],
        createdAt: Date, metadata: StoryMetadata = StoryMetadata()
    ) {
        self.id = id
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
        self.createdAt = createdAt
        self.metadata = metadata
    }
}

/// What a client may say about a transcript besides its text.
public struct StoryMetadata: Hashable, Sendable {
    public var sourceURL: String?
    public var publishedAt: String?
    public var language: String?

    public init(sourceURL: String? = nil, publishedAt: String? = nil, language: String? = nil) {
        self.sourceURL = sourceURL
        self.publishedAt = publishedAt
        self.language = language
    }
}

/// A person, as shown inside one story (title and organization from that story's appearance).
public struct Speaker: Hashable, Sendable, Identifiable {
    public var id: Int64
    public var name: String
    public var title: String?
    public var organization: String?

    public init(id: Int64, name: String, title: String? = nil, organization: String? = nil) {
        self.id = id
        self.name = name
        self.title = title
        self.organization = organization
    }
}

public struct Segment: Hashable, Sendable {
    public var position: Int
    public var kind: SegmentKind
    public var text: String
    public var speaker: Speaker?

    public init(position: Int, kind: SegmentKind, text: String, speaker: Speaker? = nil) {
        self.position = position
        self.kind = kind
        self.text = text
        self.speaker = speaker
    }
}

public struct Quote: Hashable, Sendable, Identifiable {
    public var id: Int64
    public var storyID: Int64
    /// 1-based order of the quote within its story.
    public var position: Int
    public var text: String
    public var speaker: Speaker
    public var language: String?
    public var interpreted: Bool
    public var truncated: Bool

    public init(
        id: Int64, storyID: Int64, position: Int, text: String, speaker: Speaker,
        language: String? = nil, interpreted: Bool = false, truncated: Bool = false
    ) {
        self.id = id
        self.storyID = storyID
        self.position = position
        self.text = text
        self.speaker = speaker
        self.language = language
        self.interpreted = interpreted
        self.truncated = truncated
    }
}
