import Deflate
import Dispatch
import Foundation
import HTTP1
import Logging
import Synchronization

/// Settings of the router that are not routes.
public struct RouterOptions: Sendable {
    /// Peers whose `X-Forwarded-For` / `Forwarded` headers are believed for the client address.
    public var trustedProxies: Set<String>
    /// Bodies smaller than this are sent uncompressed: gzip's header costs more than it saves.
    public var compressionMinimumBytes: Int

    public init(trustedProxies: Set<String> = [], compressionMinimumBytes: Int = 1024) {
        self.trustedProxies = trustedProxies
        self.compressionMinimumBytes = compressionMinimumBytes
    }
}

/// What the router decided from a request head alone.
enum Admission {
    /// The route matched and its policy holds.
    case route(Route, parameters: [String: String])
    /// `OPTIONS`: answered by the router with the methods the path allows.
    case options(allow: String)
}

/// Matches requests to routes and is the one place where errors become responses.
///
/// Everything a request goes through outside its handler lives here, in this order:
/// request id → method known? (501) → route and method (404/405/OPTIONS) → route policy
/// (401/413/415) → handler → error → problem+json → conditional GET and gzip → access log.
public final class Router: HTTPResponder {
    private let routes: [Route]
    private let authorizer: any RequestAuthorizer
    private let options: RouterOptions
    private let clientAddresses: ClientAddressResolver
    private let logger: Logger
    private let requestIDs = RequestIDGenerator()
    private let metrics: RequestMetrics?
    private let cache: ResponseCache?

    public init(
        routes: RouteTable, authorizer: any RequestAuthorizer, options: RouterOptions = RouterOptions(),
        metrics: RequestMetrics? = nil, cache: ResponseCache? = nil, logger: Logger
    ) {
        self.routes = routes.routes
        self.metrics = metrics
        self.cache = cache
        self.authorizer = authorizer
        self.options = options
        self.clientAddresses = ClientAddressResolver(trustedProxies: options.trustedProxies)
        self.logger = logger
    }

    // MARK: HTTPResponder

    public func precheck(_ head: RequestHead, connection: ConnectionInfo) -> HTTPResponse? {
        do {
            _ = try admit(head)
            return nil
        } catch {
            let started = DispatchTime.now().uptimeNanoseconds
            let context = RequestContext(head: head, connection: connection, requestID: requestID(for: head), clientAddress: clientAddresses.clientAddress(peer: connection.remoteAddress, headers: head.headers), started: started)
            return finish(error.response, context: context, policy: nil, route: routeLabel(for: head))
        }
    }

    public func respond(to request: HTTPRequest, connection: ConnectionInfo, completion: @escaping @Sendable (HTTPResponse) -> Void) {
        let started = DispatchTime.now().uptimeNanoseconds
        let head = request.head
        let context = RequestContext(
            head: head, connection: connection, requestID: requestID(for: head),
            clientAddress: clientAddresses.clientAddress(peer: connection.remoteAddress, headers: head.headers),
            started: started
        )
        let admission: Admission
        let query: [(name: String, value: String)]
        do {
            admission = try admit(head)
            guard let parsed = Request.parseQuery(head.query) else {
                throw HTTPError(.badRequest, detail: "the query string has a malformed percent-escape or is not UTF-8")
            }
            query = parsed
        } catch {
            completion(finish(error.response, context: context, policy: nil, route: routeLabel(for: head)))
            return
        }
        let route: Route, parameters: [String: String]
        switch admission {
        case .options(let allow):
            completion(finish(HTTPResponse(status: .noContent, headers: ["Allow": allow]), context: context, policy: nil, route: routeLabel(for: head)))
            return
        case .route(let r, let p):
            (route, parameters) = (r, p)
        }
        let routed = Request(
            head: head, body: request.body, connection: connection, parameters: parameters,
            query: query, requestID: context.requestID, clientAddress: context.clientAddress
        )
        guard route.policy.cacheable, let cache, head.method == .get || head.method == .head else {
            run(route, routed, context: context, completion: completion)
            return
        }
        let key = head.query.map { head.path + "?" + $0 } ?? head.path
        if let entry = cache.lookup(key) {
            // Served without the handler, on the caller's thread: the hot path of a read-mostly archive.
            completion(answer(from: entry, key: key, cache: cache, route: route, context: context))
            return
        }
        let leads = cache.beginFill(key) { [self] in
            // The request computing this target has finished. Its response answers this one if it
            // was kept; if not (an error, or the data changed meanwhile) this one runs the handler.
            if let entry = cache.lookup(key) {
                completion(answer(from: entry, key: key, cache: cache, route: route, context: context))
            } else {
                run(route, routed, context: context, caching: (cache, key), completion: completion)
            }
        }
        guard leads else { return }
        run(route, routed, context: context, caching: (cache, key)) { response in
            cache.endFill(key)
            completion(response)
        }
    }

    /// A response from the cache, negotiated for this request (gzip, `If-None-Match`).
    private func answer(from entry: ResponseCache.Entry, key: String, cache: ResponseCache, route: Route, context: RequestContext) -> HTTPResponse {
        var response = HTTPResponse(status: .ok, headers: entry.headers, body: entry.body)
        response.negotiate(request: context.head, compressionMinimum: options.compressionMinimumBytes) {
            cache.gzipBody(key, of: entry)
        }
        return finish(response, context: context, policy: nil, route: route.pattern.text, negotiated: true)
    }

    /// Runs the route's handler and finishes its response; with `caching`, a 200 is kept in the
    /// cache under that key (`completion` is called after it has been stored).
    private func run(
        _ route: Route, _ request: Request, context: RequestContext,
        caching: (cache: ResponseCache, key: String)? = nil, completion: @escaping @Sendable (HTTPResponse) -> Void
    ) {
        let policy = route.policy
        let label = route.pattern.text
        // Read before the handler runs: a response computed across a change of the data is not kept.
        let generation = caching?.cache.currentGeneration()
        let store: @Sendable (HTTPResponse) -> (@Sendable () -> [UInt8])? = { response in
            guard let caching, let generation, response.status.code == 200, let tag = response.headers["ETag"] else { return nil }
            let entry = ResponseCache.Entry(headers: response.headers, body: response.body, entityTag: tag)
            guard caching.cache.store(caching.key, entry, generation: generation) else { return nil }
            return { caching.cache.gzipBody(caching.key, of: entry) }
        }
        switch route.handler {
        case .sync(let handler):
            let response: HTTPResponse
            do { response = try handler(request) } catch { response = problem(for: error, context: context) }
            completion(finish(response, context: context, policy: policy, route: label, store: store))
        case .async(let handler):
            Task {
                let response: HTTPResponse
                do { response = try await handler(request) } catch { response = self.problem(for: error, context: context) }
                completion(self.finish(response, context: context, policy: policy, route: label, store: store))
            }
        }
    }

    public func protocolErrorResponse(status: HTTPStatus, detail: String) -> HTTPResponse {
        HTTPError(status, detail: detail).response
    }

    // MARK: Admission

    /// Finds the route for a head and checks its policy, without looking at any body.
    func admit(_ head: RequestHead) throws(HTTPError) -> Admission {
        let method = head.method
        // GET and HEAD first: comparing two small strings is cheaper than hashing into the set.
        guard method == .get || method == .head || HTTPMethod.known.contains(method) else {
            throw HTTPError(.notImplemented, detail: "the method \(head.method) is not implemented by this server")
        }
        let segments = head.path.split(separator: "/", omittingEmptySubsequences: true)
        if method != .options {
            // The common case, and it is taken for every request twice (precheck, then respond):
            // only routes of the right method are matched against the path, and the Allow list,
            // which only OPTIONS and 405 need, is not built. The route found is the one the full
            // scan below would pick: the first, in registration order, matching path and method.
            for route in routes where route.method == method || (method == .head && route.method == .get) {
                guard let parameters = route.pattern.match(segments) else { continue }
                try check(route.policy, head: head)
                return .route(route, parameters: parameters)
            }
        }
        var allowed: [HTTPMethod] = []
        var matched: (Route, [String: String])?
        for route in routes {
            guard let parameters = route.pattern.match(segments) else { continue }
            allowed.append(route.method)
            if matched == nil && (route.method == head.method || (head.method == .head && route.method == .get)) {
                matched = (route, parameters)
            }
        }
        if allowed.isEmpty {
            throw HTTPError(.notFound, detail: "there is no resource at \(head.path)")
        }
        if allowed.contains(.get) && !allowed.contains(.head) { allowed.append(.head) }
        allowed.append(.options)
        let allow = allowed.map(\.rawValue).joined(separator: ", ")
        if head.method == .options {
            return .options(allow: allow)
        }
        guard let (route, parameters) = matched else {
            throw HTTPError(.methodNotAllowed, detail: "\(head.method) is not allowed on \(head.path); allowed: \(allow)", headers: ["Allow": allow])
        }
        try check(route.policy, head: head)
        return .route(route, parameters: parameters)
    }

    private func check(_ policy: RoutePolicy, head: RequestHead) throws(HTTPError) {
        if policy.requiresAuthorization, let failure = authorizer.authorize(head) {
            throw failure
        }
        let length = head.headers["Content-Length"].flatMap { Int($0) } ?? 0
        let chunked = head.headers.contains("Transfer-Encoding")
        if length > policy.maxBodyBytes {
            throw HTTPError(.contentTooLarge, detail: "the body is \(length) bytes; this resource accepts at most \(policy.maxBodyBytes)")
        }
        if policy.maxBodyBytes == 0 && chunked {
            throw HTTPError(.contentTooLarge, detail: "this resource takes no request body")
        }
        if let accepted = policy.acceptedContentTypes {
            let type = head.headers["Content-Type"].map {
                ($0.split(separator: ";", maxSplits: 1).first.map(String.init) ?? $0).trimmingCharacters(in: .whitespaces).lowercased()
            }
            guard let type, accepted.contains(type) else {
                throw HTTPError(
                    .unsupportedMediaType,
                    detail: "send the body as one of: \(accepted.joined(separator: ", "))" + (type.map { " (got \($0))" } ?? " (no Content-Type given)"),
                    headers: ["Accept-Post": accepted.joined(separator: ", ")]
                )
            }
        }
    }

    // MARK: Finishing

    struct RequestContext: Sendable {
        let head: RequestHead
        let connection: ConnectionInfo
        let requestID: String
        let clientAddress: String
        let started: UInt64
    }

    private func problem(for error: any Error, context: RequestContext) -> HTTPResponse {
        if let convertible = error as? any HTTPErrorConvertible {
            return convertible.httpError.response
        }
        logger.error("unhandled error", metadata: [
            "request_id": "\(context.requestID)", "path": "\(context.head.path)", "error": "\(String(reflecting: error))",
        ])
        return HTTPError(.internalServerError, detail: "the server failed to answer this request; quote request id \(context.requestID) when reporting it").response
    }

    /// The pattern of the route a path belongs to, for metrics; "unmatched" when none does.
    private func routeLabel(for head: RequestHead) -> String {
        let segments = head.path.split(separator: "/", omittingEmptySubsequences: true)
        return routes.first { $0.pattern.match(segments) != nil }?.pattern.text ?? "unmatched"
    }

    private func finish(
        _ response: HTTPResponse, context: RequestContext, policy: RoutePolicy?, route: String,
        negotiated: Bool = false, store: (@Sendable (HTTPResponse) -> (@Sendable () -> [UInt8])?)? = nil
    ) -> HTTPResponse {
        var response = response
        if !negotiated && (context.head.method == .get || context.head.method == .head) {
            response.addValidators(cacheControl: policy?.cacheControl)
            // When the response was kept, its gzip form is made through the cache and kept too, here
            // on the handler's thread: a later gzip request would otherwise make it on an I/O loop.
            let keptGzip = store?(response)
            let plain = response.body
            response.negotiate(request: context.head, compressionMinimum: options.compressionMinimumBytes) {
                keptGzip?() ?? Deflate.gzip(plain)
            }
        }
        response.headers.set("X-Request-ID", context.requestID)
        let nanoseconds = DispatchTime.now().uptimeNanoseconds - context.started
        metrics?.record(route: route, method: context.head.method, status: response.status.code, nanoseconds: nanoseconds)
        let elapsed = Double(nanoseconds) / 1_000_000
        if logger.logLevel <= .info {
            logger.info("request", metadata: [
                "method": "\(context.head.method)",
                "path": "\(context.head.path)",
                "status": "\(response.status.code)",
                "bytes": "\(response.body.count)",
                "duration_ms": "\(String(format: "%.3f", elapsed))",
                "client": "\(context.clientAddress)",
                "request_id": "\(context.requestID)",
            ])
        }
        return response
    }

    private func requestID(for head: RequestHead) -> String {
        if let given = head.headers["X-Request-ID"], RequestIDGenerator.isAcceptable(given) { return given }
        return requestIDs.next()
    }
}

extension Error {
    fileprivate var response: HTTPResponse {
        (self as? any HTTPErrorConvertible)?.httpError.response
            ?? HTTPError(.internalServerError, detail: "unexpected error").response
    }
}

/// Request ids: a random per-process prefix and a counter, unique without coordination.
final class RequestIDGenerator: Sendable {
    private let prefix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
    private let counter = Atomic<UInt64>(0)

    func next() -> String {
        let n = counter.wrappingAdd(1, ordering: .relaxed).newValue
        return prefix + "-" + String(n, radix: 16)
    }

    /// A client's id is echoed only when it is short and plain, so logs cannot be forged with it.
    static func isAcceptable(_ id: String) -> Bool {
        (1...128).contains(id.utf8.count) && id.utf8.allSatisfy { byte in
            (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
                || byte == 45 || byte == 46 || byte == 95 || byte == 58
        }
    }
}
