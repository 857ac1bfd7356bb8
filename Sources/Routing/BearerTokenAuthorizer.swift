import HTTP1

/// Decides whether a request head carries acceptable credentials.
public protocol RequestAuthorizer: Sendable {
    /// nil when authorized; otherwise the error to send (401 with `WWW-Authenticate`).
    func authorize(_ head: RequestHead) -> HTTPError?
}

/// Accepts `Authorization: Bearer <token>` for any of a fixed set of tokens (RFC 6750 §2.1).
public struct BearerTokenAuthorizer: RequestAuthorizer {
    private let tokens: [[UInt8]]

    public init(tokens: [String]) {
        self.tokens = tokens.filter { !$0.isEmpty }.map { Array($0.utf8) }
    }

    public func authorize(_ head: RequestHead) -> HTTPError? {
        guard let value = head.headers["Authorization"] else {
            return Self.challenge("this request needs 'Authorization: Bearer <token>'; see the write-token file beside the database or STORYARCHIVE_WRITE_TOKEN", error: nil)
        }
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            return Self.challenge("the Authorization header must use the Bearer scheme", error: "invalid_request")
        }
        let presented = Array(parts[1].utf8)
        var matched = false
        for token in tokens where Self.constantTimeEquals(token, presented) {
            matched = true
        }
        return matched ? nil : Self.challenge("the bearer token is not valid", error: "invalid_token")
    }

    private static func challenge(_ detail: String, error: String?) -> HTTPError {
        var challenge = "Bearer realm=\"storyarchive\""
        if let error { challenge += ", error=\"\(error)\"" }
        return HTTPError(.unauthorized, detail: detail, headers: ["WWW-Authenticate": challenge])
    }

    /// Compares without an early exit so the time taken does not reveal how many leading
    /// bytes matched. Lengths may differ; that only reveals the length.
    static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for i in 0..<max(a.count, b.count) {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}
