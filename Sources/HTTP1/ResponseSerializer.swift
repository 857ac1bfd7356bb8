/// Frames responses for the wire (RFC 9112 §4, §6): status line, the handler's headers, then
/// the headers the transport owns — `Date`, `Server`, `Content-Length`, `Connection` — and the
/// body, all into one buffer so that head and body leave in one write.
public struct ResponseSerializer: Sendable {
    public var serverName: String
    public let dateCache: HTTPDateCache

    public init(serverName: String = "StoryArchive", dateCache: HTTPDateCache = HTTPDateCache()) {
        self.serverName = serverName
        self.dateCache = dateCache
    }

    /// The interim response sent before reading a body the client is waiting to send
    /// (RFC 9110 §10.1.1, §15.2.1).
    public static let continueResponse: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// Appends the framed `response` to `buffer`.
    /// - Parameters:
    ///   - requestMethod: HEAD responses carry GET's headers, Content-Length included, but no
    ///     body (RFC 9110 §9.3.2). Nil when no request head was read (a framing error).
    ///   - requestVersion: a 1.0 client that asked for keep-alive is told `Connection: keep-alive`.
    ///   - keepAlive: false adds `Connection: close` (RFC 9112 §9.6): the client must not send more.
    public func serialize(
        _ response: HTTPResponse,
        requestMethod: HTTPMethod?,
        requestVersion: HTTPVersion = .http1_1,
        keepAlive: Bool,
        into buffer: inout [UInt8]
    ) {
        let status = response.status
        let isHead = requestMethod == .head
        buffer.reserveCapacity(buffer.count + 256 + response.body.count)
        buffer.append(contentsOf: Self.statusLinePrefix)
        append(String(status.code), to: &buffer)
        buffer.append(0x20)
        append(status.reason, to: &buffer)
        buffer.append(0x0D)
        buffer.append(0x0A)

        var explicitLength: String?
        var hasDate = false
        var hasServer = false
        for field in response.headers {
            let name = field.name
            if HTTPHeaders.nameEquals(name, "Content-Length") {
                explicitLength = field.value
                continue
            }
            // Framing and connection management belong to the transport, not to handlers.
            if HTTPHeaders.nameEquals(name, "Connection") || HTTPHeaders.nameEquals(name, "Transfer-Encoding")
                || HTTPHeaders.nameEquals(name, "Keep-Alive")
            {
                continue
            }
            if HTTPHeaders.nameEquals(name, "Date") { hasDate = true }
            if HTTPHeaders.nameEquals(name, "Server") { hasServer = true }
            appendField(name, field.value, to: &buffer)
        }
        if !hasDate { appendField("Date", dateCache.current, to: &buffer) }
        if !hasServer && !serverName.isEmpty { appendField("Server", serverName, to: &buffer) }

        // RFC 9110 §8.6: no Content-Length in 1xx and 204; a 304 may repeat the selected
        // representation's length, so a handler-supplied value is kept there.
        let isInformational = (100...199).contains(status.code)
        if !isInformational && status.code != 204 {
            if status.code == 304 {
                if let explicitLength { appendField("Content-Length", explicitLength, to: &buffer) }
            } else if isHead, response.body.isEmpty, let explicitLength {
                appendField("Content-Length", explicitLength, to: &buffer)
            } else {
                appendField("Content-Length", String(response.body.count), to: &buffer)
            }
        }
        if !keepAlive {
            appendField("Connection", "close", to: &buffer)
        } else if requestVersion.minor == 0 {
            appendField("Connection", "keep-alive", to: &buffer)
        }
        buffer.append(0x0D)
        buffer.append(0x0A)
        if status.allowsBody && !isHead {
            buffer.append(contentsOf: response.body)
        }
    }

    /// Convenience returning a fresh buffer.
    public func serialize(
        _ response: HTTPResponse, requestMethod: HTTPMethod?, requestVersion: HTTPVersion = .http1_1, keepAlive: Bool
    ) -> [UInt8] {
        var buffer: [UInt8] = []
        serialize(response, requestMethod: requestMethod, requestVersion: requestVersion, keepAlive: keepAlive, into: &buffer)
        return buffer
    }

    private static let statusLinePrefix: [UInt8] = Array("HTTP/1.1 ".utf8)

    private func append(_ s: String, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: s.utf8)
    }

    /// Writes one field line. CR and LF are dropped from names and values so that a handler
    /// echoing user input can never split the response (RFC 9110 §5.5).
    private func appendField(_ name: String, _ value: String, to buffer: inout [UInt8]) {
        appendSanitized(name, to: &buffer)
        buffer.append(0x3A)
        buffer.append(0x20)
        appendSanitized(value, to: &buffer)
        buffer.append(0x0D)
        buffer.append(0x0A)
    }

    /// Appends `s` without CR, LF and NUL. The usual string has none of them and is copied in
    /// one block; only a string that has one is filtered byte by byte.
    private func appendSanitized(_ s: String, to buffer: inout [UInt8]) {
        var s = s
        s.withUTF8 { bytes in
            if bytes.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) {
                for b in bytes where b != 0x0D && b != 0x0A && b != 0x00 { buffer.append(b) }
            } else {
                buffer.append(contentsOf: bytes)
            }
        }
    }
}

/// Keep-alive rules (RFC 9112 §9.3, §9.6) in one place.
public enum KeepAlivePolicy {
    /// Whether the connection may carry another request after `response` to `head`.
    /// - Parameter draining: the server is shutting down and wants to close after this answer.
    public static func shouldKeepAlive(request head: RequestHead, response: HTTPResponse, draining: Bool = false) -> Bool {
        if draining { return false }
        if !head.keepAlive { return false }
        if response.headers.tokens(for: "Connection").contains("close") { return false }
        return true
    }
}
