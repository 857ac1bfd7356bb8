import ArchiveModel
import ArchiveService
import Deflate
import Foundation
import HTTP1
import Logging
import Routing

/// Limits of the API that are not the HTTP server's.
public struct APIOptions: Sendable {
    /// Largest transcript body accepted by POST/PUT, as sent (413 beyond).
    public var maxTranscriptBytes: Int
    /// Largest transcript after `Content-Encoding: gzip` is undone (413 beyond: no zip bombs).
    public var maxDecompressedBytes: Int

    public init(maxTranscriptBytes: Int = 10 << 20, maxDecompressedBytes: Int = 20 << 20) {
        self.maxTranscriptBytes = maxTranscriptBytes
        self.maxDecompressedBytes = maxDecompressedBytes
    }
}

/// The archive's HTTP API: its routes, and how each turns a request into a service call.
public struct ArchiveAPI: Sendable {
    let service: ArchiveService
    let options: APIOptions
    let metricsExposition: (@Sendable () -> [UInt8])?

    /// - Parameter metricsExposition: the Prometheus text for `GET /metrics`; nil leaves the route out.
    public init(service: ArchiveService, options: APIOptions = APIOptions(), metricsExposition: (@Sendable () -> [UInt8])? = nil) {
        self.service = service
        self.options = options
        self.metricsExposition = metricsExposition
    }

    /// The response cache for the read routes, valid until the service's data changes; nil when
    /// `byteBudget` is 0 (no cache).
    public func makeResponseCache(byteBudget: Int = ResponseCache.defaultByteBudget) -> ResponseCache? {
        guard byteBudget > 0 else { return nil }
        let generation = service.generation
        return ResponseCache(byteBudget: byteBudget) { generation.current }
    }

    /// Every route of the API.
    public var routes: RouteTable {
        var table = RouteTable()
        // Reads depend only on the data: cacheable until the data generation moves.
        let read = RoutePolicy(cacheControl: "no-cache", cacheable: true)
        let write = RoutePolicy(
            requiresAuthorization: true, maxBodyBytes: options.maxTranscriptBytes,
            acceptedContentTypes: ["text/plain", "application/json"]
        )
        table.add(.get, "/healthz", policy: RoutePolicy(cacheControl: "no-store"), sync: { _ in
            HTTPResponse.json(Array(#"{"status":"ok"}"#.utf8))
        })
        table.add(.get, "/readyz", policy: RoutePolicy(cacheControl: "no-store"), async: { [service] _ in
            guard await service.isReady() else {
                throw HTTPError(.serviceUnavailable, detail: "the database is not reachable or not migrated", headers: ["Retry-After": "5"])
            }
            return HTTPResponse.json(Array(#"{"status":"ready"}"#.utf8))
        })
        if let metricsExposition {
            table.add(.get, "/metrics", policy: RoutePolicy(cacheControl: "no-store"), sync: { _ in
                HTTPResponse(status: .ok, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"], body: metricsExposition())
            })
        }
        table.add(.post, "/stories", policy: write, async: { [self] request in try await createStory(request) })
        table.add(.get, "/stories/:id", policy: read, async: { [service] request in
            let story = try await service.story(id: try request.idParameter("id"))
            return HTTPResponse.json(APIJSON.encode(StoryJSON(story)))
        })
        table.add(.get, "/stories", policy: read, async: { [self] request in try await listStories(request) })
        table.add(.put, "/stories/:id", policy: write, async: { [self] request in try await replaceStory(request) })
        table.add(.delete, "/stories/:id", policy: RoutePolicy(requiresAuthorization: true), async: { [self] request in try await deleteStory(request) })
        table.add(.get, "/stories/:id/quotes", policy: read, async: { [service] request in
            let id = try request.idParameter("id")
            let quotes = try await service.quotes(storyID: id)
            return HTTPResponse.json(StoryQuotesJSON(storyID: id, items: quotes.map { QuoteJSON($0) }).bytes)
        })
        table.add(.get, "/stories/:id/segments", policy: read, async: { [self] request in try await storySegments(request) })
        table.add(.get, "/stories/:id/speakers", policy: read, async: { [self] request in try await storySpeakers(request) })
        table.add(.get, "/speakers", policy: read, async: { [self] request in try await listSpeakers(request) })
        table.add(.get, "/speakers/:id", policy: read, async: { [self] request in try await speaker(request) })
        table.add(.get, "/speakers/:id/quotes", policy: read, async: { [self] request in try await speakerQuotes(request) })
        table.add(.get, "/quotes", policy: read, async: { [self] request in try await searchQuotes(request) })
        // Cacheable although it never changes with the data: the cache keeps its ETag and gzip form
        // (45 KB, about a millisecond to compress) instead of making them again for every request.
        table.add(.get, "/openapi.json", policy: RoutePolicy(cacheControl: "public, max-age=300", cacheable: true), sync: { _ in
            HTTPResponse(status: .ok, headers: ["Content-Type": "application/openapi+json"], body: OpenAPIDocument.bytes)
        })
        return table
    }

    // MARK: Handlers

    func createStory(_ request: Request) async throws -> HTTPResponse {
        let (transcript, metadata) = try TranscriptUpload.read(request, options: options)
        let result = try await service.ingest(transcript: transcript, metadata: metadata)
        let body = APIJSON.encode(StoryJSON(result.story))
        return HTTPResponse.json(
            body, status: result.created ? .created : .ok,
            headers: ["Location": "/stories/\(result.story.id)"]
        )
    }
}
