import ArchiveModel
import Storage
import TranscriptParsing

// Browsing and changing the archive: lists, speakers, search, replace and delete.

extension ArchiveService {
    /// Runs a storage call on the pool and wraps its error.
    func storage<T: Sendable>(
        timer: CoreMetricsTimer? = nil, _ body: @escaping @Sendable () throws(StorageError) -> T
    ) async throws(ServiceError) -> T {
        try await pool.run(timer: timer) { () throws(ServiceError) -> T in
            do throws(StorageError) { return try body() } catch { throw .storage(error) }
        }
    }

    public func listStories(_ query: StoryQuery) async throws(ServiceError) -> Page<StorySummary, Int64> {
        let stories = self.stories
        return try await storage(timer: timers.list) { () throws(StorageError) in try stories.list(query) }
    }

    public func segments(storyID: Int64) async throws(ServiceError) -> [Segment] {
        try await story(id: storyID).segments
    }

    public func speakers(storyID: Int64) async throws(ServiceError) -> [Speaker] {
        try await story(id: storyID).speakers
    }

    /// Replaces a story's transcript and re-parses it, keeping its id.
    public func replaceStory(id: Int64, transcript: [UInt8], metadata: StoryMetadata) async throws(ServiceError) -> IngestResult {
        let stories = self.stories
        let generation = self.generation
        return try await pool.run(timer: timers.ingest) { () throws(ServiceError) -> IngestResult in
            let parsed = try Self.parse(transcript)
            do throws(StorageError) {
                defer { generation.advance() }
                let story = try stories.replace(id: id, with: parsed.story, transcript: transcript, metadata: metadata)
                return IngestResult(story: story, created: false, warnings: parsed.warnings)
            } catch .notFound {
                throw .notFound("there is no story \(id)")
            } catch {
                throw .storage(error)
            }
        }
    }

    /// Deletes a story, its quotes, and the speakers left without any appearance.
    public func deleteStory(id: Int64) async throws(ServiceError) {
        let stories = self.stories
        let generation = self.generation
        let deleted = try await storage(timer: timers.ingest) { () throws(StorageError) in
            defer { generation.advance() }
            return try stories.delete(id: id)
        }
        guard deleted else { throw .notFound("there is no story \(id)") }
    }

    public func listSpeakers(search: String?, limit: Int, after: String?) async throws(ServiceError) -> Page<SpeakerSummary, String> {
        let speakers = self.speakers
        return try await storage(timer: timers.list) { () throws(StorageError) in try speakers.list(search: search, limit: limit, after: after) }
    }

    public func speaker(id: Int64) async throws(ServiceError) -> SpeakerProfile {
        let speakers = self.speakers
        let profile = try await storage(timer: timers.story) { () throws(StorageError) in try speakers.speaker(id: id) }
        guard let profile else { throw .notFound("there is no speaker \(id)") }
        return profile
    }

    public func speakerQuotes(id: Int64, limit: Int, after: QuoteCursor?) async throws(ServiceError) -> Page<Quote, QuoteCursor> {
        let speakers = self.speakers
        let page = try await storage(timer: timers.quotes) { () throws(StorageError) in try speakers.quotes(speakerID: id, limit: limit, after: after) }
        guard let page else { throw .notFound("there is no speaker \(id)") }
        return page
    }

    /// Full-text search over quotes, best match first; one more hit than asked tells whether a next page exists.
    public func searchQuotes(
        _ text: String, speakerID: Int64?, limit: Int, offset: Int, markers: SnippetMarkers = SnippetMarkers()
    ) async throws(ServiceError) -> [QuoteSearchHit] {
        let quotes = self.quotes
        return try await storage(timer: timers.search) { () throws(StorageError) in
            try quotes.search(text, speakerID: speakerID, limit: limit, offset: offset, markers: markers)
        }
    }

    /// Parses a transcript for storing: the parser's errors, and a story with no words in it at all
    /// (markers only), are unprocessable — there would be nothing to archive.
    static func parse(_ transcript: [UInt8]) throws(ServiceError) -> ParseResult {
        let result: ParseResult
        do throws(TranscriptError) {
            result = try TranscriptParser.parse(bytes: transcript)
        } catch {
            throw .unprocessable(error.detail)
        }
        let story = result.story
        let hasWords = story.quotes.contains { !$0.text.allSatisfy(\.isWhitespace) }
            || story.segments.contains { !$0.text.allSatisfy(\.isWhitespace) }
        guard hasWords else {
            throw .unprocessable("the transcript has no narration, quotes or text in it (only headings or script markers); nothing to archive")
        }
        return result
    }
}
