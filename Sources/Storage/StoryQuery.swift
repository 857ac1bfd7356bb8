import ArchiveModel
import Foundation

/// Which stories to list, newest first, one page at a time.
///
/// Pages are keyset-paginated on the story id (https://sqlite.org/rowvalue.html#scrolling_window_queries):
/// a page starts after `after`, so stories ingested meanwhile never shift or repeat a page.
public struct StoryQuery: Sendable, Hashable {
    /// Full-text words that must all appear in the title, the narration or a quote.
    /// A word ending in `*` matches as a prefix.
    public var text: String?
    /// Only stories this speaker appears in.
    public var speakerID: Int64?
    /// Only stories whose location is this (case-insensitive, whole value).
    public var location: String?
    /// Only stories dated on or after this day (`YYYY-MM-DD`, the dateline's date).
    public var from: String?
    /// Only stories dated on or before this day (`YYYY-MM-DD`).
    public var to: String?
    /// Page size, clamped to 1...`maximumLimit`.
    public var limit: Int
    /// The `nextCursor` of the previous page; nil for the first page.
    public var after: Int64?

    public static let maximumLimit = 200

    public init(
        text: String? = nil, speakerID: Int64? = nil, location: String? = nil, from: String? = nil,
        to: String? = nil, limit: Int = 20, after: Int64? = nil
    ) {
        self.text = text
        self.speakerID = speakerID
        self.location = location
        self.from = from
        self.to = to
        self.limit = limit
        self.after = after
    }
}

/// A story as a list shows it: no segments, quotes or transcript.
public struct StorySummary: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var title: String
    public var location: String?
    public var dateline: Dateline?
    public var durationSeconds: Int?
    public var source: String?
    public var storyNumber: String?
    public var createdAt: Date
    public var speakerCount: Int
    public var quoteCount: Int

    public init(
        id: Int64, title: String, location: String? = nil, dateline: Dateline? = nil, durationSeconds: Int? = nil,
        source: String? = nil, storyNumber: String? = nil, createdAt: Date, speakerCount: Int = 0, quoteCount: Int = 0
    ) {
        self.id = id
        self.title = title
        self.location = location
        self.dateline = dateline
        self.durationSeconds = durationSeconds
        self.source = source
        self.storyNumber = storyNumber
        self.createdAt = createdAt
        self.speakerCount = speakerCount
        self.quoteCount = quoteCount
    }
}

/// One page of a keyset-paginated listing.
public struct Page<Item: Sendable & Hashable, Cursor: Sendable & Hashable>: Sendable, Hashable {
    public var items: [Item]
    /// Pass as `after` to get the next page; nil on the last page.
    public var nextCursor: Cursor?

    public init(items: [Item], nextCursor: Cursor?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

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

/// A quote matching a full-text search, best match first.
public struct QuoteSearchHit: Sendable, Hashable {
    public var quote: Quote
    public var storyTitle: String
    /// The matching passage with the matched words wrapped in the markers given to the search.
    public var snippet: String
    /// FTS5 bm25 rank: lower is better (https://sqlite.org/fts5.html#the_bm25_function).
    public var rank: Double

    public init(quote: Quote, storyTitle: String, snippet: String, rank: Double) {
        self.quote = quote
        self.storyTitle = storyTitle
        self.snippet = snippet
        self.rank = rank
    }
}

/// How a search marks the matched words inside a snippet.
public struct SnippetMarkers: Sendable, Hashable {
    public var open: String
    public var close: String
    public var ellipsis: String
    /// Tokens of context in a snippet (FTS5 allows 1...64).
    public var tokens: Int

    public init(open: String = "[", close: String = "]", ellipsis: String = "…", tokens: Int = 16) {
        self.open = open
        self.close = close
        self.ellipsis = ellipsis
        self.tokens = tokens
    }
}
