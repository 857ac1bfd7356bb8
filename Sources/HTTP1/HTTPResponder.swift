import Foundation

/// What the transport knows about the peer of one connection.
public struct ConnectionInfo: Sendable, Equatable {
    /// The peer's address as text ("127.0.0.1", "::1"), without the port.
    public var remoteAddress: String
    public var remotePort: Int
    /// A number unique to the connection within the process, for logs.
    public var connectionID: UInt64

    public init(remoteAddress: String, remotePort: Int = 0, connectionID: UInt64 = 0) {
        self.remoteAddress = remoteAddress
        self.remotePort = remotePort
        self.connectionID = connectionID
    }
}

/// The application side of the server, as the transport sees it.
///
/// The transport calls `precheck` as soon as a request head has been parsed and before
/// any of its body is read, so that a request that will be refused (unknown route, no
/// credentials, body too large, wrong media type) is answered at once — and so that
/// `Expect: 100-continue` gets `100 Continue` only when the request would be accepted.
public protocol HTTPResponder: Sendable {
    /// A final response to send without reading the body, or nil to go on.
    func precheck(_ head: RequestHead, connection: ConnectionInfo) -> HTTPResponse?

    /// Answers one complete request. `completion` must be called exactly once, on any thread.
    func respond(
        to request: HTTPRequest,
        connection: ConnectionInfo,
        completion: @escaping @Sendable (HTTPResponse) -> Void
    )

    /// The response for a request the transport refuses on its own (framing error, timeout,
    /// connection limit). Routing implements it so that these are problem+json too.
    func protocolErrorResponse(status: HTTPStatus, detail: String) -> HTTPResponse
}

extension HTTPResponder {
    public func precheck(_ head: RequestHead, connection: ConnectionInfo) -> HTTPResponse? { nil }
}

extension HTTPResponder {
    /// The response for a request the transport itself refuses (a framing error, a timeout,
    /// too many connections). The router overrides this so that these answers are
    /// problem+json like every other error.
    public func protocolErrorResponse(status: HTTPStatus, detail: String) -> HTTPResponse {
        let escaped = detail.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        let body = "{\"type\":\"about:blank\",\"title\":\"\(status.reason)\",\"status\":\(status.code),\"detail\":\"\(escaped)\"}"
        return HTTPResponse(status: status, headers: ["Content-Type": "application/problem+json"], body: Array(body.utf8))
    }
}
