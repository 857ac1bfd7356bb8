import Foundation

/// A speaker as a list shows them.
public struct SpeakerSummary: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var name: String
    /// How many stories they appear in.
    public var appearanceCount: Int

    public init(id: Int64, name: String, appearanceCount: Int) {
        self.id = id
        self.name = name
        self.appearanceCount = appearanceCount
    }
}

/// A speaker in one story: that story's title and organization for them and the label as written.
public struct Appearance: Sendable, Hashable {
    public var storyID: Int64
    public var storyTitle: String
    /// The story's date (`YYYY-MM-DD`) when its dateline could be read.
    public var storyDate: String?
    public var title: String?
    public var organization: String?
    public var rawLabel: String
    public var quoteCount: Int

    public init(
        storyID: Int64, storyTitle: String, storyDate: String? = nil, title: String? = nil,
        organization: String? = nil, rawLabel: String, quoteCount: Int = 0
    ) {
        self.storyID = storyID
        self.storyTitle = storyTitle
        self.storyDate = storyDate
        self.title = title
        self.organization = organization
        self.rawLabel = rawLabel
        self.quoteCount = quoteCount
    }
}

/// One person across the archive.
public struct SpeakerProfile: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var name: String
    /// Other spellings recorded for this person (normalised).
    public var aliases: [String]
    /// Newest story first.
    public var appearances: [Appearance]

    public init(id: Int64, name: String, aliases: [String] = [], appearances: [Appearance] = []) {
        self.id = id
        self.name = name
        self.aliases = aliases
        self.appearances = appearances
    }
}

/// Where a speaker's quote listing continues: after this quote (newest story first, then story order).
public struct QuoteCursor: Sendable, Hashable {
    public var storyID: Int64
    public var position: Int

    public init(storyID: Int64, position: Int) {
        self.storyID = storyID
        self.position = position
    }
}
