import Glibc

/// The one error the transport throws: which system call failed and its errno, so that an
/// operator reads "bind: Address already in use (errno 98)" rather than a generic failure.
public struct TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The failing operation ("socket", "bind", "listen", "getaddrinfo", "start").
    public var operation: String
    /// The errno value (for getaddrinfo, EINVAL; `detail` says more).
    public var code: Int32
    /// Extra context, e.g. the address that could not be resolved.
    public var detail: String

    public init(operation: String, code: Int32, detail: String = "") {
        self.operation = operation
        self.code = code
        self.detail = detail
    }

    /// Captures the current `errno` for `operation`.
    static func lastError(_ operation: String, detail: String = "") -> TransportError {
        TransportError(operation: operation, code: errno, detail: detail)
    }

    public var description: String {
        let message = String(cString: strerror(code))
        let context = detail.isEmpty ? "" : " (\(detail))"
        return "\(operation)\(context): \(message) (errno \(code))"
    }
}
