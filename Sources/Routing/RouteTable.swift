import HTTP1

public typealias SyncHandler = @Sendable (Request) throws -> HTTPResponse
public typealias AsyncHandler = @Sendable (Request) async throws -> HTTPResponse

/// What must hold for a request to reach a route's handler. The router checks it from the
/// head alone, before the body is read — which is what makes `Expect: 100-continue` honest.
public struct RoutePolicy: Sendable {
    /// Writes need a bearer token (checked by the router's `RequestAuthorizer`).
    public var requiresAuthorization: Bool
    /// Largest body accepted, in bytes, as announced by Content-Length (413 otherwise).
    public var maxBodyBytes: Int
    /// Media types accepted for the body; nil accepts any (and bodiless requests).
    public var acceptedContentTypes: [String]?
    /// `Cache-Control` for successful responses of this route.
    public var cacheControl: String?
    /// Successful GET responses may be kept in the router's `ResponseCache` and served from it
    /// until the data generation moves. Only for responses that depend on nothing but the target.
    public var cacheable: Bool

    public init(
        requiresAuthorization: Bool = false, maxBodyBytes: Int = 0,
        acceptedContentTypes: [String]? = nil, cacheControl: String? = nil, cacheable: Bool = false
    ) {
        self.requiresAuthorization = requiresAuthorization
        self.maxBodyBytes = maxBodyBytes
        self.acceptedContentTypes = acceptedContentTypes
        self.cacheControl = cacheControl
        self.cacheable = cacheable
    }
}

enum RouteHandler: Sendable {
    case sync(SyncHandler)
    case async(AsyncHandler)
}

/// A route pattern such as `/stories/:id/quotes`: literal segments and `:name` captures.
struct RoutePattern: Sendable, Equatable {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case capture(String)
    }

    let text: String
    let segments: [Segment]

    init(_ text: String) {
        precondition(text.hasPrefix("/"), "route patterns start with /: \(text)")
        self.text = text
        self.segments = text.split(separator: "/").map { part in
            part.hasPrefix(":") ? .capture(String(part.dropFirst())) : .literal(String(part))
        }
    }

    /// The captured parameters when `pathSegments` matches, percent-decoded; nil otherwise.
    /// Literal segments compare against the raw segment, so "/stories" never matches "/st%6Fries".
    func match(_ pathSegments: [Substring]) -> [String: String]? {
        guard pathSegments.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, actual) in zip(segments, pathSegments) {
            switch segment {
            case .literal(let literal):
                if literal != actual { return nil }
            case .capture(let name):
                guard let decoded = PercentDecoding.decode(actual, plusIsSpace: false) else { return nil }
                parameters[name] = decoded
            }
        }
        return parameters
    }
}

/// A class rather than a struct: the router walks the route list for every request, and
/// handing out a reference costs one retain where copying the fields cost one per field.
final class Route: Sendable {
    let method: HTTPMethod
    let pattern: RoutePattern
    let policy: RoutePolicy
    let handler: RouteHandler

    init(method: HTTPMethod, pattern: RoutePattern, policy: RoutePolicy, handler: RouteHandler) {
        self.method = method
        self.pattern = pattern
        self.policy = policy
        self.handler = handler
    }
}

/// The routes of an application, collected before the router is built so the router itself
/// is immutable (and so trivially safe to share across I/O queues).
public struct RouteTable: Sendable {
    var routes: [Route] = []

    public init() {}

    /// A handler that answers on the I/O queue: for cheap work only (no database, no big CPU).
    public mutating func add(_ method: HTTPMethod, _ pattern: String, policy: RoutePolicy = RoutePolicy(), sync handler: @escaping SyncHandler) {
        routes.append(Route(method: method, pattern: RoutePattern(pattern), policy: policy, handler: .sync(handler)))
    }

    /// A handler that may wait (database, parsing): it runs as a task off the I/O queues.
    public mutating func add(_ method: HTTPMethod, _ pattern: String, policy: RoutePolicy = RoutePolicy(), async handler: @escaping AsyncHandler) {
        routes.append(Route(method: method, pattern: RoutePattern(pattern), policy: policy, handler: .async(handler)))
    }

    /// Every pattern with its methods, in registration order (for OPTIONS and docs tests).
    public var patterns: [(pattern: String, methods: [HTTPMethod])] {
        var order: [String] = []
        var methods: [String: [HTTPMethod]] = [:]
        for route in routes {
            if methods[route.pattern.text] == nil { order.append(route.pattern.text) }
            methods[route.pattern.text, default: []].append(route.method)
        }
        return order.map { ($0, methods[$0]!) }
    }
}
