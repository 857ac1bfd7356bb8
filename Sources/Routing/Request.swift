import Foundation
import HTTP1

/// One request as a handler sees it: the parsed head and body, the path parameters
/// the route captured, and what the router worked out (request id, client address).
public struct Request: Sendable {
    public var head: RequestHead
    public var body: [UInt8]
    public var connection: ConnectionInfo
    /// Captured by `:name` segments of the route pattern, percent-decoded.
    public var parameters: [String: String]
    /// Decoded query parameters in order; a name may repeat.
    public var query: [(name: String, value: String)]
    /// Echoed from `X-Request-ID` when the client sent a sane one, otherwise generated.
    public var requestID: String
    /// The peer, or the original client when the peer is a trusted proxy.
    public var clientAddress: String

    public init(
        head: RequestHead, body: [UInt8] = [], connection: ConnectionInfo = ConnectionInfo(remoteAddress: "127.0.0.1"),
        parameters: [String: String] = [:], query: [(name: String, value: String)] = [],
        requestID: String = "test", clientAddress: String? = nil
    ) {
        self.head = head
        self.body = body
        self.connection = connection
        self.parameters = parameters
        self.query = query
        self.requestID = requestID
        self.clientAddress = clientAddress ?? connection.remoteAddress
    }

    public var method: HTTPMethod { head.method }
    public var path: String { head.path }
    public var headers: HTTPHeaders { head.headers }

    /// The first value of the query parameter `name`, if present.
    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }

    /// The media type of the body without parameters, lower-cased ("text/plain").
    public var contentType: String? {
        guard let value = head.headers["Content-Type"] else { return nil }
        let type = value.split(separator: ";", maxSplits: 1).first.map(String.init) ?? value
        return type.trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// A path parameter that must be a positive 64-bit integer (the archive's ids).
    /// - Throws: `HTTPError` 400 naming the parameter when it is not one.
    public func idParameter(_ name: String) throws(HTTPError) -> Int64 {
        guard let text = parameters[name], let id = Self.positiveInteger(text) else {
            throw .badParameter(name, "must be a positive integer, got '\(parameters[name] ?? "")'")
        }
        return id
    }

    /// Parses 1*DIGIT strictly: no sign, no spaces, no leading "+" that `Int.init` would take.
    public static func positiveInteger(_ text: String) -> Int64? {
        guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
              let value = Int64(text), value > 0
        else { return nil }
        return value
    }

    /// Splits and decodes a raw query string. Returns nil when an escape is malformed.
    static func parseQuery(_ raw: String?) -> [(name: String, value: String)]? {
        guard let raw, !raw.isEmpty else { return [] }
        var result: [(name: String, value: String)] = []
        for pair in raw.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = PercentDecoding.decode(parts[0], plusIsSpace: true),
                  let value = parts.count > 1 ? PercentDecoding.decode(parts[1], plusIsSpace: true) : ""
            else { return nil }
            result.append((name: name, value: value))
        }
        return result
    }
}

extension HTTPResponse {
    /// A JSON response from already-encoded bytes.
    public static func json(_ body: [UInt8], status: HTTPStatus = .ok, headers: HTTPHeaders = [:]) -> HTTPResponse {
        var headers = headers
        headers.set("Content-Type", "application/json")
        return HTTPResponse(status: status, headers: headers, body: body)
    }

    public static func text(_ body: String, status: HTTPStatus = .ok, contentType: String = "text/plain; charset=utf-8") -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": contentType], body: Array(body.utf8))
    }
}
