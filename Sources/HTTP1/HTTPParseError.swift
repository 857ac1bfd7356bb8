/// The one error the HTTP/1.1 parser throws: what went wrong, in words a client can read,
/// and the status the transport must answer with. The transport never has to guess.
public struct HTTPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The response status this error maps to (400, 413, 414, 431, 501, 505).
    public var status: HTTPStatus
    /// A short human explanation, safe to send to the client (it never echoes input bytes).
    public var detail: String

    public init(status: HTTPStatus, detail: String) {
        self.status = status
        self.detail = detail
    }

    public var description: String { "\(status.code): \(detail)" }

    static func badRequest(_ detail: String) -> HTTPParseError { .init(status: .badRequest, detail: detail) }
}
