/// Size limits the parser enforces while it reads a request, so that a peer cannot make the
/// server buffer without bound. Each maps to the status RFC 9110 names for it.
public struct HTTPLimits: Sendable, Equatable {
    /// Longest request line (method, target, version) in bytes; beyond it → 414 (RFC 9110 §15.5.15).
    public var maxRequestLineBytes: Int
    /// Largest header section (every field line after the request line) in bytes → 431 (RFC 6585 §5).
    public var maxHeaderBytes: Int
    /// Most field lines in one header section → 431.
    public var maxHeaderCount: Int
    /// Largest decoded body in bytes → 413 (RFC 9110 §15.5.14), checked against Content-Length
    /// before any of the body is read, and against the running total of a chunked body.
    public var maxBodyBytes: Int
    /// Longest chunk-size line, extensions included → 400; bounds what a chunk header may buffer.
    public var maxChunkLineBytes: Int

    public init(
        maxRequestLineBytes: Int = 8 * 1024,
        maxHeaderBytes: Int = 16 * 1024,
        maxHeaderCount: Int = 100,
        maxBodyBytes: Int = 8 * 1024 * 1024,
        maxChunkLineBytes: Int = 1024
    ) {
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
        self.maxChunkLineBytes = maxChunkLineBytes
    }
}
