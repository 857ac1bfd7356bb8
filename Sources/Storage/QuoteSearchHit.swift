import ArchiveModel
import Foundation

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
