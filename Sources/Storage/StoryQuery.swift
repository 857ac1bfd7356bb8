import ArchiveModel
import Foundation

/// Which stories to list, newest first, one page at a time.
///
/// Pages are keyset-paginated on the story id (https://sqlite.org/rowvalue.html#scrolling_window_queries):
/// a page starts after `after`, so stories ingested meanwhile never shift or repeat a page.
public struct StoryQuery: Sendable, Hashable {
    /// Full-text words that must all appear in the title, the narration or a quote.
    /// A word ending in `*` matches as a prefix. Blank text is no filter; text without a letter or
    /// digit matches nothing.
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
