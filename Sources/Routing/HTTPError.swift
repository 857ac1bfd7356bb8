import HTTP1

/// An error that already knows how it should look on the wire.
///
/// Every layer's typed error is turned into one of these in exactly one place per layer
/// (the API module maps service and storage errors), and the router turns these into
/// `application/problem+json` responses (RFC 9457) in exactly one place: `Router.problemResponse`.
public struct HTTPError: Error, Sendable, Equatable {
    public var status: HTTPStatus
    /// What went wrong with this request and what to change: shown to the client.
    public var detail: String
    /// A URI naming the kind of problem; "about:blank" means "see the status code".
    public var type: String
    public var title: String?
    /// Extra headers such as `Allow`, `Retry-After` or `WWW-Authenticate`.
    public var headers: HTTPHeaders
    /// Extra members of the problem object (for example the name of a bad parameter).
    public var extensions: [String: String]

    public init(
        _ status: HTTPStatus, detail: String, type: String = "about:blank", title: String? = nil,
        headers: HTTPHeaders = [:], extensions: [String: String] = [:]
    ) {
        self.status = status
        self.detail = detail
        self.type = type
        self.title = title
        self.headers = headers
        self.extensions = extensions
    }

    /// A query or path parameter that cannot be used, named so the client knows which one to fix.
    public static func badParameter(_ name: String, _ why: String) -> HTTPError {
        HTTPError(.badRequest, detail: "parameter '\(name)' \(why)", extensions: ["parameter": name])
    }

    public static func notFound(_ detail: String) -> HTTPError {
        HTTPError(.notFound, detail: detail)
    }
}

/// Implemented by module errors that know their HTTP meaning, so the router can render
/// them without knowing the module.
public protocol HTTPErrorConvertible: Error {
    var httpError: HTTPError { get }
}

extension HTTPError: HTTPErrorConvertible {
    public var httpError: HTTPError { self }
}
