import ArchiveModel
import ArchiveService
import Foundation
import HTTP1
import Routing
import Storage

// Handlers of the browsing, speaker, search and change endpoints.

extension ArchiveAPI {
    func listStories(_ request: Request) async throws -> HTTPResponse {
        try ListParameters.allowOnly(["q", "speaker", "location", "from", "to", "limit", "cursor"], in: request)
        var query = StoryQuery(
            text: try ListParameters.text(request, "q"),
            speakerID: try ListParameters.id(request, "speaker"),
            location: try ListParameters.text(request, "location"),
            from: try ListParameters.day(request, "from"),
            to: try ListParameters.day(request, "to"),
            limit: try ListParameters.limit(request)
        )
        if let from = query.from, let to = query.to, from > to {
            throw HTTPError.badParameter("from", "is after 'to' (\(from) > \(to))")
        }
        if let cursor = ListParameters.cursor(request) { query.after = try PageCursor.storyID(cursor) }
        let page = try await service.listStories(query)
        let next = page.nextCursor.map(PageCursor.stories)
        return paged(PageJSON(items: page.items.map(StorySummaryJSON.init), next: next), next: next, request: request)
    }

    func storySegments(_ request: Request) async throws -> HTTPResponse {
        try ListParameters.allowOnly([], in: request)
        let id = try request.idParameter("id")
        let segments = try await service.segments(storyID: id)
        let items = segments.map {
            SegmentJSON(position: $0.position, kind: $0.kind.rawValue, text: $0.text, speaker: $0.speaker.map(SpeakerJSON.init))
        }
        return .json(APIJSON.encode(OwnedListJSON(ownerKey: "story_id", ownerID: id, items: items)))
    }

    func storySpeakers(_ request: Request) async throws -> HTTPResponse {
        try ListParameters.allowOnly([], in: request)
        let id = try request.idParameter("id")
        let speakers = try await service.speakers(storyID: id)
        return .json(APIJSON.encode(OwnedListJSON(ownerKey: "story_id", ownerID: id, items: speakers.map(SpeakerJSON.init))))
    }

    func replaceStory(_ request: Request) async throws -> HTTPResponse {
        let id = try request.idParameter("id")
        let (transcript, metadata) = try TranscriptUpload.read(request, options: options)
        let result = try await service.replaceStory(id: id, transcript: transcript, metadata: metadata)
        return .json(APIJSON.encode(StoryJSON(result.story)), headers: ["Content-Location": "/stories/\(id)"])
    }

    func deleteStory(_ request: Request) async throws -> HTTPResponse {
        try await service.deleteStory(id: try request.idParameter("id"))
        return HTTPResponse(status: .noContent)
    }

    func listSpeakers(_ request: Request) async throws -> HTTPResponse {
        try ListParameters.allowOnly(["q", "limit", "cursor"], in: request)
        let after = try ListParameters.cursor(request).map { (cursor: String) throws(HTTPError) -> String in try PageCursor.speakerKey(cursor) }
        let page = try await service.listSpeakers(search: try ListParameters.text(request, "q"), limit: try ListParameters.limit(request), after: after)
        let next = page.nextCursor.map(PageCursor.speakers)
        return paged(PageJSON(items: page.items.map(SpeakerSummaryJSON.init), next: next), next: next, request: request)
    }

    func speaker(_ request: Request) async throws -> HTTPResponse {
        try ListParameters.allowOnly([], in: request)
        let profile = try await service.speaker(id: try request.idParameter("id"))
        return .json(APIJSON.encode(SpeakerProfileJSON(profile: profile)))
    }

    func speakerQuotes(_ request: Request) async throws -> HTTPResponse {
        try ListParameters.allowOnly(["limit", "cursor"], in: request)
        let id = try request.idParameter("id")
        let after = try ListParameters.cursor(request).map { (cursor: String) throws(HTTPError) -> QuoteCursor in try PageCursor.quoteCursor(cursor) }
        let page = try await service.speakerQuotes(id: id, limit: try ListParameters.limit(request), after: after)
        let next = page.nextCursor.map(PageCursor.speakerQuotes)
        let body = OwnedListJSON(ownerKey: "speaker_id", ownerID: id, items: page.items.map { QuoteJSON($0, includeStory: true) }, next: .some(next))
        return paged(body, next: next, request: request)
    }

    func searchQuotes(_ request: Request) async throws -> HTTPResponse {
        try ListParameters.allowOnly(["q", "speaker", "limit", "cursor"], in: request)
        guard let text = try ListParameters.text(request, "q", required: true) else { throw HTTPError.badParameter("q", "is required") }
        let limit = try ListParameters.limit(request)
        let offset = try ListParameters.cursor(request).map { (cursor: String) throws(HTTPError) -> Int in try PageCursor.offset(cursor) } ?? 0
        // One hit more than the page tells whether there is a next page without counting every match.
        let hits = try await service.searchQuotes(text, speakerID: try ListParameters.id(request, "speaker"), limit: limit + 1, offset: offset,
                                                  markers: SnippetMarkers(open: "<mark>", close: "</mark>"))
        let next = hits.count > limit ? PageCursor.searchOffset(offset + limit) : nil
        return paged(PageJSON(items: hits.prefix(limit).map(SearchHitJSON.init), next: next), next: next, request: request)
    }

    /// A page of a list, with the RFC 8288 `Link: <...>; rel="next"` header when there is a next page.
    private func paged(_ body: some Encodable, next: String?, request: Request) -> HTTPResponse {
        var headers: HTTPHeaders = [:]
        if let next {
            var components = URLComponents()
            components.path = request.path
            components.queryItems = request.query.filter { $0.name != "cursor" }.map { URLQueryItem(name: $0.name, value: $0.value) }
                + [URLQueryItem(name: "cursor", value: next)]
            headers.add("Link", "<\(components.string ?? request.path)>; rel=\"next\"")
        }
        return .json(APIJSON.encode(body), headers: headers)
    }
}
